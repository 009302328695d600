/* The live session room (/session/<room_id>/): pre-call check, WebRTC video between the two
   participants, chat, whiteboard (whiteboard.js), topics, timer, recording, reconnects.
   No framework, no outside library; everything is rendered with textContent.

   Config: the json_script "room-config" (keys in core/realtime/room.py). The room WebSocket
   (config.ws_url) carries the JSON messages of that contract. WebRTC signalling rides in
   {"type": "signal", "data": ...}, which the server relays as is to the other participant. Our
   data is {sid, to, kind, ...}: ``sid`` names this page load, so a reload on the other side
   (a new sid) means "start a new RTCPeerConnection", while a reconnected socket (same sid) keeps
   the call and only restarts ICE. Kinds: "hello" (I am here; answered once with reply: true),
   "description" and "candidate" (perfect negotiation: the learner is polite, the mentor not;
   a new call starts with the mentor's offer, see startPc),
   "media" (my microphone / camera / screen state), "ink" (a stroke still being drawn) and
   "recording" (the mentor's recorder is running).

   Failures: a dropped socket shows "Reconnecting…" and retries after 1, 2 and 4 s (each time
   then restarting ICE); after that it asks "Rejoin?". A reconnect asks for the chat after the
   last id it saw (?after=<id>); the server's welcome restores the board and topics. Chat lines,
   strokes and topic ticks go through an outbox: each gets a client id (crypto.randomUUID()), is
   sent while the socket is open and again after every reconnect until the server's ack (or an
   error naming it) arrives, and the server saves a repeated id only once. A line typed while the
   socket is down shows as "Sending…" and goes out on reconnect. Every pong carries the room's
   marks (last ids); a copy that is behind (a broadcast the channel layer dropped) asks catch_up. ICE failure restarts ICE. When the outgoing video stays very thin for a while
   (bandwidth-limited), the camera is paused so the audio stays clear (audio-only fallback).

   For tests: window.PeerLearnRoom = {pc, socket, state} (read-only getters). */
