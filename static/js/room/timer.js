/* The timer: elapsed and left (or "Starts in"), and a warning 5 minutes before the end. */
import { clock } from "./context.js";

export function createTimer(room) {
  const { state, $, config, toast } = room;
  const WARN_SECONDS = 5 * 60;

  const startsAt = new Date(config.starts_at).getTime();
  const endsAt = new Date(config.ends_at).getTime();
  let warned = false;
  function tickTimer() {
    const now = Date.now();
    const elapsed = $("[data-timer-elapsed]");
    const left = $("[data-timer-left]");
    const timer = $("[data-timer]");
    if (now < startsAt) {
      elapsed.textContent = "Starts in " + clock((startsAt - now) / 1000);
      left.textContent = Math.round((endsAt - startsAt) / 60000) + " min";
    } else {
      elapsed.textContent = clock((now - startsAt) / 1000);
      const remaining = (endsAt - now) / 1000;
      left.textContent = remaining > 0 ? clock(remaining) + " left" : "Time is up";
      const warn = remaining <= WARN_SECONDS;
      timer.classList.toggle("is-warning", warn);
      if (warn && !warned && remaining > 0 && state.screen === "call") {
        warned = true;
        toast("5 minutes left in this session.", "warning");
      }
    }
    timer.setAttribute("aria-label", "Elapsed " + elapsed.textContent + ", " + left.textContent);
  }
  tickTimer();
  window.setInterval(tickTimer, 1000);

  return { tick: tickTimer };
}
