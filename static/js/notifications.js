/* Notifications: the header bell's "3 New" badge and a toast for each new notification.
   One WebSocket per tab (/ws/notifications/), reconnecting with exponential backoff (1 s → 30 s,
   jittered). Notifications are stored on the server with increasing ids, so the socket may drop
   messages: the tab remembers the last id it saw (in memory and sessionStorage, per person) and
   asks for what it missed on every (re)connect. When the socket keeps failing, it polls
   /notifications/catch-up/?after=<id> instead. Everything is rendered with textContent; no sound.
   Other scripts can listen for document events "peerlearn:notification" (detail: the notification)
   to refresh what they show.
   Server messages: {type: "hello", unread, last_id}, {type: "notification", id, kind, title, body,
   url, created_at, unread}, {type: "catch_up", notifications: [...], more, last_id, unread},
   {type: "unread", unread}. */
(function () {
  "use strict";

  var bell = document.querySelector("[data-notifications]");
  if (!bell || window.PeerLearnNotifications) return;
  var P = window.PeerLearn || {};
  var count = bell.querySelector("[data-notifications-count]");
  var socketPath = bell.getAttribute("data-socket");
  var catchUpUrl = bell.getAttribute("data-catch-up-url");
  var listUrl = bell.getAttribute("href");
  var storageKey = "peerlearn.notifications.last." + (bell.getAttribute("data-user") || "");
  var MAX_TOASTS = 3;
  var FETCH_TIMEOUT = 5000;
  var LEVELS = {
    booking_confirmed: "success",
    payment_captured: "success",
    earnings_updated: "success",
    payment_refunded: "success",
    booking_rejected: "warning",
    slot_taken: "warning",
  };

  /* --- The last id seen (null: not known yet, the server's hello sets it) ---------------- */
  var lastId = null;
  try {
    var stored = parseInt(window.sessionStorage.getItem(storageKey), 10);
    lastId = stored >= 0 ? stored : null;
  } catch (error) {
    lastId = null;
  }
  function setLastId(id) {
    lastId = id;
    try {
      window.sessionStorage.setItem(storageKey, String(id));
    } catch (error) {
      /* private mode: memory only */
    }
  }
  function isId(value) {
    return typeof value === "number" && value >= 0 && Math.floor(value) === value;
  }

  /* --- Badge, toasts ----------------------------------------------------------------- */
  function setUnread(n) {
    if (!isId(n)) return;
    if (count) {
      count.textContent = n + " New";
      count.hidden = n === 0;
    }
    bell.setAttribute("aria-label", n ? "Notifications: " + n + " New" : "Notifications");
    bell.setAttribute("data-unread", String(n));
  }
  function ring() {
    bell.classList.remove("is-ringing");
    void bell.offsetWidth; // restart the animation
    bell.classList.add("is-ringing");
  }
  function localPath(url) {
    return typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/" && url.indexOf("\\") === -1
      ? url
      : "";
  }
  /* A toast in the page's polite live region: the title (a link when there is one), then the body. */
  function toast(title, body, url, level) {
    if (!P.toast || !title) return;
    var element = P.toast(String(title), level || "info");
    var text = element && element.querySelector(".toast__text");
    if (!text) return;
    text.textContent = "";
    var path = localPath(url);
    var head = document.createElement(path ? "a" : "strong");
    if (path) head.setAttribute("href", path);
    head.textContent = String(title);
    text.appendChild(head);
    if (body) {
      text.appendChild(document.createElement("br"));
      text.appendChild(document.createTextNode(String(body)));
    }
  }
  function announceEach(list) {
    list.forEach(function (item) {
      document.dispatchEvent(new CustomEvent("peerlearn:notification", { detail: item }));
    });
  }

  /* --- Messages ------------------------------------------------------------------------ */
  /* Keep only notifications newer than the last one seen, and move the mark past them. */
  function fresh(list) {
    var out = [];
    list.forEach(function (item) {
      if (item && isId(item.id) && lastId !== null && item.id > lastId) out.push(item);
    });
    out.sort(function (a, b) {
      return a.id - b.id;
    });
    if (out.length) setLastId(out[out.length - 1].id);
    return out;
  }
  function show(list) {
    if (!list.length) return;
    if (list.length > MAX_TOASTS) {
      toast(list.length + " new notifications", "", listUrl, "info");
    } else {
      list.forEach(function (item) {
        toast(item.title, item.body, item.url, LEVELS[item.kind]);
      });
    }
    ring();
    announceEach(list);
  }
  function onHello(message) {
    setUnread(message.unread);
    var last = isId(message.last_id) ? message.last_id : 0;
    if (lastId === null || lastId > last) {
      setLastId(last); // the first page in this tab (or another account's mark): start from now
    } else if (last > lastId) {
      catchUp();
    }
  }
  function onCatchUp(message) {
    show(fresh(message.notifications || []));
    setUnread(message.unread);
    if (message.more) catchUp();
  }
  function handle(message) {
    if (!message || typeof message !== "object") return;
    if (message.type === "hello") onHello(message);
    else if (message.type === "notification") {
      show(fresh([message]));
      setUnread(message.unread);
    } else if (message.type === "catch_up") onCatchUp(message);
    else if (message.type === "unread") setUnread(message.unread);
  }

  /* --- Catching up: over the socket when it is open, otherwise over HTTP ----------------- */
  var inflight = null;
  var again = false; // asked again (``more``) while a fetch was still running
  function fetchMissed() {
    if (!catchUpUrl || !window.fetch) return;
    if (inflight) {
      again = true;
      return;
    }
    var controller = window.AbortController ? new AbortController() : null;
    var timer = window.setTimeout(function () {
      if (controller) controller.abort();
    }, FETCH_TIMEOUT);
    // Without a mark yet, ask without ``after``: the answer is a hello (unread count, last id).
    var url = lastId === null ? catchUpUrl : catchUpUrl + "?after=" + encodeURIComponent(lastId);
    inflight = window
      .fetch(url, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        cache: "no-store",
        redirect: "error", // signed out: the login page is not an answer
        signal: controller ? controller.signal : undefined,
      })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(handle)
      .catch(function () {
        /* try again at the next reconnect */
      })
      .then(function () {
        window.clearTimeout(timer);
        inflight = null;
        if (again) {
          again = false;
          fetchMissed();
        }
      });
  }
  function catchUp() {
    if (lastId !== null && socket && socket.readyState === 1) {
      socket.send(JSON.stringify({ type: "catch_up", after: lastId }));
    } else {
      fetchMissed();
    }
  }

  /* --- The socket, with backoff ------------------------------------------------------ */
  var socket = null;
  var attempts = 0;
  var reconnectTimer = null;
  var pingTimer = null;
  var stopped = false;

  function connect() {
    window.clearTimeout(reconnectTimer);
    if (socket || stopped) return;
    if (!("WebSocket" in window) || !socketPath) {
      fetchMissed();
      reconnectTimer = window.setTimeout(connect, 30000);
      return;
    }
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    try {
      socket = new WebSocket(scheme + window.location.host + socketPath);
    } catch (error) {
      socket = null;
      schedule();
      return;
    }
    socket.addEventListener("open", function () {
      attempts = 0;
      bell.setAttribute("data-notifications-state", "open");
      window.clearInterval(pingTimer);
      pingTimer = window.setInterval(function () {
        if (socket && socket.readyState === 1) socket.send('{"type":"ping"}');
      }, 30000);
    });
    socket.addEventListener("message", function (event) {
      var message;
      try {
        message = JSON.parse(event.data);
      } catch (error) {
        return;
      }
      handle(message);
    });
    socket.addEventListener("close", function (event) {
      bell.setAttribute("data-notifications-state", "closed");
      window.clearInterval(pingTimer);
      socket = null;
      // The server refuses a signed-out socket with 4401 before accepting it, which browsers
      // report as 1006; then this tab keeps backing off (at most one try every 30 s).
      if (event.code === 4401) {
        stopped = true;
        return;
      }
      schedule();
    });
  }
  function schedule() {
    attempts += 1;
    var delay = Math.min(30000, 1000 * Math.pow(2, attempts - 1)) * (0.5 + Math.random() / 2);
    // After a few failures the socket may be blocked (a proxy, a firewall): fetch meanwhile.
    if (attempts >= 3) fetchMissed();
    reconnectTimer = window.setTimeout(connect, delay);
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && !socket && !stopped) {
      attempts = 0;
      connect();
    }
  });

  window.PeerLearnNotifications = { catchUp: catchUp, lastId: function () { return lastId; } };
  connect();
})();