(function () {
  "use strict";

  const root = document.querySelector("[data-room]");
  const configNode = document.getElementById("room-config");
  if (!root || !configNode) return;

  const P = window.PeerLearn || {};
  const config = JSON.parse(configNode.textContent);
  const me = config.me || {};
  const peer = config.peer || {};
  const isMentor = me.role === "mentor";
  const polite = !isMentor;
  const sid = Math.random().toString(36).slice(2, 10) + Date.now().toString(36);
  const born = Date.now(); // a newer page of the same person wins over an older one
  const maxChat = config.max_chat_length || 2000;
  const RETRY_DELAYS = [1000, 2000, 4000];
  const WARN_SECONDS = 5 * 60;
  const STORAGE = "peerlearn.room.devices";

  const $ = (selector, scope) => (scope || root).querySelector(selector);
  const $$ = (selector, scope) => Array.from((scope || root).querySelectorAll(selector));
  const sleep = (ms) => new Promise((resolve) => window.setTimeout(resolve, ms));
  const announce = (text) => P.announce && P.announce(text);
  const toast = (text, level) => (P.toast ? P.toast(text, level) : null);
  const hasMedia = !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia);

  /* --- What the room knows (a copy is exposed to tests) ---------------------------------- */
  const state = {
    screen: "precall",
    joined: false,
    status: "active",
    socket: "closed",
    everConnected: false,
    peerLeft: false,
    peerPresent: false,
    chat: [],
    topics: [],
    recording: { consent: { mentor: false, learner: false }, active: false },
    unread: 0,
    panel: "",
    media: { mic: false, camera: false, share: false, hasMic: false, hasCamera: false, videoPaused: false },
    peerMedia: { audio: true, video: true, screen: false, recording: false },
  };

  /* ===================================================================================== */
  /* Screens                                                                                */
  /* ===================================================================================== */
  function showScreen(name) {
    state.screen = name;
    root.setAttribute("data-screen", name);
    $$("[data-screen-part]").forEach((part) => {
      part.hidden = part.getAttribute("data-screen-part") !== name;
    });
  }

  function csrfToken() {
    const input = $("[data-csrf] input[name=csrfmiddlewaretoken]");
    if (input && input.value) return input.value;
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function clock(totalSeconds) {
    const s = Math.max(0, Math.floor(totalSeconds));
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    const sec = String(s % 60).padStart(2, "0");
    return h ? h + ":" + String(m).padStart(2, "0") + ":" + sec : m + ":" + sec;
  }
  const timeFormat = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
    hour: "numeric",
    minute: "2-digit",
    timeZone: document.documentElement.getAttribute("data-time-zone") || undefined, // the profile's
  });
  function shortTime(iso) {
    const date = new Date(iso);
    return isNaN(date.getTime()) ? "" : timeFormat.format(date);
  }

  /* ===================================================================================== */
  /* Local media: the pre-call check, devices, the microphone level                        */
  /* ===================================================================================== */
  const previewVideo = $("[data-preview-video]");
  const localVideo = $("[data-local-video]");
  const remoteVideo = $("[data-remote-video]");
  const joinButton = $('[data-action="join"]');
  const localStream = new MediaStream();
  let cameraTrack = null;
  let micTrack = null;
  let screenTrack = null;
  const wanted = { mic: true, camera: true }; // what the person chose with the buttons
  let chosen = { videoinput: "", audioinput: "" };
  try {
    chosen = Object.assign(chosen, JSON.parse(window.localStorage.getItem(STORAGE) || "{}"));
  } catch (error) {
    /* private mode */
  }

  function remember() {
    try {
      window.localStorage.setItem(STORAGE, JSON.stringify(chosen));
    } catch (error) {
      /* private mode */
    }
  }

  const PROBLEMS = {
    denied: [
      "Camera and microphone are blocked",
      "Your browser was told not to let PeerLearn use them. Click the camera or lock icon in the address bar, choose Allow, then press Try again. You can also join without them and use chat and the whiteboard.",
    ],
    none: [
      "No camera or microphone found",
      "Plug one in (or check it is switched on), then press Try again. You can still join and use chat and the whiteboard.",
    ],
    busy: [
      "Your camera or microphone is in use",
      "Another app or browser tab (Zoom, Meet, Teams…) is using it. Close that, then press Try again.",
    ],
    unsupported: [
      "This browser cannot use a camera here",
      "Open the room in a current Chrome, Edge, Firefox or Safari. Video calls need a secure (https) page.",
    ],
    nocamera: ["No camera found", "You will join with audio only. Plug in a camera and press Try again to add video."],
    busycamera: [
      "Your camera is in use by another app",
      "You will join with audio only. Close the other app and press Try again to add video.",
    ],
    deniedcamera: [
      "The camera is blocked",
      "You will join with audio only. To add video, allow the camera in the address bar, then press Try again.",
    ],
    deniedmic: [
      "The microphone is blocked",
      "You will join without sound; use chat to talk. Allow the microphone in the address bar, then press Try again.",
    ],
    novideo: [
      "The camera is not available",
      "It is blocked for this page or missing. You will join with audio only; fix it, then press Try again.",
    ],
    nomic: [
      "No microphone found",
      "You will join without sound; use chat to talk. Plug in a microphone and press Try again.",
    ],
  };
  function kindOf(error) {
    const name = (error && error.name) || "";
    if (name === "NotAllowedError" || name === "SecurityError" || name === "PermissionDeniedError") return "denied";
    if (name === "NotFoundError" || name === "OverconstrainedError" || name === "DevicesNotFoundError") return "none";
    if (name === "NotReadableError" || name === "TrackStartError" || name === "AbortError") return "busy";
    return "busy";
  }
  function showProblem(key) {
    const box = $("[data-precall-problem]");
    if (!key) {
      box.hidden = true;
      return;
    }
    const [title, text] = PROBLEMS[key];
    $("[data-problem-title]").textContent = title;
    $("[data-problem-text]").textContent = text;
    box.classList.toggle("alert--error", ["denied", "none", "busy", "unsupported"].includes(key));
    box.classList.toggle("alert--warning", !box.classList.contains("alert--error"));
    box.hidden = false;
  }
  function setStatus(text) {
    const status = $("[data-precall-status]");
    status.hidden = !text;
    if (text) status.lastChild.textContent = " " + text;
  }

  function videoConstraint() {
    const wanted = { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 24, max: 30 } };
    if (chosen.videoinput) wanted.deviceId = { exact: chosen.videoinput };
    return wanted;
  }
  function audioConstraint() {
    const wanted = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };
    if (chosen.audioinput) wanted.deviceId = { exact: chosen.audioinput };
    return wanted;
  }
  async function tryGet(constraints) {
    try {
      return { stream: await navigator.mediaDevices.getUserMedia(constraints) };
    } catch (error) {
      return { error: error };
    }
  }

  /* Ask for camera and microphone; fall back to one of them; explain what went wrong. */
  async function acquire() {
    showProblem(null);
    if (!hasMedia) {
      setStatus("");
      showProblem("unsupported");
      afterAcquire();
      return;
    }
    setStatus("Checking your camera and microphone…");
    stopTrack(cameraTrack);
    stopTrack(micTrack);
    cameraTrack = micTrack = null;

    let both = await tryGet({ audio: audioConstraint(), video: videoConstraint() });
    if (both.error && both.error.name === "OverconstrainedError" && (chosen.videoinput || chosen.audioinput)) {
      chosen = { videoinput: "", audioinput: "" }; // a remembered device is gone
      both = await tryGet({ audio: audioConstraint(), video: videoConstraint() });
    }
    let problem = null;
    if (both.stream) {
      micTrack = both.stream.getAudioTracks()[0] || null;
      cameraTrack = both.stream.getVideoTracks()[0] || null;
      // A browser may leave out what a site policy blocks instead of failing.
      if (!cameraTrack) problem = micTrack ? "novideo" : "none";
      else if (!micTrack) problem = "nomic";
    } else {
      // One of them may still work (a camera blocked or busy, a microphone missing...).
      const why = kindOf(both.error);
      const audioOnly = await tryGet({ audio: audioConstraint() });
      if (audioOnly.stream) {
        micTrack = audioOnly.stream.getAudioTracks()[0];
        problem = why === "denied" ? "deniedcamera" : why === "busy" ? "busycamera" : "nocamera";
      } else {
        const videoOnly = await tryGet({ video: videoConstraint() });
        if (videoOnly.stream) {
          cameraTrack = videoOnly.stream.getVideoTracks()[0];
          problem = kindOf(audioOnly.error) === "denied" ? "deniedmic" : "nomic";
        } else {
          problem = kindOf(audioOnly.error) === "denied" ? "denied" : why;
        }
      }
    }
    setStatus("");
    showProblem(problem);
    state.media.hasMic = !!micTrack;
    state.media.hasCamera = !!cameraTrack;
    state.media.mic = !!micTrack && wanted.mic;
    if (cameraTrack && !wanted.camera) {
      cameraTrack.stop(); // switched off in the preview: keep it off
      cameraTrack = null;
    }
    state.media.camera = !!cameraTrack;
    if (micTrack) chosen.audioinput = micTrack.getSettings().deviceId || chosen.audioinput;
    if (cameraTrack) chosen.videoinput = cameraTrack.getSettings().deviceId || chosen.videoinput;
    remember();
    setLocalTracks();
    await listDevices();
    afterAcquire();
  }

  function afterAcquire() {
    joinButton.disabled = false;
    const label = $("[data-join-label]");
    if (state.media.hasCamera) label.textContent = "Join now";
    else if (state.media.hasMic) label.textContent = "Join with audio only";
    else label.textContent = "Join without camera and mic";
    updateMediaButtons();
  }

  function stopTrack(track) {
    if (track) track.stop();
  }

  /* localStream holds what this person sends: the microphone and the camera or the screen. */
  function setLocalTracks() {
    localStream.getTracks().forEach((track) => localStream.removeTrack(track));
    if (micTrack) {
      micTrack.enabled = state.media.mic;
      localStream.addTrack(micTrack);
    }
    const video = outgoingVideo();
    if (video) localStream.addTrack(video);
    // An element playing a stream without tracks would hold up the page's load event.
    const source = localStream.getTracks().length ? localStream : null;
    for (const element of [previewVideo, localVideo]) {
      if (element.srcObject !== source) element.srcObject = source;
      if (source) element.play().catch(() => {});
    }
    levels.watch("me", micTrack);
    updateSelfTile();
  }
  function outgoingVideo() {
    if (screenTrack) return screenTrack;
    if (cameraTrack && state.media.camera && !state.media.videoPaused) return cameraTrack;
    return null;
  }

  async function listDevices() {
    if (!hasMedia || !navigator.mediaDevices.enumerateDevices) return;
    let devices = [];
    try {
      devices = await navigator.mediaDevices.enumerateDevices();
    } catch (error) {
      return;
    }
    for (const kind of ["videoinput", "audioinput"]) {
      const select = $('[data-device="' + kind + '"]');
      const found = devices.filter((device) => device.kind === kind && device.deviceId);
      select.textContent = "";
      found.forEach((device, index) => {
        const option = document.createElement("option");
        option.value = device.deviceId;
        option.textContent = device.label || (kind === "videoinput" ? "Camera " : "Microphone ") + (index + 1);
        option.selected = device.deviceId === chosen[kind];
        select.appendChild(option);
      });
      if (!found.length) {
        const option = document.createElement("option");
        option.value = "";
        option.textContent = kind === "videoinput" ? "No camera found" : "No microphone found";
        select.appendChild(option);
      }
      select.disabled = !found.length || (kind === "videoinput" ? !cameraTrack : !micTrack);
    }
  }

  /* A different camera or microphone: swap the track, in the preview and in the call. */
  async function switchDevice(kind, deviceId) {
    chosen[kind] = deviceId;
    remember();
    const constraints = kind === "videoinput" ? { video: videoConstraint() } : { audio: audioConstraint() };
    const got = await tryGet(constraints);
    if (!got.stream) {
      showProblem(kindOf(got.error) === "denied" ? "denied" : "busy");
      return;
    }
    showProblem(null);
    if (kind === "videoinput") {
      stopTrack(cameraTrack);
      cameraTrack = got.stream.getVideoTracks()[0];
      state.media.camera = true;
      await sendVideo();
    } else {
      stopTrack(micTrack);
      micTrack = got.stream.getAudioTracks()[0];
      if (senders.audio) await senders.audio.replaceTrack(micTrack).catch(() => {});
    }
    setLocalTracks();
  }

  /* --- Sound levels: the pre-call meter and the "speaking" ring on the tiles ------------- */
  const levels = (function () {
    let context = null;
    const watched = {};
    let running = false;
    function ensure() {
      if (context || !(window.AudioContext || window.webkitAudioContext)) return context;
      context = new (window.AudioContext || window.webkitAudioContext)();
      const resume = () => {
        if (context.state === "suspended") context.resume().catch(() => {});
      };
      document.addEventListener("pointerdown", resume, { capture: true });
      document.addEventListener("keydown", resume, { capture: true });
      return context;
    }
    function loop() {
      running = true;
      const data = new Uint8Array(512);
      const meter = $("[data-meter]");
      function tick() {
        const names = Object.keys(watched);
        if (!names.length) {
          running = false;
          return;
        }
        for (const name of names) {
          const item = watched[name];
          item.analyser.getByteTimeDomainData(data);
          let sum = 0;
          for (let i = 0; i < data.length; i += 1) {
            const v = (data[i] - 128) / 128;
            sum += v * v;
          }
          const rms = Math.sqrt(sum / data.length);
          item.level = item.level * 0.7 + Math.min(1, rms * 4) * 0.3;
          const talking = item.level > 0.08 && (name !== "me" || state.media.mic);
          if (name === "me" && meter) meter.style.transform = "scaleX(" + (state.media.mic ? item.level : 0).toFixed(3) + ")";
          const tile = $('[data-tile="' + (name === "me" ? "self" : "peer") + '"]');
          if (tile) tile.classList.toggle("is-speaking", talking);
        }
        window.setTimeout(() => window.requestAnimationFrame(tick), 50);
      }
      window.requestAnimationFrame(tick);
    }
    return {
      context: ensure,
      watch(name, track) {
        if (watched[name]) {
          try {
            watched[name].source.disconnect();
          } catch (error) {
            /* already gone */
          }
          delete watched[name];
        }
        if (!track || !ensure()) return;
        const source = context.createMediaStreamSource(new MediaStream([track]));
        const analyser = context.createAnalyser();
        analyser.fftSize = 512;
        source.connect(analyser);
        watched[name] = { source: source, analyser: analyser, level: 0 };
        if (!running) loop();
      },
    };
  })();

  /* ===================================================================================== */
  /* The call: RTCPeerConnection with perfect negotiation                                  */
  /* ===================================================================================== */
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
    return send({ type: "signal", data: payload });
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
        showStageNotice("");
        playRemote();
      }
    };
    connection.ontrack = (event) => {
      const track = event.track;
      const others = remoteStream.getTracks().filter((old) => old.kind !== track.kind);
      remoteStream = new MediaStream(others.concat([track]));
      remoteVideo.srcObject = remoteStream;
      track.onmute = track.onunmute = track.onended = updatePeerTile;
      if (track.kind === "audio") levels.watch("peer", track);
      recorder.rewire();
      playRemote();
      updatePeerTile();
    };

    if (micTrack) senders.audio = connection.addTrack(micTrack, localStream);
    const video = outgoingVideo();
    if (video) senders.video = connection.addTrack(video, localStream);
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
        if (state.recording.active || recorder.running()) sendSignal({ kind: "recording", active: recorder.running() });
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
        board.ink(from, data.part);
      } else if (data.kind === "recording") {
        state.peerMedia.recording = !!data.active;
        updateRecording();
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
      video: !!outgoingVideo(),
      screen: !!screenTrack,
      paused: state.media.videoPaused,
    });
  }

  /* Put the current outgoing video (camera, screen or none) on the call. */
  async function sendVideo() {
    const video = outgoingVideo();
    if (pc) {
      if (senders.video) {
        await senders.video.replaceTrack(video).catch((error) => console.warn("room: replaceTrack", error));
      } else if (video) {
        senders.video = pc.addTrack(video, localStream); // renegotiates (perfect negotiation)
      }
    }
    setLocalTracks();
    sendMediaState();
    updateMediaButtons();
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

  /* --- The tiles ----------------------------------------------------------------------- */
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
  function updateSelfTile() {
    const tile = $('[data-tile="self"]');
    const video = outgoingVideo();
    tile.classList.toggle("has-video", !!video);
    tile.classList.toggle("is-screen", !!screenTrack);
    tile.classList.toggle("is-muted", !state.media.mic);
    $("[data-self-empty]").hidden = !!video;
    $("[data-self-status]").textContent = state.media.videoPaused ? "Video paused" : state.media.hasCamera ? "Camera off" : "No camera";
    const previewEmpty = $("[data-preview-empty]");
    previewEmpty.hidden = !!video;
    $("[data-preview-empty-text]").textContent = !state.media.hasCamera
      ? state.media.hasMic
        ? "No camera: you will join with audio"
        : "No camera or microphone"
      : "Camera is off";
    $("[data-preview]").classList.toggle("has-video", !!video);
  }
  function showStageNotice(text) {
    const notice = $("[data-stage-notice]");
    notice.textContent = text;
    notice.hidden = !text;
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
    const cameraSending = outgoingVideo() === cameraTrack && cameraTrack && !screenTrack;
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
    showStageNotice("Your connection is weak, so your video is paused and your voice stays clear. Press Camera to try video again.");
    toast("Weak connection: switched to audio only.", "warning");
  }

  /* ===================================================================================== */
  /* Controls                                                                               */
  /* ===================================================================================== */
  /* A toggle's look (data-state) and its name: the visible label, or the hidden one in the
     preview, says what pressing it does ("Unmute"), so the name always matches the text. */
  function setControl(action, stateValue, barLabel, previewLabel, disabled) {
    $$('[data-action="' + action + '"]').forEach((button) => {
      button.setAttribute("data-state", stateValue);
      button.disabled = !!disabled;
      const text = $("[data-label]", button);
      if (text) text.textContent = button.classList.contains("round-btn") ? previewLabel : barLabel;
    });
  }
  function updateMediaButtons() {
    const micOff = !state.media.mic;
    if (!state.media.hasMic) setControl("mic", "off", "No mic", "No microphone", true);
    else setControl("mic", micOff ? "off" : "on", micOff ? "Unmute" : "Mute", micOff ? "Unmute microphone" : "Mute microphone");
    const camOff = !(state.media.camera && cameraTrack && !state.media.videoPaused);
    if (!state.media.hasCamera) setControl("camera", "off", "No camera", "No camera", true);
    else setControl("camera", camOff ? "off" : "on", camOff ? "Start video" : "Stop video", camOff ? "Turn camera on" : "Turn camera off");
    setControl("share", screenTrack ? "sharing" : "on", screenTrack ? "Stop sharing" : "Share screen", "");
    const share = $('[data-action="share"]');
    share.hidden = !(navigator.mediaDevices && navigator.mediaDevices.getDisplayMedia);
    updateSelfTile();
  }

  function toggleMic() {
    if (!micTrack) return;
    state.media.mic = wanted.mic = !state.media.mic;
    micTrack.enabled = state.media.mic;
    announce(state.media.mic ? "Microphone on" : "Microphone muted");
    updateMediaButtons();
    sendMediaState();
  }

  async function toggleCamera() {
    if (!state.media.hasCamera) return;
    if (state.media.videoPaused) {
      state.media.videoPaused = false;
      state.media.camera = true;
      showStageNotice("");
    } else {
      state.media.camera = !state.media.camera;
    }
    wanted.camera = state.media.camera;
    if (state.media.camera && (!cameraTrack || cameraTrack.readyState === "ended")) {
      const got = await tryGet({ video: videoConstraint() });
      if (!got.stream) {
        state.media.camera = false;
        toast(kindOf(got.error) === "denied" ? "The camera is blocked for this site." : "The camera is in use by another app.", "error");
      } else {
        cameraTrack = got.stream.getVideoTracks()[0];
      }
    } else if (!state.media.camera && cameraTrack) {
      // Off means off: the camera light goes out too.
      cameraTrack.stop();
      cameraTrack = null;
    }
    announce(state.media.camera ? "Camera on" : "Camera off");
    await sendVideo();
  }

  async function toggleShare() {
    if (screenTrack) {
      stopSharing();
      return;
    }
    let stream;
    try {
      stream = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { ideal: 15, max: 30 } }, audio: false });
    } catch (error) {
      if (error && error.name !== "NotAllowedError") toast("Screen sharing did not start.", "error");
      return;
    }
    screenTrack = stream.getVideoTracks()[0];
    if ("contentHint" in screenTrack) screenTrack.contentHint = "detail";
    screenTrack.addEventListener("ended", stopSharing); // "Stop sharing" in the browser's own bar
    announce("You are sharing your screen");
    await sendVideo();
  }
  function stopSharing() {
    if (!screenTrack) return;
    const track = screenTrack;
    screenTrack = null;
    track.removeEventListener("ended", stopSharing);
    track.stop();
    announce("Screen sharing stopped");
    sendVideo(); // back to the camera (or nothing)
  }

  /* ===================================================================================== */
  /* The socket                                                                             */
  /* ===================================================================================== */
  let socket = null;
  let retries = 0;
  let retryTimer = null;
  let leaving = false;
  let lastHeard = 0;
  let pongSeen = false;

  function socketUrl() {
    const after = state.everConnected ? "?after=" + lastChatId() : "";
    return (location.protocol === "https:" ? "wss://" : "ws://") + location.host + config.ws_url + after;
  }

  function send(message) {
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    socket.send(JSON.stringify(message));
    return true;
  }

  /* --- The outbox: chat lines, strokes and ticks, resent until acknowledged --------------- */
  const outbox = new Map(); // client id -> {message, sentAt}, in the order they were made
  const RESEND_MS = 15000; // an open socket that has not acknowledged by then gets it again

  function newClientId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
    const bytes = new Uint8Array(16); // crypto.randomUUID needs a secure context
    window.crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function post(message, clientId) {
    message.client_id = clientId || newClientId();
    const entry = { message: message, sentAt: 0 };
    outbox.set(message.client_id, entry);
    if (state.socket === "open" && send(message)) entry.sentAt = Date.now();
    return message.client_id;
  }

  function resend(all) {
    if (state.socket !== "open") return;
    const now = Date.now();
    outbox.forEach((entry) => {
      if ((all || now - entry.sentAt > RESEND_MS) && send(entry.message)) entry.sentAt = now;
    });
  }

  function lastChatId() {
    return state.chat.reduce((last, item) => Math.max(last, item.id || 0), 0);
  }

  function onAck(message) {
    const entry = outbox.get(message.client_id);
    outbox.delete(message.client_id);
    if (message.chat) {
      dropPendingChat(message.client_id);
      addChat(message.chat, true);
    } else if (message.stroke) {
      board.add(message.stroke, message.client_id);
    } else if (message.topic) {
      lastTick = Math.max(lastTick, message.topic.id || 0);
    }
    return entry;
  }

  // A pong says where the room stands; behind it, we missed a broadcast: catch up.
  function onPong(message) {
    pongSeen = true;
    const last = message.last;
    if (!last || state.socket !== "open") return;
    const strokes = board.strokes();
    const lastStroke = strokes.reduce((top, stroke) => Math.max(top, stroke.id || 0), 0);
    if (last.chat > lastChatId() || last.topic > lastTick || last.stroke !== lastStroke || last.board !== strokes.length) {
      send({ type: "catch_up", after: lastChatId() });
    }
  }

  function connect() {
    window.clearTimeout(retryTimer);
    const ws = new WebSocket(socketUrl());
    socket = ws;
    state.socket = "connecting";
    let opened = false;
    ws.onopen = () => {
      opened = true;
      lastHeard = Date.now();
    };
    ws.onmessage = (event) => {
      if (socket !== ws) return;
      lastHeard = Date.now();
      let message;
      try {
        message = JSON.parse(event.data);
      } catch (error) {
        return;
      }
      handle(message);
    };
    ws.onclose = (event) => {
      if (socket !== ws) return;
      state.socket = "closed";
      updateNet();
      if (leaving || state.status !== "active") return;
      if (event.code === 4401 || event.code === 4403) {
        refused(event.code);
        return;
      }
      reconnectLater(opened);
    };
  }

  function reconnectLater() {
    if (retries >= RETRY_DELAYS.length) {
      showBanner(
        state.everConnected
          ? "Connection lost. Check your internet, then rejoin."
          : "Could not reach the room. Check your internet, then try again.",
        "rejoin"
      );
      $('[data-action="rejoin"]').focus();
      return;
    }
    const delay = RETRY_DELAYS[retries];
    retries += 1;
    showBanner("Reconnecting… (try " + retries + " of " + RETRY_DELAYS.length + ")", "spinner");
    retryTimer = window.setTimeout(connect, delay);
  }

  function refused(code) {
    leaving = true;
    showEnd(
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

  // A ping every 20 s; once the server has answered one, silence for 50 s means a dead socket.
  window.setInterval(() => {
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    if (pongSeen && Date.now() - lastHeard > 50000) {
      socket.close();
      return;
    }
    send({ type: "ping" });
    resend(false);
  }, 20000);
  window.addEventListener("online", () => {
    if (state.joined && state.socket === "closed" && !leaving && state.status === "active") {
      retries = 0;
      connect();
    }
  });

  /* --- Messages from the server -------------------------------------------------------- */
  function handle(message) {
    switch (message.type) {
      case "welcome":
        return onWelcome(message);
      case "presence":
        return onPresence(message);
      case "signal":
        return onSignal(message.from, message.data);
      case "chat":
        if (message.client_id && outbox.has(message.client_id)) {
          outbox.delete(message.client_id); // our own line, back before its ack
          dropPendingChat(message.client_id);
        }
        return addChat(message.message, true);
      case "stroke":
        if (message.client_id) outbox.delete(message.client_id); // our own, back before its ack
        if (message.stroke) board.add(message.stroke, message.stroke.sender_id === me.id ? message.client_id || true : null);
        return;
      case "undo":
        return board.remove(message.stroke_id);
      case "clear":
        board.clear();
        if (message.by !== me.id) toast(peer.name + " cleared the whiteboard.", "info");
        return;
      case "topic":
        return onTopic(message);
      case "recording":
        state.recording.consent = Object.assign({}, state.recording.consent, message.consent || {});
        state.recording.active = !!message.active;
        return updateRecording();
      case "ended":
        return onEnded(message);
      case "error":
        return onError(message);
      case "ack":
        onAck(message);
        return;
      case "pong":
        return onPong(message);
      default:
        return;
    }
  }

  function onWelcome(message) {
    const wasReconnect = state.everConnected;
    const isCatchUp = state.socket === "open"; // the answer to our catch_up on an open socket
    state.everConnected = true;
    state.socket = "open";
    retries = 0;
    showBanner("");
    const s = message.state || {};
    state.status = s.status || "active";
    state.peerPresent = !!message.peer_present;
    if (s.since === null || s.since === undefined) {
      renderChat(s.chat || []);
    } else {
      (s.chat || []).forEach((line) => addChat(line, true)); // what we missed, after what we saw
      if (s.chat_more) send({ type: "catch_up", after: lastChatId() });
    }
    board.load(s.strokes || []);
    if (s.last) lastTick = s.last.topic || 0;
    renderTopics(s.topics);
    outbox.forEach((entry) => {
      if (entry.message.type === "topic") showTick(entry.message.index, entry.message.done); // not saved yet
    });
    if (s.recording) {
      state.recording = {
        consent: Object.assign({ mentor: false, learner: false }, s.recording.consent || {}),
        active: !!s.recording.active,
      };
    }
    updateRecording();
    if (state.status !== "active") {
      onEnded({ status: state.status });
      return;
    }
    if (isCatchUp) {
      updatePeerTile();
      return;
    }
    resend(true);
    sendSignal({ kind: "hello" }, null);
    if (wasReconnect && pc) {
      pc.restartIce();
      announce("Reconnected");
    }
    if (state.peerPresent) {
      state.peerLeft = false;
    }
    updatePeerTile();
    updateNet();
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
        sendSignal({ kind: "hello" }, null);
      }
    } else if (message.state === "left") {
      // A reconnecting socket leaves and joins within a moment: wait before saying "left".
      window.clearTimeout(peerLeftTimer);
      peerLeftTimer = window.setTimeout(() => {
        state.peerPresent = false;
        state.peerLeft = true;
        state.peerMedia.recording = false;
        board.dropInk(peer.id);
        toast(peer.name + " left the room.", "info");
        updatePeerTile();
        updateNet();
        updateRecording();
      }, 3000);
    }
    updatePeerTile();
    updateNet();
  }

  function onError(message) {
    const text = message.message || "Something went wrong.";
    const refused = message.client_id ? outbox.get(message.client_id) : null;
    if (message.client_id) outbox.delete(message.client_id); // refused: resending will not help
    if (refused && refused.message.type === "chat") {
      dropPendingChat(message.client_id);
      if (!chatInput.value) {
        chatInput.value = refused.message.text; // give the words back, to edit or send later
        updateCount();
      }
    } else if (refused && refused.message.type === "stroke") {
      board.drop(message.client_id);
    } else if (refused && refused.message.type === "topic") {
      send({ type: "catch_up", after: lastChatId() }); // show the topics as they really are
    }
    if ((message.code === "rate_limited" || message.code === "too_long") && chatVisible()) {
      showChatError(text);
    } else if (message.code === "rate_limited") {
      toast(text, "warning");
    } else {
      toast(text, "error");
    }
  }

  /* ===================================================================================== */
  /* Panels: chat, whiteboard, topics (a side panel when wide, a sheet when narrow)        */
  /* ===================================================================================== */
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
      setUnread(0);
      scrollChat();
      if (focus) chatInput.focus({ preventScroll: true });
    }
    if (name === "board") window.requestAnimationFrame(() => board.redraw());
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

  /* --- Chat ------------------------------------------------------------------------------ */
  const chatList = $("[data-chat-list]");
  const chatScroll = $("[data-chat-scroll]");
  const chatInput = $("[data-chat-input]");
  const chatError = $("[data-chat-error]");

  function chatVisible() {
    return state.panel === "chat" && !document.hidden && state.screen === "call";
  }
  function setUnread(n) {
    state.unread = n;
    const badge = $("[data-chat-unread]");
    badge.textContent = n + " New";
    badge.hidden = !n;
    $('[data-action="chat"]').setAttribute("aria-label", n ? "Chat, " + n + " New" : "Chat");
  }
  function scrollChat() {
    chatScroll.scrollTop = chatScroll.scrollHeight;
  }
  function renderChat(messages) {
    const pending = $$(".msg--pending", chatList);
    chatList.textContent = "";
    state.chat = [];
    messages.forEach((message) => addChat(message, false));
    chatList.append(...pending);
    scrollChat();
  }
  // A line in the outbox: shown at the end as "Sending…" until its ack replaces it.
  function showPendingChat(clientId, text) {
    const item = document.createElement("li");
    item.className = "msg msg--mine msg--pending";
    item.setAttribute("data-client-id", clientId);
    const meta = document.createElement("p");
    meta.className = "msg__meta";
    const who = document.createElement("span");
    who.className = "msg__who";
    who.textContent = "You";
    meta.append(who, " Sending…");
    const body = document.createElement("p");
    body.className = "msg__text";
    body.textContent = text;
    item.append(meta, body);
    chatList.appendChild(item);
    $("[data-chat-empty]").hidden = true;
    scrollChat();
  }
  function dropPendingChat(clientId) {
    $$(".msg--pending", chatList).forEach((item) => {
      if (item.getAttribute("data-client-id") === clientId) item.remove();
    });
  }
  function addChat(message, live) {
    if (!message || typeof message.text !== "string") return;
    if (state.chat.some((item) => item.id === message.id)) return;
    const previous = state.chat[state.chat.length - 1];
    state.chat.push(message);
    const mine = message.sender_id === me.id;
    const item = document.createElement("li");
    item.className = "msg " + (mine ? "msg--mine" : "msg--theirs");
    item.setAttribute("data-message-id", String(message.id));
    const sameRun =
      previous &&
      previous.sender_id === message.sender_id &&
      new Date(message.created_at) - new Date(previous.created_at) < 120000;
    if (sameRun) item.classList.add("msg--cont");
    const meta = document.createElement("p");
    meta.className = "msg__meta";
    const who = document.createElement("span");
    who.className = "msg__who";
    who.textContent = mine ? "You" : message.sender_name || peer.name;
    const when = document.createElement("time");
    when.setAttribute("datetime", message.created_at || "");
    when.textContent = shortTime(message.created_at);
    meta.append(who, " ", when);
    const text = document.createElement("p");
    text.className = "msg__text";
    text.textContent = message.text;
    item.append(meta, text);
    const nearBottom = chatScroll.scrollHeight - chatScroll.scrollTop - chatScroll.clientHeight < 80;
    const firstPending = chatList.querySelector(".msg--pending");
    chatList.insertBefore(item, firstPending); // saved lines stay above the ones still sending
    $("[data-chat-empty]").hidden = state.chat.length > 0;
    if (!live) return;
    if (mine) {
      scrollChat();
      return;
    }
    if (nearBottom) scrollChat();
    if (!chatVisible()) setUnread(state.unread + 1);
  }
  function showChatError(text) {
    chatError.textContent = text;
    chatError.hidden = !text;
  }
  function updateCount() {
    const length = chatInput.value.length;
    const count = $("[data-chat-count]");
    count.hidden = length < maxChat - 200;
    count.textContent = maxChat - length + " characters left";
    chatInput.style.height = "auto";
    chatInput.style.height = Math.min(chatInput.scrollHeight, 120) + "px";
  }
  $("[data-chat-form]").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = chatInput.value.trim();
    if (!text) return;
    if (text.length > maxChat) {
      showChatError("That message is too long: at most " + maxChat + " characters.");
      return;
    }
    const clientId = post({ type: "chat", text: text });
    if (outbox.has(clientId)) showPendingChat(clientId, text); // an ack cannot have come yet
    showChatError(state.socket === "open" ? "" : "You are offline. Your message goes out when you are back.");
    chatInput.value = "";
    updateCount();
  });
  chatInput.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      $("[data-chat-form]").requestSubmit();
    }
  });
  chatInput.addEventListener("input", () => {
    if (!chatError.hidden) showChatError("");
    updateCount();
  });
  document.addEventListener("visibilitychange", () => {
    if (chatVisible()) setUnread(0);
  });

  /* --- Whiteboard ------------------------------------------------------------------------- */
  const board = window.PeerLearnBoard.create($("[data-board]"), {
    newId: newClientId,
    onStroke(stroke, clientId) {
      post({ type: "stroke", stroke: stroke }, clientId); // drawn now, saved when the socket is back
    },
    onInk(part) {
      if (peerSid && state.peerPresent) sendSignal({ kind: "ink", part: part });
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

  /* --- Topics ----------------------------------------------------------------------------- */
  function renderTopics(topics) {
    if (!Array.isArray(topics)) {
      topics = (config.topics || []).map((title, index) => ({ index: index, title: title, done: false }));
    }
    state.topics = topics.map((topic) => ({ index: topic.index, title: String(topic.title), done: !!topic.done }));
    const list = $("[data-topics-list]");
    list.textContent = "";
    state.topics.forEach((topic) => {
      const item = document.createElement("li");
      const label = document.createElement("label");
      label.className = "topic";
      const box = document.createElement("input");
      box.type = "checkbox";
      box.className = "topic__check";
      box.checked = topic.done;
      box.setAttribute("data-topic-index", String(topic.index));
      box.addEventListener("change", () => {
        topic.done = box.checked;
        post({ type: "topic", index: topic.index, done: box.checked }); // saved when the socket is back
        updateTopicsProgress();
      });
      const title = document.createElement("span");
      title.className = "topic__title";
      title.textContent = topic.title;
      label.append(box, title);
      item.appendChild(label);
      list.appendChild(item);
    });
    $("[data-topics-empty]").hidden = state.topics.length > 0;
    updateTopicsProgress();
  }
  let lastTick = 0; // the id of the last tick we know of (the pong's marks are compared with it)
  function showTick(index, done) {
    const topic = state.topics.find((item) => item.index === index);
    if (!topic) return null;
    topic.done = !!done;
    const box = $('[data-topic-index="' + index + '"]');
    if (box) box.checked = topic.done;
    updateTopicsProgress();
    return topic;
  }
  function onTopic(message) {
    lastTick = Math.max(lastTick, message.id || 0);
    const topic = showTick(message.index, message.done);
    if (topic && message.by !== me.id) announce(peer.name + (topic.done ? " ticked " : " unticked ") + topic.title);
  }
  function updateTopicsProgress() {
    const total = state.topics.length;
    const done = state.topics.filter((topic) => topic.done).length;
    $("[data-topics-progress]").textContent = total ? done + " of " + total + " topics covered" : "";
    $("[data-topics-bar]").style.transform = "scaleX(" + (total ? done / total : 0) + ")";
    $("[data-topics-count]").textContent = total ? done + "/" + total : "";
    $$(".topic").forEach((label) => label.classList.toggle("is-done", label.querySelector("input").checked));
  }

  /* --- Timer ------------------------------------------------------------------------------ */
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

  /* ===================================================================================== */
  /* Recording: both agree; the mentor's browser records and uploads resumable chunks      */
  /* ===================================================================================== */
  const recorder = (function () {
    const CHUNK_MS = 3000;
    const MAX_BODY = Math.min(1024 * 1024, config.recording_chunk_max_bytes || Infinity);
    let media = null;
    let upload = null; // {uploadUrl, finishUrl, buffer, acked, busy, stopped, failed, done}
    let mixer = null;

    function mimeType() {
      const types = ["video/webm;codecs=vp8,opus", "video/webm;codecs=vp9,opus", "video/webm"];
      return types.find((type) => window.MediaRecorder && MediaRecorder.isTypeSupported(type)) || "";
    }

    /* One picture (the other person large, me small) and one sound (both voices). */
    function mix() {
      const canvas = document.createElement("canvas");
      canvas.width = 1280;
      canvas.height = 720;
      const c = canvas.getContext("2d");
      const audio = levels.context();
      const destination = audio ? audio.createMediaStreamDestination() : null;
      const sources = [];
      function contain(video, x, y, w, h, cover) {
        const vw = video.videoWidth;
        const vh = video.videoHeight;
        if (!vw || !vh) return false;
        const scale = cover ? Math.max(w / vw, h / vh) : Math.min(w / vw, h / vh);
        const dw = vw * scale;
        const dh = vh * scale;
        c.save();
        c.beginPath();
        c.rect(x, y, w, h);
        c.clip();
        c.drawImage(video, x + (w - dw) / 2, y + (h - dh) / 2, dw, dh);
        c.restore();
        return true;
      }
      function draw() {
        c.fillStyle = "#121216";
        c.fillRect(0, 0, 1280, 720);
        const peerShown = $('[data-tile="peer"]').classList.contains("has-video") && contain(remoteVideo, 0, 0, 1280, 720, false);
        if (!peerShown) {
          c.fillStyle = "#e9e9ef";
          c.font = "600 40px Poppins, sans-serif";
          c.textAlign = "center";
          c.fillText(peer.name || "", 640, 372);
        }
        if (outgoingVideo()) {
          c.fillStyle = "#000";
          c.fillRect(956, 532, 304, 171);
          contain(localVideo, 956, 532, 304, 171, true);
        }
      }
      const timer = window.setInterval(draw, 1000 / 24);
      function rewire() {
        if (!destination) return;
        sources.splice(0).forEach((source) => source.disconnect());
        for (const track of [micTrack, remoteStream.getAudioTracks()[0]]) {
          if (!track || track.readyState !== "live") continue;
          const source = audio.createMediaStreamSource(new MediaStream([track]));
          source.connect(destination);
          sources.push(source);
        }
      }
      rewire();
      const tracks = [];
      if (canvas.captureStream) tracks.push(canvas.captureStream(24).getVideoTracks()[0]);
      else if (remoteStream.getVideoTracks()[0]) tracks.push(remoteStream.getVideoTracks()[0]);
      if (destination) tracks.push(destination.stream.getAudioTracks()[0]);
      return {
        stream: new MediaStream(tracks),
        rewire: rewire,
        stop() {
          window.clearInterval(timer);
          sources.splice(0).forEach((source) => source.disconnect());
          tracks.forEach((track) => track.stop());
        },
      };
    }

    async function post(url, body, type) {
      const headers = { "X-CSRFToken": csrfToken() };
      if (type) headers["Content-Type"] = type;
      return fetch(url, { method: "POST", body: body, headers: headers, credentials: "same-origin" });
    }
    async function reason(response, fallback) {
      try {
        const data = await response.json();
        return data.error || data.reason || data.message || fallback;
      } catch (error) {
        return fallback;
      }
    }

    /* Send what the server has not got yet, from the offset it has; resume after errors. */
    async function pump() {
      if (!upload || upload.busy) return;
      upload.busy = true;
      let wait = 1000;
      try {
        while (upload.buffer.size && !upload.failed) {
          const body = upload.buffer.slice(0, MAX_BODY);
          let response;
          try {
            response = await post(upload.uploadUrl + "?offset=" + upload.acked, body, "video/webm");
          } catch (networkError) {
            await sleep(wait);
            wait = Math.min(wait * 2, 30000);
            continue;
          }
          if (response.ok || response.status === 409) {
            let size = upload.acked;
            try {
              size = (await response.json()).size;
            } catch (error) {
              size = response.ok ? upload.acked + body.size : upload.acked;
            }
            const skip = size - upload.acked;
            if (typeof size !== "number" || skip < 0 || skip > upload.buffer.size) {
              fail("Part of the recording was lost on the way, so it stopped.");
              break;
            }
            upload.buffer = upload.buffer.slice(skip);
            upload.acked = size;
            wait = 1000;
          } else if (response.status === 410 || response.status === 403) {
            // The server finished it already (consent was switched off): stop sending, quietly.
            upload.buffer = new Blob([], { type: "video/webm" });
            upload.stopped = true;
            stop();
          } else if (response.status === 413) {
            fail(await reason(response, "The recording reached its size limit, so it stopped."));
            stop();
          } else if (response.status >= 500 || response.status === 429) {
            await sleep(wait);
            wait = Math.min(wait * 2, 30000);
          } else {
            fail(await reason(response, "The server refused the recording, so it stopped."));
            stop();
          }
        }
        if (upload.stopped && !upload.buffer.size && !upload.failed && !upload.done) await finish();
      } finally {
        if (upload) upload.busy = false;
      }
    }
    function fail(text) {
      if (!upload || upload.failed) return;
      upload.failed = true;
      toast(text, "error");
      if (upload.resolve) upload.resolve();
    }
    async function finish() {
      const current = upload;
      current.done = true;
      try {
        const response = await post(current.finishUrl);
        if (!response.ok) throw new Error(String(response.status));
        const data = await response.json();
        current.downloadUrl = data.download_url;
        const link = $("[data-recording-link]");
        link.href = data.download_url;
        link.hidden = false;
        toast("The recording is saved. You can both download it after the session.", "success");
      } catch (error) {
        toast("The recording could not be finished. What was uploaded is kept.", "error");
      }
      if (current.resolve) current.resolve();
    }

    async function start() {
      if (media || !isMentor) return;
      const type = mimeType();
      if (!window.MediaRecorder || !type) {
        toast("This browser cannot record. Try a current Chrome, Edge or Firefox.", "error");
        return;
      }
      let response;
      try {
        response = await post(config.recording_upload_url);
      } catch (error) {
        toast("You are offline: recording did not start.", "error");
        return;
      }
      if (response.status !== 201) {
        toast(await reason(response, "Recording needs both of you to switch it on."), "error");
        return;
      }
      const created = await response.json();
      mixer = mix();
      upload = {
        id: created.id,
        uploadUrl: created.upload_url,
        finishUrl: created.finish_url,
        buffer: new Blob([], { type: "video/webm" }),
        acked: 0,
        busy: false,
        stopped: false,
        failed: false,
        done: false,
      };
      upload.finished = new Promise((resolve) => (upload.resolve = resolve));
      const current = upload;
      media = new MediaRecorder(mixer.stream, { mimeType: type, videoBitsPerSecond: 1200000, audioBitsPerSecond: 64000 });
      media.ondataavailable = (event) => {
        if (!event.data || !event.data.size || current.failed) return;
        current.buffer = new Blob([current.buffer, event.data], { type: "video/webm" });
        pump();
      };
      media.onstop = () => {
        current.stopped = true;
        if (mixer) mixer.stop();
        mixer = null;
        media = null;
        pump();
        updateRecording();
        sendSignal({ kind: "recording", active: false });
      };
      media.start(CHUNK_MS);
      sendSignal({ kind: "recording", active: true });
      announce("Recording started");
      updateRecording();
    }
    function stop() {
      if (media && media.state !== "inactive") media.stop();
    }
    /* Stop and wait (at most ``ms``) until everything is uploaded and finished. */
    async function stopAndFinish(ms) {
      const current = upload;
      stop();
      if (!current || current.done || current.failed) return;
      await Promise.race([current.finished, sleep(ms)]);
    }
    return {
      start: start,
      stop: stop,
      stopAndFinish: stopAndFinish,
      running: () => !!media,
      rewire: () => mixer && mixer.rewire(),
      info: () => (upload ? { acked: upload.acked, pending: upload.buffer.size, done: upload.done, failed: upload.failed, downloadUrl: upload.downloadUrl || "" } : null),
    };
  })();

  function bothConsent() {
    return !!(state.recording.consent.mentor && state.recording.consent.learner);
  }
  function updateRecording() {
    const mine = !!state.recording.consent[me.role];
    const theirs = !!state.recording.consent[peer.role];
    const consent = $('[data-action="consent"]');
    consent.setAttribute("aria-checked", mine ? "true" : "false");
    $("[data-consent-state]").textContent = peer.name + (theirs ? ": agreed" : ": not yet");
    const active = state.recording.active || recorder.running() || state.peerMedia.recording;
    $("[data-rec-badge]").hidden = !active;
    root.classList.toggle("is-recording", active);
    const record = $('[data-action="record"]');
    if (record) {
      const running = recorder.running();
      record.disabled = !running && !bothConsent();
      record.setAttribute("data-state", running ? "recording" : "off");
      $("[data-label]", record).textContent = running ? "Stop recording" : "Record";
      record.title = running ? "Stop recording" : bothConsent() ? "Start recording" : "Recording needs you both to allow it";
    }
    if (isMentor && recorder.running() && !bothConsent()) {
      recorder.stop();
      toast("Recording stopped: consent was switched off.", "info");
    }
  }
  function toggleConsent() {
    const next = !state.recording.consent[me.role];
    if (!send({ type: "recording_consent", consent: next })) {
      toast("You are offline: try again in a moment.", "warning");
      return;
    }
    state.recording.consent[me.role] = next; // the server's "recording" message confirms it
    updateRecording();
  }

  /* ===================================================================================== */
  /* Joining, leaving, the end                                                              */
  /* ===================================================================================== */
  function join() {
    if (state.joined) return;
    state.joined = true;
    levels.context();
    showScreen("call");
    updateMediaButtons();
    updatePeerTile();
    updateNet();
    connect();
  }

  function stopEverything() {
    leaving = true;
    window.clearTimeout(retryTimer);
    recorder.stop();
    closePc();
    stopTrack(screenTrack);
    stopTrack(cameraTrack);
    stopTrack(micTrack);
    screenTrack = cameraTrack = micTrack = null;
    levels.watch("me", null);
    levels.watch("peer", null);
    if (socket && socket.readyState <= WebSocket.OPEN) socket.close(1000);
    showBanner("");
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
    const info = recorder.info();
    $("[data-recording-link]").hidden = !(info && info.downloadUrl);
    $("[data-end-title]").focus();
  }

  async function onEnded(message) {
    state.status = message.status || "completed";
    if (recorder.running()) await recorder.stopAndFinish(8000);
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
    if (recorder.running()) {
      showBanner("Saving the recording…", "spinner");
      await recorder.stopAndFinish(10000);
      showBanner("");
    }
    if (!send({ type: "end" })) {
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

  /* --- One click handler for every button ------------------------------------------------ */
  root.addEventListener("click", (event) => {
    const button = event.target.closest("[data-action]");
    if (!button || button.disabled || !root.contains(button)) return;
    const action = button.getAttribute("data-action");
    switch (action) {
      case "join":
        return join();
      case "retry-devices":
        return acquire();
      case "mic":
        return toggleMic();
      case "camera":
        return toggleCamera();
      case "share":
        return toggleShare();
      case "chat":
        return togglePanel("chat");
      case "board":
        return togglePanel("board");
      case "topics":
        return togglePanel("topics");
      case "close-panel":
        return closePanel();
      case "pin": {
        const pinned = root.classList.toggle("is-self-pinned");
        button.setAttribute("aria-pressed", pinned ? "true" : "false");
        return;
      }
      case "unmute-audio":
        return playRemote();
      case "undo":
        return send({ type: "undo" });
      case "clear":
        return confirmThen("Clear the whiteboard?", "This removes every stroke for both of you.", "Clear", () =>
          send({ type: "clear" })
        );
      case "consent":
        return toggleConsent();
      case "record":
        return recorder.running() ? recorder.stop() : recorder.start();
      case "end":
        return confirmThen(
          "End the session?",
          "This ends the call for you and " + peer.name + " and marks the session complete.",
          "End for both",
          endSession
        );
      case "leave":
        return confirmThen(
          "Leave the room?",
          "You can come back until " + shortTime(config.ends_at) + ". Only " + peer.name + " can end the session.",
          "Leave",
          leaveRoom
        );
      case "rejoin":
        retries = 0;
        showBanner("Reconnecting…", "spinner");
        return connect();
      case "rejoin-room":
        return window.location.reload();
      default:
        return;
    }
  });
  $$("[data-device]").forEach((select) => {
    select.addEventListener("change", () => switchDevice(select.getAttribute("data-device"), select.value));
  });
  if (hasMedia && navigator.mediaDevices.addEventListener) {
    navigator.mediaDevices.addEventListener("devicechange", () => listDevices());
  }
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && state.panel && !document.querySelector("dialog[open]") && state.screen === "call") {
      closePanel();
    }
  });

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

  // Closing the tab while the recording is still going up would cut it short: ask first.
  window.addEventListener("beforeunload", (event) => {
    const info = recorder.info();
    if (recorder.running() || (info && info.pending && !info.failed)) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  /* --- The read-only hook for tests -------------------------------------------------------- */
  window.PeerLearnRoom = Object.freeze({
    get pc() {
      return pc;
    },
    get socket() {
      return socket;
    },
    get state() {
      return JSON.parse(
        JSON.stringify(
          Object.assign({}, state, {
            strokes: board.strokes(),
            pendingStrokes: board.pending(),
            outbox: outbox.size,
            upload: recorder.info(),
          })
        )
      );
    },
  });

  /* --- Start ------------------------------------------------------------------------------ */
  showScreen("precall");
  if (P.localTimes) P.localTimes(root);
  renderTopics(null);
  setUnread(0);
  updateRecording();
  acquire();
})();
