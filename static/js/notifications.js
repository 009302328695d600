/* Notifications: the header bell's "3 New" badge and a toast for each new notification.
   One WebSocket per tab (/ws/notifications/), through socket.js (exponential backoff 1 s → 30 s,
   jittered; ping; catch-up by the last id; HTTP while the socket keeps failing). A native ES
   module. Notifications are stored on the server with increasing ids, so the socket may drop
   messages: the tab remembers the last id it saw (in memory and sessionStorage, per person) and
   asks for what it missed on every (re)connect. When the socket keeps failing, it polls
   /notifications/catch-up/?after=<id> instead. Everything is rendered with textContent; no sound.
   Other scripts can listen for document events "peerlearn:notification" (detail: the notification)
   to refresh what they show.
   Server messages: {type: "hello", unread, last_id}, {type: "notification", id, kind, title, body,
   url, created_at, unread}, {type: "catch_up", notifications: [...], more, last_id, unread},
   {type: "unread", unread}. */
import { createSocket } from "./socket.js";

const bell = document.querySelector("[data-notifications]");
if (bell) notifications(bell);

function notifications(bell) {
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
  function toast(title, body, url, level, celebrate) {
    if (!P.toast || !title) return;
    var element = P.toast(String(title), level || "info");
    var text = element && element.querySelector(".toast__text");
    if (!text) return;
    if (celebrate) sparkle(element);
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
  /* Something the person achieved (a badge): a burst of sparkles around the toast's icon, once.
     Decoration only (hidden from screen readers); with reduced motion they stay still. */
  function sparkle(element) {
    element.classList.add("toast--celebrate");
    var burst = document.createElement("span");
    burst.className = "toast__sparkles";
    burst.setAttribute("aria-hidden", "true");
    for (var i = 0; i < 8; i += 1) {
      var bit = document.createElement("i");
      bit.style.setProperty("--turn", i * 45 + "deg");
      burst.appendChild(bit);
    }
    element.insertBefore(burst, element.firstChild);
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
        toast(item.title, item.body, item.url, LEVELS[item.kind], item.celebrate === true);
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
    // "open" once the server has greeted this tab and its mark is set, not when the socket opens:
    // a notification saved between the two is counted in the hello, not shown as new.
    bell.setAttribute("data-notifications-state", "open");
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
  /* --- The socket (socket.js: backoff, ping, catch-up by the last id) ----------------- */
  var socket = createSocket({
    path: socketPath,
    lastId: function () {
      return lastId;
    },
    catchUpMessage: function (after) {
      return { type: "catch_up", after: after };
    },
    fetchMissed: fetchMissed,
    onOpen: function () {
      bell.setAttribute("data-notifications-state", "greeting");
    },
    onMessage: handle,
    // The server refuses a signed-out socket with 4401: then this tab stops trying.
    onClose: function () {
      bell.setAttribute("data-notifications-state", "closed");
    },
  });
  function catchUp() {
    socket.catchUp();
  }

  window.PeerLearnNotifications = { catchUp: catchUp, lastId: function () { return lastId; } };
  if (socketPath) socket.connect();
  else fetchMissed();
}
