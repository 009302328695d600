/* The welcome tour (templates/components/welcome_tour.html): a modal dialog that walks through a
   few steps, each pointing at a part of the page (a ring and a dimmed rest). Escape, "Skip the
   tour" and "Done" close it and tell the server, so it is never shown again. */
const dialog = document.querySelector("[data-tour]");
const source = document.getElementById("welcome-tour-steps");

function visible(element) {
  return !!(element.offsetWidth || element.offsetHeight || element.getClientRects().length);
}

function targetOf(selector) {
  if (!selector) return null;
  return Array.from(document.querySelectorAll(selector)).find(visible) || null;
}

if (dialog && source && typeof dialog.showModal === "function") {
  const steps = JSON.parse(source.textContent);
  const title = dialog.querySelector("[data-tour-title]");
  const text = dialog.querySelector("[data-tour-text]");
  const count = dialog.querySelector("[data-tour-count]");
  const back = dialog.querySelector("[data-tour-back]");
  const next = dialog.querySelector("[data-tour-next]");
  const token = dialog.querySelector("input[name=csrfmiddlewaretoken]");
  let index = 0;
  let ringed = null;
  let closed = false;

  const unring = () => {
    if (ringed) ringed.classList.remove("tour-target");
    ringed = null;
  };

  const show = (at) => {
    index = at;
    const step = steps[index];
    unring();
    title.textContent = step.title;
    text.textContent = step.text;
    count.textContent = `Step ${index + 1} of ${steps.length}`;
    back.hidden = index === 0;
    next.firstChild.textContent = index === steps.length - 1 ? "Done " : "Next ";
    ringed = targetOf(step.target);
    if (ringed) {
      ringed.classList.add("tour-target");
      ringed.scrollIntoView({ block: "nearest" });
    }
    title.focus();
  };

  const finish = () => {
    if (closed) return;
    closed = true;
    unring();
    if (dialog.open) dialog.close();
    fetch(dialog.dataset.doneUrl, {
      method: "POST",
      headers: { "X-CSRFToken": token ? token.value : "" },
      credentials: "same-origin",
      keepalive: true,
    }).catch(() => {});
  };

  dialog.addEventListener("cancel", finish); // Escape
  dialog.querySelector("[data-tour-skip]").addEventListener("click", finish);
  back.addEventListener("click", () => show(Math.max(0, index - 1)));
  next.addEventListener("click", () => (index === steps.length - 1 ? finish() : show(index + 1)));
  dialog.showModal();
  show(0);
}
