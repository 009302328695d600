/* The one WebSocket client of every live page: live.js, notifications.js, room/channel.js.
   const socket = createSocket({path, onMessage, ...}); socket.connect();
   - Reconnects after min(max, base * 2^(n-1)) ms times 0.5..1 (jitter); gives up after
     ``tries`` (onClose: retryIn null) until connect(); a ``stopCodes`` close (4401 signed out,
     4403 refused) stops at once. The count restarts once the server has said something; coming
     back online or to the tab tries at once.
   - Pings every ``ping`` ms; after a pong, ``silence`` ms without a message reopens the socket.
   - Catch-up by the last id seen (``lastId()``): a reconnect's URL can carry it (``resumeParam``),
     catchUp() asks over the socket (``catchUpMessage(after)``) or HTTP (``fetchMissed(after)``),
     and every try from ``pollAfter`` on fetches over HTTP.
   - post(message) adds a ``client_id`` and sends it on every (re)connect, and after
     ``resendAfter`` ms without an answer, until a server message names that id (ack, echo or
     error): then onMessage(message, sent) gets the message it answers. The server saves a
     repeated id once.
   Options: path, onMessage, onOpen({reconnected}), onClose({code, attempt, tries, retryIn,
   stopped}), shouldRetry(), backoff {base, max, tries}, ping, silence, stopCodes, resendAfter,
   lastId(), resumeParam, catchUpMessage, fetchMissed, pollAfter. Socket: connect(), close(code),
   send(message), post(message, clientId?), pending(), catchUp(), state, ws, attempt. */

