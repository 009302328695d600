/* The live session room (/session/<room_id>/): the entry module. Pre-call check, WebRTC video
   between the two participants, chat, whiteboard, topics, timer, recording, reconnects; no
   framework, no outside library; everything is rendered with textContent. Native ES modules:

     context.js    what the parts share (config, who is who, state) and small helpers
     channel.js    the room socket (../socket.js) and the server's messages
     call.js       signalling: the RTCPeerConnection, the other person's tile, connection quality
     media.js      the pre-call check, devices, my tracks and tile, mic / camera / screen
     levels.js     sound levels (the meter, the "speaking" ring)
     panels.js     the side panel / sheet and its tabs
     chat.js, board.js (with whiteboard.js), topics.js, timer.js, recording.js
     lifecycle.js  screens, joining, leaving, ending

   Config: the json_script "room-config" (keys in core/realtime/room.py, whose docstring is the
   socket's contract). Each part is made with the shared ``room`` object and hangs its API on it
   (room.chat, room.call...), so parts reach each other through it, never by importing.

   For tests: window.PeerLearnRoom = {pc, socket, state} (read-only getters; ``socket`` is the
   current WebSocket). */
import { createRoomBoard } from "./board.js";
import { createCall } from "./call.js";
import { createChannel } from "./channel.js";
import { createChat } from "./chat.js";
import { createRoom, shortTime } from "./context.js";
import { createLevels } from "./levels.js";
import { createLifecycle } from "./lifecycle.js";
import { createMedia } from "./media.js";
import { createPanels } from "./panels.js";
import { createRecorder } from "./recording.js";
import { createTimer } from "./timer.js";
import { createTopics } from "./topics.js";

const root = document.querySelector("[data-room]");
const configNode = document.getElementById("room-config");
if (root && configNode) start(root, JSON.parse(configNode.textContent));

function start(root, config) {
  const P = window.PeerLearn || {};
  const room = createRoom(root, config);
  const { state, $$, peer, hasMedia } = room;
  // In the order the page used them when it was one script: each part only calls others later.
  room.media = createMedia(room);
  room.levels = createLevels(room);
  room.call = createCall(room);
  room.channel = createChannel(room);
  room.panels = createPanels(room);
  room.chat = createChat(room);
  room.board = createRoomBoard(room);
  room.topics = createTopics(room);
  room.timer = createTimer(room);
  room.recorder = createRecorder(room);
  room.lifecycle = createLifecycle(room);

  /* --- One click handler for every button ------------------------------------------------ */
  root.addEventListener("click", (event) => {
    const button = event.target.closest("[data-action]");
    if (!button || button.disabled || !root.contains(button)) return;
    const action = button.getAttribute("data-action");
    switch (action) {
      case "join":
        return room.lifecycle.join();
      case "retry-devices":
        return room.media.acquire();
      case "mic":
        return room.media.toggleMic();
      case "camera":
        return room.media.toggleCamera();
      case "share":
        return room.media.toggleShare();
      case "chat":
        return room.panels.toggle("chat");
      case "board":
        return room.panels.toggle("board");
      case "topics":
        return room.panels.toggle("topics");
      case "close-panel":
        return room.panels.close();
      case "pin": {
        const pinned = root.classList.toggle("is-self-pinned");
        button.setAttribute("aria-pressed", pinned ? "true" : "false");
        return;
      }
      case "unmute-audio":
        return room.call.playRemote();
      case "undo":
        return room.channel.send({ type: "undo" });
      case "clear":
        return room.lifecycle.confirmThen("Clear the whiteboard?", "This removes every stroke for both of you.", "Clear", () =>
          room.channel.send({ type: "clear" })
        );
      case "consent":
        return room.recorder.toggleConsent();
      case "record":
        return room.recorder.running() ? room.recorder.stop() : room.recorder.start();
      case "end":
        return room.lifecycle.confirmThen(
          "End the session?",
          "This ends the call for you and " + peer.name + " and marks the session complete.",
          "End for both",
          room.lifecycle.endSession
        );
      case "leave":
        return room.lifecycle.confirmThen(
          "Leave the room?",
          "You can come back until " + shortTime(config.ends_at) + ". Only " + peer.name + " can end the session.",
          "Leave",
          room.lifecycle.leaveRoom
        );
      case "rejoin":
        return room.channel.rejoin();
      case "rejoin-room":
        return window.location.reload();
      default:
        return;
    }
  });
  $$("[data-device]").forEach((select) => {
    select.addEventListener("change", () => room.media.switchDevice(select.getAttribute("data-device"), select.value));
  });
  if (hasMedia && navigator.mediaDevices.addEventListener) {
    navigator.mediaDevices.addEventListener("devicechange", () => room.media.listDevices());
  }
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && state.panel && !document.querySelector("dialog[open]") && state.screen === "call") {
      room.panels.close();
    }
  });


  // Closing the tab while the recording is still going up would cut it short: ask first.
  window.addEventListener("beforeunload", (event) => {
    const info = room.recorder.info();
    if (room.recorder.running() || (info && info.pending && !info.failed)) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  /* --- The read-only hook for tests -------------------------------------------------------- */
  window.PeerLearnRoom = Object.freeze({
    get pc() {
      return room.call.pc;
    },
    get socket() {
      return room.channel.ws;
    },
    get state() {
      return JSON.parse(
        JSON.stringify(
          Object.assign({}, state, {
            strokes: room.board.strokes(),
            pendingStrokes: room.board.pending(),
            outbox: room.channel.pending().length,
            upload: room.recorder.info(),
          })
        )
      );
    },
  });

  /* --- Start ------------------------------------------------------------------------------ */
  room.lifecycle.showScreen("precall");
  if (P.localTimes) P.localTimes(root);
  room.topics.render(null);
  room.chat.setUnread(0);
  room.recorder.update();
  room.media.acquire();
}
