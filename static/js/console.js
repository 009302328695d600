/* The admin's home (templates/admin/index.html): charts from the page's JSON, and live figures.
   When money moves or something starts waiting for staff, the server says "changed" on
   /ws/console/ (core/console/consumers.py); the page fetches itself again and swaps the figures
   and the charts' data. Without JavaScript the page is complete, only not live. */
import { createSocket } from "./socket.js";

const ORANGE = "#FF5734";
const PURPLE = "#BE94F5";
const GREY = "#6B7280";

function chartData(doc) {
  const node = doc.getElementById("console-chart-data");
  return node ? JSON.parse(node.textContent) : null;
}

function numbers(values) {
  return values.map((value) => (value === null ? null : Number(value)));
}

function specs(data) {
  return {
    money: {
      type: "bar",
      datasets: [
        { label: "GMV (₹)", data: numbers(data.gmv), backgroundColor: PURPLE, borderColor: PURPLE },
        { label: "Platform revenue (₹)", data: numbers(data.revenue), backgroundColor: ORANGE, borderColor: ORANGE },
      ],
    },
    refunds: { type: "bar", datasets: [{ label: "Refunds (₹)", data: numbers(data.refunds), backgroundColor: GREY }] },
    people: {
      type: "line",
      datasets: [
        { label: "Learners", data: data.learners, borderColor: PURPLE, backgroundColor: PURPLE, tension: 0.3 },
        { label: "Mentors", data: data.mentors, borderColor: ORANGE, backgroundColor: ORANGE, tension: 0.3 },
      ],
    },
    bookings: {
      type: "bar",
      datasets: [
        { label: "Paid bookings", data: data.bookings, backgroundColor: PURPLE, yAxisID: "y" },
        {
          label: "Completion rate (%)", data: data.completion, type: "line", borderColor: ORANGE,
          backgroundColor: ORANGE, yAxisID: "rate", spanGaps: true, tension: 0.3,
        },
      ],
      scales: {
        y: { beginAtZero: true, ticks: { precision: 0 } },
        rate: { position: "right", min: 0, max: 100, grid: { drawOnChartArea: false } },
      },
    },
  };
}

function draw(data) {
  if (!data) return;
  const all = specs(data);
  document.querySelectorAll("canvas[data-console-chart]").forEach((canvas) => {
    const spec = all[canvas.getAttribute("data-console-chart")];
    if (!spec) return;
    if (canvas.chart) {
      canvas.chart.data.labels = data.labels;
      spec.datasets.forEach((dataset, index) => { canvas.chart.data.datasets[index].data = dataset.data; });
      canvas.chart.update("none");
      return;
    }
    canvas.chart = new window.Chart(canvas, {
      type: spec.type,
      data: { labels: data.labels, datasets: spec.datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: window.matchMedia("(prefers-reduced-motion: reduce)").matches ? false : undefined,
        plugins: { legend: { display: spec.datasets.length > 1, position: "bottom" } },
        scales: spec.scales || { y: { beginAtZero: true } },
      },
    });
  });
}

function withChartJs(then) {
  if (window.Chart) { then(); return; }
  const source = document.getElementById("chart-src");
  if (!source) return;
  const script = document.createElement("script");
  script.src = source.getAttribute("data-chart-src");
  script.onload = then;
  document.head.appendChild(script);
}

let refreshing = false;
let again = false;

async function refresh() {
  if (refreshing) { again = true; return; }
  refreshing = true;
  try {
    const response = await fetch(window.location.href, { credentials: "same-origin" });
    if (response.ok) {
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = page.getElementById("console-live");
      const live = document.getElementById("console-live");
      if (fresh && live) live.replaceWith(document.importNode(fresh, true));
      if (window.Chart) draw(chartData(document));
    }
  } catch (error) {
    /* the next change or a reload catches up */
  } finally {
    refreshing = false;
    if (again) { again = false; refresh(); }
  }
}

function init() {
  const home = document.querySelector("[data-console-socket]");
  if (!home) return;
  withChartJs(() => draw(chartData(document)));
  const socket = createSocket({
    path: home.getAttribute("data-console-socket"),
    onMessage: (message) => { if (message && message.type === "changed") refresh(); },
    onOpen: ({ reconnected }) => { if (reconnected) refresh(); },
  });
  socket.connect();
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
else init();