export function newClientId() {
  if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
  const bytes = new Uint8Array(16); // randomUUID needs a secure context (https or localhost)
  window.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/* How long try ``attempt`` (1, 2, ...) waits: exponential, capped, with jitter. */
export function backoffDelay(attempt, base, max, random = Math.random) {
  return Math.min(max, base * Math.pow(2, attempt - 1)) * (0.5 + random() / 2);
}

const DEFAULTS = {
  path: "",
  onMessage: () => {},
  onOpen: () => {},
  onClose: () => {},
  shouldRetry: () => true,
  backoff: { base: 1000, max: 30000, tries: Infinity },
  ping: 30000,
  silence: 0, // 0: two and a half pings
  stopCodes: [4401, 4403],
  resendAfter: 15000,
  lastId: () => null,
  resumeParam: "",
  catchUpMessage: null,
  fetchMissed: null,
  pollAfter: 3,
};

export function createSocket(options) {
  const o = Object.assign({}, DEFAULTS, options);
  const backoff = Object.assign({}, DEFAULTS.backoff, options.backoff);
  const outbox = new Map(); // client id -> {message, sentAt}, in the order they were made
  let ws = null;
  let state = "idle";
  let attempt = 0;
  let everOpened = false;
  let retryTimer = null;
  let lastHeard = 0;
  let pongSeen = false;
  let heard = false; // the server said something on this socket

  function url() {
    let path = o.path;
    const after = everOpened && o.resumeParam ? o.lastId() : null;
    if (after !== null && after !== undefined) {
      path += (path.indexOf("?") === -1 ? "?" : "&") + o.resumeParam + "=" + encodeURIComponent(after);
    }
    return (window.location.protocol === "https:" ? "wss://" : "ws://") + window.location.host + path;
  }

  function open() {
    window.clearTimeout(retryTimer);
    let socket;
    try {
      socket = new WebSocket(url());
    } catch (error) {
      // No WebSocket here (or it refused the URL): every try fetches over HTTP instead.
      closed(null, 1006, true);
      return;
    }
    ws = socket;
    state = "connecting";
    pongSeen = heard = false;
    socket.onopen = () => {
      if (ws !== socket) return;
      const reconnected = everOpened;
      everOpened = true;
      state = "open";
      lastHeard = Date.now();
      resend(true);
      o.onOpen({ reconnected: reconnected });
    };
    socket.onmessage = (event) => {
      if (ws !== socket) return;
      lastHeard = Date.now();
      let message;
      try {
        message = JSON.parse(event.data);
      } catch (error) {
        return;
      }
      if (!message || typeof message !== "object") return;
      if (!heard) {
        heard = true;
        attempt = 0; // a working connection: the next drop starts the backoff from the beginning
      }
      if (message.type === "pong") pongSeen = true;
      let sent = null;
      if (typeof message.client_id === "string" && outbox.has(message.client_id)) {
        sent = outbox.get(message.client_id).message;
        outbox.delete(message.client_id);
      }
      o.onMessage(message, sent);
    };
    socket.onclose = (event) => {
      if (ws !== socket) return;
      closed(socket, event.code);
    };
  }

  function closed(socket, code, unavailable) {
    ws = null;
    if (state === "stopped") return;
    const stopped = o.stopCodes.indexOf(code) !== -1 || !o.shouldRetry();
    state = stopped ? "stopped" : "closed";
    let retryIn = null;
    if (!stopped) {
      attempt += 1;
      if (attempt <= backoff.tries) {
        retryIn = backoffDelay(attempt, backoff.base, backoff.max);
        retryTimer = window.setTimeout(open, retryIn);
        // The socket may be blocked (a proxy, a firewall): keep the page fresh over HTTP meanwhile.
        if ((unavailable || attempt >= o.pollAfter) && o.fetchMissed) o.fetchMissed(o.lastId());
      }
    }
    o.onClose({ code: code, attempt: attempt, tries: backoff.tries, retryIn: retryIn, stopped: stopped });
  }

  function send(message) {
    if (!ws || ws.readyState !== WebSocket.OPEN) return false;
    ws.send(JSON.stringify(message));
    return true;
  }

  function resend(all) {
    const now = Date.now();
    outbox.forEach((entry) => {
      if ((all || now - entry.sentAt > o.resendAfter) && send(entry.message)) entry.sentAt = now;
    });
  }

  function wake() {
    if (state !== "closed" || !o.shouldRetry()) return;
    attempt = 0;
    open();
  }

  if (o.ping) {
    window.setInterval(() => {
      if (!ws || ws.readyState !== WebSocket.OPEN) return;
      if (pongSeen && Date.now() - lastHeard > (o.silence || o.ping * 2.5)) {
        ws.close(); // dead without a close: onclose reconnects
        return;
      }
      send({ type: "ping" });
      resend(false);
    }, o.ping);
  }
  window.addEventListener("online", wake);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") wake();
  });

  return {
    /* Open now (again): also after giving up or ``close()``. */
    connect() {
      window.clearTimeout(retryTimer);
      attempt = 0;
      if (ws && ws.readyState <= WebSocket.OPEN) return;
      open();
    },
    /* Close for good (until ``connect()``): no retry. */
    close(code) {
      window.clearTimeout(retryTimer);
      state = "stopped";
      const socket = ws;
      ws = null;
      if (socket && socket.readyState <= WebSocket.OPEN) socket.close(code || 1000);
    },
    send: send,
    /* Send ``message`` with a client id until the server answers it; returns the id. */
    post(message, clientId) {
      message.client_id = clientId || newClientId();
      const entry = { message: message, sentAt: 0 };
      outbox.set(message.client_id, entry);
      if (send(message)) entry.sentAt = Date.now();
      return message.client_id;
    },
    /* The messages still waiting for an answer, oldest first. */
    pending() {
      return Array.from(outbox.values(), (entry) => entry.message);
    },
    /* Ask for what came after ``lastId()``: over the socket when it is open, else over HTTP. */
    catchUp() {
      const after = o.lastId();
      if (o.catchUpMessage && after !== null && after !== undefined && send(o.catchUpMessage(after))) return;
      if (o.fetchMissed) o.fetchMissed(after);
    },
    get state() {
      return state;
    },
    get ws() {
      return ws;
    },
    get attempt() {
      return attempt;
    },
  };
}
