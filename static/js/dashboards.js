/* PeerLearn dashboards: the bits that need a browser. Every page works without this file.
 *
 * - keeps the sidebar and bottom nav in step with the section htmx swapped in;
 * - live countdowns ("Starts in 2 h 5 min"), and Join links (data-join-opens/-closes) that
 *   appear when the room opens, 10 minutes before the start, without a reload;
 * - refreshes the parts marked data-live-refresh="<notification kinds>" when a notification
 *   of one of those kinds arrives (notifications.js dispatches "peerlearn:notification"),
 *   together with the nav badges, by fetching the current page and swapping those parts;
 * - the withdrawal form shows the fields of the chosen destination;
 * - forms with data-confirm ask first;
 * - [data-print] buttons (the learner's receipt) print the page; hidden without JavaScript;
 * - Chart.js charts on the analytics page, from the page's JSON data.
 */
(function () {
  "use strict";

  function $all(selector, root) {
    return Array.prototype.slice.call((root || document).querySelectorAll(selector));
  }

  // --- Navigation state after an htmx swap --------------------------------------------------
  function syncNav() {
    var main = document.getElementById("dash-main");
    if (!main) return;
    var current = main.getAttribute("data-section");
    $all(".side-nav a[data-section], .bottom-nav a[data-section], .bottom-nav__sheet a").forEach(function (link) {
      var key = link.getAttribute("data-section");
      if (key && key === current) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    });
    $all("[data-more-menu]").forEach(function (details) { details.open = false; });
  }

  // --- Countdowns ----------------------------------------------------------------------------
  function describe(ms) {
    if (ms <= 0) return "Starting now";
    var minutes = Math.round(ms / 60000);
    if (minutes < 60) return "Starts in " + minutes + " min";
    var hours = Math.floor(minutes / 60);
    if (hours < 48) return "Starts in " + hours + " h " + (minutes % 60) + " min";
    return "Starts in " + Math.round(hours / 24) + " days";
  }

  function tickCountdowns() {
    var now = Date.now();
    $all("[data-countdown]").forEach(function (node) {
      var at = Date.parse(node.getAttribute("data-countdown"));
      if (!isNaN(at)) node.textContent = describe(at - now);
    });
    $all("[data-join-opens]").forEach(function (link) {
      var open = now >= Date.parse(link.getAttribute("data-join-opens")) &&
        now < Date.parse(link.getAttribute("data-join-closes"));
      link.hidden = !open;
      var scope = link.closest("[data-join-scope]") || link.parentNode;
      var wait = scope.querySelector("[data-join-wait]");
      if (wait) wait.hidden = open;
    });
  }

  // --- Live refresh on notifications ----------------------------------------------------------
  var refreshing = false;
  var waiting = [];  // kinds that arrived while a refresh was in flight

  function refreshParts(kinds) {
    if (refreshing) {
      kinds.forEach(function (kind) { if (waiting.indexOf(kind) === -1) waiting.push(kind); });
      return;
    }
    var parts = $all("[data-live-refresh]").filter(function (node) {
      var listens = " " + node.getAttribute("data-live-refresh") + " ";
      return kinds.some(function (kind) { return listens.indexOf(" " + kind + " ") !== -1; });
    });
    refreshing = true;
    fetch(window.location.href, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        parts.forEach(function (node) {
          var fresh = node.id && page.getElementById(node.id);
          if (fresh) node.replaceWith(document.importNode(fresh, true));
        });
        $all("[data-nav-badge]").forEach(function (badge) {
          var fresh = page.querySelector('[data-nav-badge="' + badge.getAttribute("data-nav-badge") + '"]');
          if (fresh) { badge.innerHTML = fresh.innerHTML; badge.hidden = fresh.hidden; }
        });
        if (window.htmx && htmx.process) htmx.process(document.body);
        tickCountdowns();
      })
      .catch(function () { /* the next notification or a reload catches up */ })
      .then(function () {
        refreshing = false;
        if (waiting.length) refreshParts(waiting.splice(0));
      });
  }

  document.addEventListener("peerlearn:notification", function (event) {
    var detail = event.detail || {};
    var kinds = detail.kind ? [detail.kind] : [];
    /* a plugin's notification may bring core's parts up to date too ("earnings_updated") */
    if (Array.isArray(detail.refreshes)) {
      detail.refreshes.forEach(function (kind) { if (typeof kind === "string") kinds.push(kind); });
    }
    if (kinds.length) refreshParts(kinds);
  });

  // --- Withdrawal destination ----------------------------------------------------------------
  function syncDestination(form) {
    var checked = form.querySelector('input[name="destination_kind"]:checked');
    var kind = checked ? checked.value : "saved";
    $all("[data-destination]", form).forEach(function (group) {
      group.hidden = group.getAttribute("data-destination").split(" ").indexOf(kind) === -1;
    });
  }

  document.addEventListener("change", function (event) {
    var form = event.target.closest && event.target.closest("[data-withdrawal-form]");
    if (form && event.target.name === "destination_kind") syncDestination(form);
  });

  // --- Confirmations -------------------------------------------------------------------------
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  }, true);

  // --- Print (receipts) ----------------------------------------------------------------------
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-print]");
    if (button) window.print();
  });

  // --- Charts --------------------------------------------------------------------------------
  var chartLoading = false;

  function drawCharts() {
    var source = document.getElementById("analytics-data");
    if (!source) return;
    if (!window.Chart) {
      // Chart.js (ours, from static/vendor) is loaded only by pages that draw charts.
      if (chartLoading) return;
      chartLoading = true;
      var script = document.createElement("script");
      script.src = document.getElementById("chart-src").getAttribute("data-chart-src");
      script.onload = drawCharts;
      document.head.appendChild(script);
      return;
    }
    var data = JSON.parse(source.textContent);
    var orange = "#FF5734";
    var purple = "#BE94F5";
    var common = { responsive: true, maintainAspectRatio: false, plugins: { legend: { display: false } } };
    var specs = {
      earnings: { type: "bar", labels: data.weeks, values: data.earnings.map(Number), color: orange, label: "₹ earned" },
      bookings: { type: "line", labels: data.weeks, values: data.bookings, color: purple, label: "Bookings" },
      followers: { type: "line", labels: data.weeks, values: data.followers, color: purple, label: "Followers" },
      ratings: { type: "line", labels: data.weeks, values: data.ratings, color: orange, label: "Average rating", max: 5 },
      hours: {
        type: "bar",
        labels: data.hours.map(function (_, hour) { return (hour < 10 ? "0" : "") + hour + ":00"; }),
        values: data.hours, color: purple, label: "Sessions"
      }
    };
    $all("canvas[data-chart]").forEach(function (canvas) {
      var spec = specs[canvas.getAttribute("data-chart")];
      if (!spec || canvas.chart) return;
      canvas.chart = new window.Chart(canvas, {
        type: spec.type,
        data: { labels: spec.labels, datasets: [{ label: spec.label, data: spec.values, backgroundColor: spec.color, borderColor: spec.color, tension: 0.3 }] },
        options: Object.assign({
          spanGaps: true,
          scales: { y: spec.max ? { min: 1, max: spec.max, ticks: { stepSize: 1 } } : { beginAtZero: true, ticks: { precision: 0 } } }
        }, common)
      });
    });
  }

  function init() {
    syncNav();
    tickCountdowns();
    $all("[data-withdrawal-form]").forEach(syncDestination);
    $all("[data-print]").forEach(function (button) { button.hidden = false; });
    drawCharts();
  }

  document.addEventListener("DOMContentLoaded", init);
  document.addEventListener("htmx:after:swap", init);
  window.setInterval(tickCountdowns, 30000);
})();
