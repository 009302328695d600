/* The side panel (a sheet on narrow screens) with its three tabs: chat, whiteboard, topics.
   Arrow keys move between the tabs; dragging the sheet's grip down closes it. */

export function createPanels(room) {
  const { state, root, $, $$ } = room;

  const panel = $("[data-panel]");
  function openPanel(name, focus) {
    state.panel = name;
    panel.hidden = false;
    root.setAttribute("data-panel", name);
    $$("[data-tab]").forEach((tab) => {
      const on = tab.getAttribute("data-tab") === name;
      tab.setAttribute("aria-selected", on ? "true" : "false");
      tab.tabIndex = on ? 0 : -1;
    });
    $$("[data-pane]").forEach((pane) => {
      pane.hidden = pane.getAttribute("data-pane") !== name;
    });
    syncPanelButtons();
    if (name === "chat") {
      room.chat.setUnread(0);
      room.chat.scroll();
      if (focus) room.chat.focus();
    }
    if (name === "board") window.requestAnimationFrame(() => room.board.redraw());
  }
  function closePanel() {
    state.panel = "";
    panel.hidden = true;
    root.setAttribute("data-panel", "");
    syncPanelButtons();
  }
  function togglePanel(name) {
    if (state.panel === name) closePanel();
    else openPanel(name, true);
  }
  function syncPanelButtons() {
    $('[data-action="chat"]').setAttribute("aria-expanded", state.panel === "chat" ? "true" : "false");
    $('[data-action="board"]').setAttribute("aria-expanded", state.panel === "board" ? "true" : "false");
    $('[data-action="topics"]').setAttribute("aria-expanded", state.panel === "topics" ? "true" : "false");
  }
  $$("[data-tab]").forEach((tab, index, tabs) => {
    tab.addEventListener("click", () => openPanel(tab.getAttribute("data-tab"), false));
    tab.addEventListener("keydown", (event) => {
      let next = null;
      if (event.key === "ArrowRight") next = tabs[(index + 1) % tabs.length];
      else if (event.key === "ArrowLeft") next = tabs[(index - 1 + tabs.length) % tabs.length];
      if (next) {
        event.preventDefault();
        openPanel(next.getAttribute("data-tab"), false);
        next.focus();
      }
    });
  });
  // The sheet (narrow screens): drag its grip down to close it.
  (function () {
    const grip = $("[data-panel-grip]");
    let startY = null;
    let delta = 0;
    grip.addEventListener("pointerdown", (event) => {
      startY = event.clientY;
      delta = 0;
      grip.setPointerCapture(event.pointerId);
    });
    grip.addEventListener("pointermove", (event) => {
      if (startY === null) return;
      delta = Math.max(0, event.clientY - startY);
      panel.style.transform = "translateY(" + delta + "px)";
    });
    const end = () => {
      if (startY === null) return;
      startY = null;
      panel.style.transform = "";
      if (delta > 80) closePanel();
    };
    grip.addEventListener("pointerup", end);
    grip.addEventListener("pointercancel", end);
  })();

  return { open: openPanel, close: closePanel, toggle: togglePanel };
}
