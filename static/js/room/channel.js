/* The room's socket (config.ws_url), through the shared client (../socket.js), and what the
   server says on it: welcome, presence, acks, errors, pongs, and the messages of each part.
   The contract is the docstring of the room consumer (core/realtime/room.py).

   A dropped socket shows "Reconnecting… (try n of 3)" and tries again after about 1, 2 and 4 s
   (jittered); after that it asks "Rejoin?". A reconnect asks for the chat after the last id it
   saw (?after=<id>); the welcome restores the board and topics. Chat lines, strokes and ticks go
   out with socket.post (client ids, resent until the server answers them). Every pong carries
   the room's marks; a copy that is behind (a broadcast the channel layer dropped) asks catch_up. */
import { createSocket } from "../socket.js";

const TRIES = 3;

export function createChannel(room) {
  const { state, $, config, me, peer, toast, announce } = room;
  let leaving = false;
  let peerLeftTimer = null;

  const socket = createSocket({
    path: config.ws_url,
    backoff: { base: 1000, max: 4000, tries: TRIES },
    ping: 20000, // once the server has answered one, 50 s of silence means a dead socket
    silence: 50000,
    lastId: lastChatId,
    resumeParam: "after",
    catchUpMessage: (after) => ({ type: "catch_up", after: after }),
    shouldRetry: () => !leaving && state.status === "active",
    onMessage: handle,
    onClose: onClose,
  });

  function lastChatId() {
    return state.chat.reduce((last, item) => Math.max(last, item.id || 0), 0);
  }

  function onClose(event) {
    state.socket = "closed";
    room.call.updateNet();
    if (leaving || state.status !== "active") return;
    if (event.code === 4401 || event.code === 4403) {
      refused(event.code);
    } else if (event.retryIn === null) {
      showBanner(
        state.everConnected
          ? "Connection lost. Check your internet, then rejoin."
          : "Could not reach the room. Check your internet, then try again.",
        "rejoin"
      );
      $('[data-action="rejoin"]').focus();
    } else {
      showBanner("Reconnecting… (try " + event.attempt + " of " + event.tries + ")", "spinner");
    }
  }

  function refused(code) {
    leaving = true;
    room.lifecycle.showEnd(
      "You can't join this room",
      code === 4401
        ? "Your sign-in has ended. Log in again, then open the room."
        : "This room is open only to the session's mentor and its confirmed learner, from 10 minutes before the start until shortly after the end.",
      "refused"
    );
  }

  function showBanner(text, mode) {
    const banner = $("[data-banner]");
    if (!text) {
      banner.hidden = true;
      return;
    }
    banner.hidden = false;
    banner.setAttribute("data-mode", mode || "");
    $("[data-banner-text]").textContent = text;
    $("[data-banner-spinner]").hidden = mode !== "spinner";
    $('[data-action="rejoin"]').hidden = mode !== "rejoin";
    banner.setAttribute("role", mode === "rejoin" ? "alert" : "status");
  }

  /* --- Messages from the server (``sent``: our outbox message this one answers) --------- */
  function handle(message, sent) {
    switch (message.type) {
      case "welcome":
        return onWelcome(message);
      case "presence":
        return onPresence(message);
      case "signal":
        return room.call.onSignal(message.from, message.data);
      case "chat":
        if (sent) room.chat.dropPending(message.client_id); // our own line, back before its ack
        return room.chat.add(message.message, true);
      case "stroke":
        if (message.stroke) {
          room.board.add(message.stroke, message.stroke.sender_id === me.id ? message.client_id || true : null);
        }
        return;
      case "undo":
        return room.board.remove(message.stroke_id);
      case "clear":
        room.board.clear();
        if (message.by !== me.id) toast(peer.name + " cleared the whiteboard.", "info");
        return;
      case "topic":
        return room.topics.onTopic(message);
      case "recording":
        state.recording.consent = Object.assign({}, state.recording.consent, message.consent || {});
        state.recording.active = !!message.active;
        return room.recorder.update();
      case "ended":
        return room.lifecycle.onEnded(message);
      case "error":
        return onError(message, sent);
      case "ack":
        return onAck(message);
      case "pong":
        return onPong(message);
      default:
        return;
    }
  }

  function onAck(message) {
    if (message.chat) {
      room.chat.dropPending(message.client_id);
      room.chat.add(message.chat, true);
    } else if (message.stroke) {
      room.board.add(message.stroke, message.client_id);
    } else if (message.topic) {
      room.topics.seen(message.topic.id || 0);
    }
  }

  // A pong says where the room stands; behind it, we missed a broadcast: catch up.
  function onPong(message) {
    const last = message.last;
    if (!last || state.socket !== "open") return;
    const strokes = room.board.strokes();
    const lastStroke = strokes.reduce((top, stroke) => Math.max(top, stroke.id || 0), 0);
    const behind = last.chat > lastChatId() || last.topic > room.topics.lastTick();
    if (behind || last.stroke !== lastStroke || last.board !== strokes.length) socket.catchUp();
  }

  function onWelcome(message) {
    const wasReconnect = state.everConnected;
    const isCatchUp = state.socket === "open"; // the answer to our catch_up on an open socket
    state.everConnected = true;
    state.socket = "open";
    showBanner("");
    const s = message.state || {};
    state.status = s.status || "active";
    state.peerPresent = !!message.peer_present;
    if (s.since === null || s.since === undefined) {
      room.chat.render(s.chat || []);
    } else {
      (s.chat || []).forEach((line) => room.chat.add(line, true)); // what we missed, after what we saw
      if (s.chat_more) socket.catchUp();
    }
    room.board.load(s.strokes || []);
    if (s.last) room.topics.seen(s.last.topic || 0, true);
    room.topics.render(s.topics);
    socket.pending().forEach((pending) => {
      if (pending.type === "topic") room.topics.showTick(pending.index, pending.done); // not saved yet
    });
    if (s.recording) {
      state.recording = {
        consent: Object.assign({ mentor: false, learner: false }, s.recording.consent || {}),
        active: !!s.recording.active,
      };
    }
    room.recorder.update();
    if (state.status !== "active") {
      room.lifecycle.onEnded({ status: state.status });
      return;
    }
    if (isCatchUp) {
      room.call.updatePeerTile();
      return;
    }
    // (The outbox went out again as the socket opened: the server answers it after this welcome.)
    room.call.sendSignal({ kind: "hello" }, null);
    if (wasReconnect && room.call.pc) {
      room.call.pc.restartIce();
      announce("Reconnected");
    }
    if (state.peerPresent) {
      state.peerLeft = false;
    }
    room.call.updatePeerTile();
    room.call.updateNet();
  }

  function onPresence(message) {
    if (message.user_id !== peer.id) return;
    if (message.state === "joined") {
      window.clearTimeout(peerLeftTimer);
      const wasAway = !state.peerPresent;
      state.peerPresent = true;
      state.peerLeft = false;
      if (wasAway) {
        toast(peer.name + " joined.", "success");
        room.call.sendSignal({ kind: "hello" }, null);
      }
    } else if (message.state === "left") {
      // A reconnecting socket leaves and joins within a moment: wait before saying "left".
      window.clearTimeout(peerLeftTimer);
      peerLeftTimer = window.setTimeout(() => {
        state.peerPresent = false;
        state.peerLeft = true;
        state.peerMedia.recording = false;
        room.board.dropInk(peer.id);
        toast(peer.name + " left the room.", "info");
        room.call.updatePeerTile();
        room.call.updateNet();
        room.recorder.update();
      }, 3000);
    }
    room.call.updatePeerTile();
    room.call.updateNet();
  }

  // ``sent``: the message refused (it has left the outbox: resending will not help).
  function onError(message, sent) {
    const text = message.message || "Something went wrong.";
    if (sent && sent.type === "chat") {
      room.chat.dropPending(message.client_id);
      room.chat.giveBack(sent.text); // to edit or send later
    } else if (sent && sent.type === "stroke") {
      room.board.drop(message.client_id);
    } else if (sent && sent.type === "topic") {
      socket.catchUp(); // show the topics as they really are
    }
    if ((message.code === "rate_limited" || message.code === "too_long") && room.chat.visible()) {
      room.chat.showError(text);
    } else if (message.code === "rate_limited") {
      toast(text, "warning");
    } else {
      toast(text, "error");
    }
  }

  return {
    connect() {
      state.socket = "connecting";
      socket.connect();
    },
    /* "Rejoin": after the tries ran out. */
    rejoin() {
      showBanner("Reconnecting…", "spinner");
      state.socket = "connecting";
      socket.connect();
    },
    /* For good: leaving, refused or ended. */
    leave() {
      leaving = true;
      socket.close(1000);
      state.socket = "closed";
      showBanner("");
    },
    send: socket.send,
    post: socket.post,
    pending: socket.pending,
    isPending: (clientId) => socket.pending().some((message) => message.client_id === clientId),
    showBanner: showBanner,
    get ws() {
      return socket.ws;
    },
  };
}
