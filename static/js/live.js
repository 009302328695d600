/* The landing page's live rows: "Top live sessions" and "Best mentor sessions".
   A WebSocket (/ws/landing/) pushes fresh rows whenever a session is created, changed or cancelled.
   The socket can miss messages, so every (re)connect also fetches /live/ to catch up; the socket
   itself (backoff up to 30 s, ping, fetching while it keeps failing) is socket.js. A native ES
   module. A failed fetch keeps the cards on screen and offers "Retry?".
   Each payload: {type: "sections", sessions_html, mentors_html, counts: {live, upcoming, mentors},
   changed?: {id, title, change: "created" | "updated" | "cancelled"}}. */
import { createSocket } from "./socket.js";

const root = document.querySelector("[data-live]");
if (root) live(root);

function live(root) {
  var P = window.PeerLearn || {};
  var url = root.getAttribute("data-live-url");
  // The landing version these rows belong to; /live/?since=<it> answers 204 when still current.
  var version = root.getAttribute("data-live-version") || "";
  var socketPath = root.getAttribute("data-live-socket");
  var notice = root.querySelector("[data-live-notice]");
  var retry = root.querySelector("[data-live-retry]");
  var rows = {
    sessions: root.querySelector('[data-live-row="sessions"]'),
    mentors: root.querySelector('[data-live-row="mentors"]'),
  };
  var lastHtml = { sessions: null, mentors: null };
  var counts = readCounts();
  var FETCH_TIMEOUT = 5000;
  var CHANGE_TEXT = { created: "New session: ", updated: "Session updated: ", cancelled: "Session cancelled: " };

  function readCounts() {
    var parts = (root.getAttribute("data-live-counts") || "").split(",");
    return { live: +parts[0] || 0, upcoming: +parts[1] || 0, mentors: +parts[2] || 0 };
  }
  function plural(n, one, many) {
    return n + " " + (n === 1 ? one : many);
  }

  /* --- Rows ------------------------------------------------------------------------- */
  /* Swap a row's cards, keeping its scroll position and, where the card survives, keyboard focus. */
  function swap(row, html) {
    if (!row || html === undefined || html === null) return;
    var active = document.activeElement;
    var focusCard = null;
    var focusIndex = -1;
    if (active && row.contains(active) && active !== row) {
      var card = active.closest("[id]");
      if (card) {
        focusCard = card.id;
        focusIndex = Array.prototype.indexOf.call(card.querySelectorAll("a, button"), active);
      }
    }
    var left = row.scrollLeft;
    row.innerHTML = html;
    row.scrollLeft = left;
    if (P.localTimes) P.localTimes(row);
    if (P.updateRow) P.updateRow(row);
    if (focusCard) {
      var again = document.getElementById(focusCard);
      var target = again && again.querySelectorAll("a, button")[focusIndex];
      (target || row).focus({ preventScroll: true });
    }
  }

  /* --- Header badges and section counts --------------------------------------------- */
  function setBadge(badge, text, live) {
    badge.textContent = "";
    if (live) {
      var dot = document.createElement("span");
      dot.className = "badge__dot";
      dot.setAttribute("aria-hidden", "true");
      badge.appendChild(dot);
    }
    badge.appendChild(document.createTextNode(text));
    badge.classList.toggle("badge--live", !!live);
  }
  function updateCounts(next) {
    document.querySelectorAll('[data-live-badge="sessions"]').forEach(function (badge) {
      badge.hidden = !next.upcoming && !next.live;
      setBadge(badge, next.live ? next.live + " Live" : next.upcoming + " upcoming", next.live > 0);
    });
    document.querySelectorAll('[data-live-badge="mentors"]').forEach(function (badge) {
      badge.hidden = !next.mentors;
      setBadge(badge, next.mentors + (next.mentors === 1 ? " Top Mentor" : " Top Mentors"), false);
    });
    document.querySelectorAll("[data-live-count]").forEach(function (pill) {
      var mentors = pill.getAttribute("data-live-count") === "mentors";
      var n = mentors ? next.mentors : next.upcoming;
      pill.hidden = !n;
      pill.textContent = mentors ? plural(n, "mentor", "mentors") : n + " upcoming";
    });
    root.setAttribute("data-live-counts", [next.live, next.upcoming, next.mentors].join(","));
  }
  function describeCounts(next) {
    var parts = [];
    if (next.live) parts.push(plural(next.live, "session live now", "sessions live now"));
    parts.push(plural(next.upcoming, "upcoming session", "upcoming sessions"));
    parts.push(plural(next.mentors, "top mentor", "top mentors"));
    return parts.join(", ") + ".";
  }

  function flash(id) {
    var card = document.getElementById("session-" + id);
    if (!card) return;
    card.classList.add("is-updated");
    window.setTimeout(function () {
      card.classList.remove("is-updated");
    }, 2400);
  }

  function apply(payload) {
    if (!payload || payload.type !== "sections") return;
    if (payload.version !== undefined) version = String(payload.version);
    if (payload.sessions_html !== lastHtml.sessions) swap(rows.sessions, payload.sessions_html);
    if (payload.mentors_html !== lastHtml.mentors) swap(rows.mentors, payload.mentors_html);
    lastHtml.sessions = payload.sessions_html;
    lastHtml.mentors = payload.mentors_html;
    hideNotice();
    var next = payload.counts || counts;
    var countsChanged = next.live !== counts.live || next.upcoming !== counts.upcoming || next.mentors !== counts.mentors;
    updateCounts(next);
    counts = next;
    var changed = payload.changed;
    if (changed && CHANGE_TEXT[changed.change]) {
      // The toast sits in the polite live region, so it is heard as well as seen.
      if (P.toast) P.toast(CHANGE_TEXT[changed.change] + changed.title, "info");
      if (changed.change !== "cancelled") flash(changed.id);
      if (countsChanged && P.announce) P.announce(describeCounts(next));
    } else if (countsChanged && P.announce) {
      P.announce("Sessions updated: " + describeCounts(next));
    }
  }

  /* --- Catch-up fetch and "Retry?" --------------------------------------------------- */
  function showNotice() {
    if (!notice) return;
    var wasHidden = notice.hidden;
    notice.hidden = false;
    if (retry) {
      retry.disabled = false;
      retry.removeAttribute("aria-busy");
      retry.textContent = "Retry?";
    }
    if (wasHidden && P.announce) P.announce("Couldn’t refresh the sessions. Retry?");
  }
  function hideNotice() {
    if (notice) notice.hidden = true;
  }

  var inflight = null;
  function refresh() {
    if (inflight) return inflight;
    var controller = window.AbortController ? new AbortController() : null;
    var timer = window.setTimeout(function () {
      if (controller) controller.abort();
    }, FETCH_TIMEOUT);
    inflight = window
      .fetch(version ? url + "?since=" + encodeURIComponent(version) : url, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        cache: "no-store",
        signal: controller ? controller.signal : undefined,
      })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.status === 204 ? null : response.json();
      })
      .then(function (payload) {
        if (payload) apply(payload);
        else hideNotice();
      })
      .catch(showNotice)
      .then(function () {
        window.clearTimeout(timer);
        inflight = null;
      });
    return inflight;
  }
  if (retry) {
    retry.addEventListener("click", function () {
      retry.disabled = true;
      retry.setAttribute("aria-busy", "true");
      retry.textContent = "Refreshing…";
      refresh();
    });
  }

  /* --- The socket (socket.js: backoff, ping, catch-up over HTTP by version) ----------- */
  if (socketPath) {
    const socket = createSocket({
      path: socketPath,
      // The "last id" of this page is the landing version its rows belong to.
      lastId: () => version,
      fetchMissed: refresh,
      onOpen() {
        // Catch up on anything sent while we were away (or since the page was rendered): a few
        // bytes (204) when nothing changed.
        socket.catchUp();
        root.setAttribute("data-live-state", "open");
      },
      onMessage(payload) {
        // Pushed rows are rendered in IST for visitors; a signed-in person's times come in their
        // profile's timezone, so they fetch the rows (rendered for them) instead.
        if (payload.type !== "sections") return;
        if (P.timeZone) refresh();
        else apply(payload);
      },
      onClose() {
        root.setAttribute("data-live-state", "closed");
      },
    });
    socket.connect();
  }

  window.PeerLearnLive = { refresh: refresh, apply: apply };
}
