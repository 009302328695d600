/* The call (signalling): one RTCPeerConnection with the other participant, negotiated over
   the room socket in {"type": "signal", "data": ...} messages, which the server relays as they
   are. Our data is {sid, to, kind, ...}: ``sid`` names this page load, so a reload on the other
   side (a new sid) means "start a new RTCPeerConnection", while a reconnected socket (same sid)
   keeps the call and only restarts ICE. Kinds: "hello" (I am here; answered once with reply:
   true), "description" and "candidate" (perfect negotiation: the learner is polite, the mentor
   not; a new call starts with the mentor's offer, see startPc), "media" (my microphone / camera /
   screen state), "ink" (a stroke still being drawn) and "recording" (the mentor's recorder is
   running).

   Also the other person's tile, the connection quality, and the audio-only fallback: when the
   outgoing video stays very thin for a while (bandwidth-limited), the camera is paused so the
   audio stays clear. ICE failure restarts ICE; a call stuck "connecting" starts afresh. */

export function createCall(room) {
  const { state, $, config, me, peer, polite, sid, born, toast } = room;
  const remoteVideo = $("[data-remote-video]");

  let pc = null;
  let peerSid = null;
  let peerBorn = 0;
  let makingOffer = false;
  let ignoreOffer = false;
  let settingAnswer = false;
  let earlyCandidates = [];
  let awaitingFirstOffer = false; // the polite side lets the other make the first offer // arrived before a remote description: added after the next one
  let remoteStream = new MediaStream();
  let pcStartedAt = 0;
  const senders = { audio: null, video: null };

  function sendSignal(data, to) {
    const payload = Object.assign({ sid: sid, born: born }, data);
    const target = to === undefined ? peerSid : to;
    if (target) payload.to = target;
    return room.channel.send({ type: "signal", data: payload });
  }

  function closePc() {
    if (!pc) return;
    const old = pc;
    pc = null;
    old.onnegotiationneeded = old.onicecandidate = old.ontrack = null;
    old.oniceconnectionstatechange = old.onconnectionstatechange = null;
    old.close();
    senders.audio = senders.video = null;
  }

  function startPc() {
    closePc();
    const connection = new RTCPeerConnection({ iceServers: config.ice_servers || [] });
    pc = connection;
    pcStartedAt = Date.now();
    makingOffer = ignoreOffer = settingAnswer = false;
    earlyCandidates = [];
    // Perfect negotiation copes with both sides offering at once, but Chrome can leave ICE
    // stuck when the polite side rolls back an offer it is still making; so a new call starts
    // with the impolite side's offer, and the polite side only offers after that (or if none
    // comes within 4 s).
    awaitingFirstOffer = polite;
    if (polite) {
      window.setTimeout(() => {
        if (pc === connection && awaitingFirstOffer) {
          awaitingFirstOffer = false;
          negotiate();
        }
      }, 4000);
    }
    remoteStream = new MediaStream();
    remoteVideo.srcObject = null;

    async function negotiate() {
      if (awaitingFirstOffer || pc !== connection) return;
      try {
        makingOffer = true;
        await connection.setLocalDescription();
        if (pc === connection) sendSignal({ kind: "description", description: connection.localDescription });
      } catch (error) {
        console.warn("room: could not make an offer", error);
      } finally {
        makingOffer = false;
      }
    }
    connection.onnegotiationneeded = negotiate;
    connection.onicecandidate = (event) => {
      if (event.candidate && pc === connection) sendSignal({ kind: "candidate", candidate: event.candidate });
    };
    connection.oniceconnectionstatechange = () => {
      if (connection.iceConnectionState === "failed") connection.restartIce();
    };
    connection.onconnectionstatechange = () => {
      updateNet();
      updatePeerTile();
      if (connection.connectionState === "connected") {
        room.media.showStageNotice("");
        playRemote();
      }
    };
    connection.ontrack = (event) => {
      const track = event.track;
      const others = remoteStream.getTracks().filter((old) => old.kind !== track.kind);
      remoteStream = new MediaStream(others.concat([track]));
      remoteVideo.srcObject = remoteStream;
      track.onmute = track.onunmute = track.onended = updatePeerTile;
      if (track.kind === "audio") room.levels.watch("peer", track);
      room.recorder.rewire();
      playRemote();
      updatePeerTile();
    };

    const micTrack = room.media.micTrack;
    if (micTrack) senders.audio = connection.addTrack(micTrack, room.media.localStream);
    const video = room.media.outgoingVideo();
    if (video) senders.video = connection.addTrack(video, room.media.localStream);
    if (!polite) {
      // Nothing to send yet: still offer to receive, so the call starts (addTrack reuses these).
      if (!micTrack) connection.addTransceiver("audio", { direction: "recvonly" });
      if (!video) connection.addTransceiver("video", { direction: "recvonly" });
    }
    updateNet();
  }

  async function onDescription(description) {
    const connection = pc;
    const readyForOffer = !makingOffer && (connection.signalingState === "stable" || settingAnswer);
    const collision = description.type === "offer" && !readyForOffer;
    ignoreOffer = !polite && collision;
    if (ignoreOffer) return;
    settingAnswer = description.type === "answer";
    await connection.setRemoteDescription(description); // the polite side rolls back implicitly
    settingAnswer = false;
    if (description.type === "offer") awaitingFirstOffer = false;
    // Candidates that came while there was no remote description (around an ignored or rolled
    // back offer) would be lost; without them one side may never start its checks.
    earlyCandidates.splice(0).forEach((candidate) => connection.addIceCandidate(candidate).catch(() => {}));
    if (description.type === "offer") {
      await connection.setLocalDescription();
      if (pc === connection) sendSignal({ kind: "description", description: connection.localDescription });
    }
  }

  async function onSignal(from, data) {
    if (!data || typeof data !== "object" || from === me.id || !state.joined) return;
    if (data.to && data.to !== sid) return; // meant for another tab of mine
    // A late message from a page the other person has since reloaded (or an older tab).
    if (data.sid !== peerSid && peerSid && (Number(data.born) || 0) < peerBorn) return;
    try {
      if (data.kind === "hello") {
        if (!data.reply) sendSignal({ kind: "hello", reply: true }, data.sid);
        if (data.sid !== peerSid || data.restart || !pc) {
          peerSid = data.sid;
          peerBorn = Number(data.born) || 0;
          startPc();
        } else if (!data.reply && pc.signalingState === "have-local-offer" && pc.localDescription) {
          // They reconnected; the offer we sent meanwhile may be lost: send it again.
          sendSignal({ kind: "description", description: pc.localDescription });
        }
        sendMediaState();
        if (state.recording.active || room.recorder.running()) sendSignal({ kind: "recording", active: room.recorder.running() });
        return;
      }
      if (data.sid !== peerSid) {
        // A page we have not met yet: only an offer starts a call with it.
        if (data.kind !== "description" || !data.description || data.description.type !== "offer") return;
        peerSid = data.sid;
        peerBorn = Number(data.born) || 0;
        startPc();
      }
      if (data.kind === "description" && data.description && pc) {
        await onDescription(data.description);
      } else if (data.kind === "candidate" && data.candidate && pc) {
        if (!pc.remoteDescription) {
          earlyCandidates.push(data.candidate);
          return;
        }
        try {
          await pc.addIceCandidate(data.candidate);
        } catch (error) {
          if (!ignoreOffer) console.warn("room: ICE candidate refused", error);
        }
      } else if (data.kind === "media") {
        state.peerMedia.audio = data.audio !== false;
        state.peerMedia.video = data.video !== false;
        state.peerMedia.screen = !!data.screen;
        state.peerMedia.paused = !!data.paused;
        updatePeerTile();
      } else if (data.kind === "ink") {
        room.board.ink(from, data.part);
      } else if (data.kind === "recording") {
        state.peerMedia.recording = !!data.active;
        room.recorder.update();
      }
    } catch (error) {
      console.warn("room: signal failed", error);
    }
  }

  function sendMediaState() {
    if (!peerSid) return;
    sendSignal({
      kind: "media",
      audio: state.media.hasMic && state.media.mic,
      video: !!room.media.outgoingVideo(),
      screen: !!room.media.screenTrack,
      paused: state.media.videoPaused,
    });
  }

  /* Put the current outgoing video (camera, screen or none) on the call. */
  async function sendVideo() {
    const video = room.media.outgoingVideo();
    if (pc) {
      if (senders.video) {
        await senders.video.replaceTrack(video).catch((error) => console.warn("room: replaceTrack", error));
      } else if (video) {
        senders.video = pc.addTrack(video, room.media.localStream); // renegotiates (perfect negotiation)
      }
    }
    room.media.setLocalTracks();
    sendMediaState();
    room.media.updateMediaButtons();
  }

  remoteVideo.addEventListener("resize", () => updatePeerTile());
  remoteVideo.addEventListener("loadeddata", () => updatePeerTile());
  remoteVideo.addEventListener("emptied", () => updatePeerTile());

  function playRemote() {
    remoteVideo.play().then(
      () => ($('[data-action="unmute-audio"]').hidden = true),
      (error) => {
        if (error && error.name === "NotAllowedError") $('[data-action="unmute-audio"]').hidden = false;
      }
    );
  }


  let peerLeftTimer = null;
  function updatePeerTile() {
    const tile = $('[data-tile="peer"]');
    const video = remoteStream.getVideoTracks()[0];
    // Frames decoded (the element knows the size), not track.muted: Chrome can leave a remote
    // track "muted" after a rolled-back offer although its packets arrive.
    const flowing = !!video && video.readyState === "live" && remoteVideo.videoWidth > 0;
    const connected = pc && (pc.connectionState === "connected" || pc.connectionState === "disconnected");
    const showVideo = state.peerPresent && connected && flowing && state.peerMedia.video;
    tile.classList.toggle("has-video", showVideo);
    tile.classList.toggle("is-screen", showVideo && state.peerMedia.screen);
    tile.classList.toggle("is-muted", state.peerPresent && !state.peerMedia.audio);
    let status = "";
    if (!state.peerPresent) status = state.peerLeft ? peer.name + " left the room" : "Waiting for " + peer.name + "…";
    else if (!connected) status = "Connecting to " + peer.name + "…";
    else if (state.peerMedia.paused) status = peer.name + "'s video is paused: weak connection";
    else if (!state.peerMedia.video || !flowing) status = peer.name + " has the camera off";
    $("[data-peer-status]").textContent = status;
  }

  /* --- Connection quality, and the audio-only fallback ------------------------------------ */
  const net = { lastVideoBytes: 0, lastAt: 0, thin: 0, quality: "" };
  function updateNet(label) {
    const box = $("[data-net]");
    let text = label || net.quality;
    let level = "ok";
    if (state.socket !== "open") {
      text = "Reconnecting…";
      level = "bad";
    } else if (!state.peerPresent) {
      text = "Waiting";
      level = "idle";
    } else if (!pc || pc.connectionState === "new" || pc.connectionState === "connecting") {
      text = "Connecting…";
      level = "idle";
    } else if (pc.connectionState === "disconnected" || pc.connectionState === "failed") {
      text = "Reconnecting…";
      level = "bad";
    } else {
      text = net.quality || "Good";
      level = net.quality === "Weak" ? "bad" : net.quality === "Fair" ? "fair" : "ok";
    }
    $("[data-net-label]").textContent = text;
    box.setAttribute("data-level", level);
    box.setAttribute("title", "Connection: " + text);
  }

  async function sampleStats() {
    if (!pc || pc.connectionState !== "connected") return;
    let report;
    try {
      report = await pc.getStats();
    } catch (error) {
      return;
    }
    let rtt = null;
    let available = null;
    let videoBytes = null;
    let limitation = "";
    let lost = 0;
    let received = 0;
    report.forEach((stat) => {
      if (stat.type === "candidate-pair" && stat.nominated && stat.state === "succeeded") {
        if (typeof stat.currentRoundTripTime === "number") rtt = stat.currentRoundTripTime;
        if (typeof stat.availableOutgoingBitrate === "number") available = stat.availableOutgoingBitrate;
      } else if (stat.type === "outbound-rtp" && stat.kind === "video") {
        videoBytes = (videoBytes || 0) + (stat.bytesSent || 0);
        limitation = stat.qualityLimitationReason || limitation;
      } else if (stat.type === "inbound-rtp") {
        lost += stat.packetsLost || 0;
        received += stat.packetsReceived || 0;
      }
    });
    const loss = received ? lost / (lost + received) : 0;
    net.quality = rtt === null ? "Good" : rtt > 0.6 || loss > 0.1 ? "Weak" : rtt > 0.25 || loss > 0.03 ? "Fair" : "Good";
    updateNet();

    // Audio-only fallback: the camera is on, but the video going out stays very thin because
    // the network cannot carry it. Pausing video keeps the voice clear.
    const now = Date.now();
    const cameraTrack = room.media.cameraTrack;
    const cameraSending = room.media.outgoingVideo() === cameraTrack && cameraTrack && !room.media.screenTrack;
    if (cameraSending && videoBytes !== null && net.lastAt) {
      const kbps = ((videoBytes - net.lastVideoBytes) * 8) / (now - net.lastAt);
      const squeezed = limitation === "bandwidth" || (available !== null && available < 150000);
      net.thin = kbps < 30 && squeezed && now - pcStartedAt > 15000 ? net.thin + 1 : 0;
      if (net.thin >= 5) pauseVideoForNetwork();
    } else {
      net.thin = 0;
    }
    net.lastVideoBytes = videoBytes || 0;
    net.lastAt = now;
  }
  window.setInterval(sampleStats, 2000);

  function pauseVideoForNetwork() {
    if (state.media.videoPaused) return;
    state.media.videoPaused = true;
    net.thin = 0;
    sendVideo();
    room.media.showStageNotice("Your connection is weak, so your video is paused and your voice stays clear. Press Camera to try video again.");
    toast("Weak connection: switched to audio only.", "warning");
  }

  // A "left" presence that never came (the tab closed) is the server's job; we only make sure
  // a call that hangs on "connecting" for long gets a fresh start.
  let lastConnectedAt = 0;
  window.setInterval(() => {
    if (!pc) return;
    if (pc.connectionState === "connected") lastConnectedAt = Date.now();
    if (!state.peerPresent || state.socket !== "open") return;
    if (pc.connectionState !== "connected" && Date.now() - Math.max(pcStartedAt, lastConnectedAt) > 15000) {
      startPc();
      sendSignal({ kind: "hello", restart: true }, null);
    }
  }, 5000);

  /* A new microphone (another device picked) on the call. */
  async function replaceAudio(track) {
    if (senders.audio) await senders.audio.replaceTrack(track).catch(() => {});
  }

  return {
    get pc() {
      return pc;
    },
    get peerSid() {
      return peerSid;
    },
    get remoteStream() {
      return remoteStream;
    },
    remoteVideo: remoteVideo,
    startPc: startPc,
    closePc: closePc,
    onSignal: onSignal,
    sendSignal: sendSignal,
    sendMediaState: sendMediaState,
    sendVideo: sendVideo,
    replaceAudio: replaceAudio,
    playRemote: playRemote,
    updatePeerTile: updatePeerTile,
    updateNet: updateNet,
  };
}
