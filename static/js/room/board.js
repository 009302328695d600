/* The whiteboard's place in the room: the drawing surface (whiteboard.js) with its strokes
   going out through the socket's outbox (resent until saved) and ink (a stroke still being
   drawn) straight to the other page as a signal; and the tool, colour and width pickers. */
import { newClientId } from "../socket.js";
import { createBoard } from "./whiteboard.js";

export function createRoomBoard(room) {
  const { state, $, $$ } = room;

  const board = createBoard($("[data-board]"), {
    newId: newClientId,
    onStroke(stroke, clientId) {
      room.channel.post({ type: "stroke", stroke: stroke }, clientId); // drawn now, saved when the socket is back
    },
    onInk(part) {
      if (room.call.peerSid && state.peerPresent) room.call.sendSignal({ kind: "ink", part: part });
    },
  });
  function pick(group, button) {
    $$("[role=radio]", group).forEach((other) => other.setAttribute("aria-checked", other === button ? "true" : "false"));
  }
  $$(".board__tools [role=radio]").forEach((button) => {
    button.addEventListener("click", () => {
      pick(button.parentElement, button);
      if (button.hasAttribute("data-tool")) board.setTool(button.getAttribute("data-tool"));
      if (button.hasAttribute("data-color")) {
        board.setColor(button.getAttribute("data-color"));
        board.setTool("pen");
        pick($('[data-tool="pen"]').parentElement, $('[data-tool="pen"]'));
      }
      if (button.hasAttribute("data-width")) board.setWidth(button.getAttribute("data-width"));
    });
  });
  $$(".swatch").forEach((swatch) => swatch.style.setProperty("--swatch", swatch.getAttribute("data-color")));

  return board;
}
