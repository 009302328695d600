/* The room's screens (precall, call, end), joining, leaving, ending the session (the mentor),
   and the confirm dialog in front of leaving, ending and clearing the board. */
import { shortTime } from "./context.js";

export function createLifecycle(room) {
  const { state, root, $, $$, config, me, peer, isMentor, toast } = room;

  function showScreen(name) {
    state.screen = name;
    root.setAttribute("data-screen", name);
    $$("[data-screen-part]").forEach((part) => {
      part.hidden = part.getAttribute("data-screen-part") !== name;
    });
  }

  function join() {
    if (state.joined) return;
    state.joined = true;
    room.levels.context();
    showScreen("call");
    room.media.updateMediaButtons();
    room.call.updatePeerTile();
    room.call.updateNet();
    room.channel.connect();
  }

  function stopEverything() {
    room.recorder.stop();
    room.call.closePc();
    room.media.stopAll();
    room.levels.watch("me", null);
    room.levels.watch("peer", null);
    room.channel.leave(); // no retry from here on
  }

  function showEnd(title, text, kind) {
    showScreen("end");
    root.setAttribute("data-end", kind);
    $("[data-end-title]").textContent = title;
    $("[data-end-text]").textContent = text;
    const feedback = $("[data-feedback-link]");
    if (feedback) feedback.hidden = kind !== "completed";
    $("[data-board-link]").hidden = kind !== "completed";
    $('[data-action="rejoin-room"]').hidden = kind !== "left";
    const info = room.recorder.info();
    $("[data-recording-link]").hidden = !(info && info.downloadUrl);
    $("[data-end-title]").focus();
  }

  async function onEnded(message) {
    state.status = message.status || "completed";
    if (room.recorder.running()) await room.recorder.stopAndFinish(8000);
    stopEverything();
    if (state.status === "cancelled") {
      showEnd("This session was cancelled", "If you paid, the refund goes back to your payment method.", "cancelled");
    } else {
      // The minutes both were present, from the server's presence records (never the booked length).
      const minutes = Number(message.minutes_together || 0);
      const together = "You were both present for " + minutes + " minute" + (minutes === 1 ? "" : "s") + ". ";
      if (isMentor) {
        showEnd("Session complete", together + "Thank you for teaching, " + me.name + ". Your earning becomes available " + (config.earnings_hold_hours || 48) + " hours after the session, unless the learner reports a problem.", "completed");
      } else if (message.ended_early) {
        showEnd("Session complete", together + "The mentor ended the session early: on the next page, tell us whether it went as booked.", "completed");
      } else {
        showEnd("Session complete", together + "How did it go with " + peer.name + "? Your rating helps other learners choose.", "completed");
      }
    }
  }

  const confirmDialog = $("[data-confirm]");
  function confirmThen(title, text, ok, action) {
    $("[data-confirm-title]").textContent = title;
    $("[data-confirm-text]").textContent = text;
    $("[data-confirm-ok]").textContent = ok;
    confirmDialog.returnValue = "";
    confirmDialog.onclose = () => {
      if (confirmDialog.returnValue === "ok") action();
    };
    confirmDialog.showModal();
  }

  async function endSession() {
    const button = $('[data-action="end"]');
    button.disabled = true;
    if (room.recorder.running()) {
      room.channel.showBanner("Saving the recording…", "spinner");
      await room.recorder.stopAndFinish(10000);
      room.channel.showBanner("");
    }
    if (!room.channel.send({ type: "end" })) {
      toast("You are offline: the session was not ended. Try again when you are back.", "error");
      button.disabled = false;
      return;
    }
    window.setTimeout(() => {
      if (state.screen === "call") {
        button.disabled = false;
        toast("The session did not end. Please try again.", "error");
      }
    }, 8000);
  }

  function leaveRoom() {
    stopEverything();
    showEnd(
      "You left the room",
      "The session is still on until " + shortTime(config.ends_at) + ". You can come back while it lasts.",
      "left"
    );
  }

  return {
    showScreen: showScreen,
    join: join,
    showEnd: showEnd,
    onEnded: onEnded,
    confirmThen: confirmThen,
    endSession: endSession,
    leaveRoom: leaveRoom,
  };
}
