/* Local media: the pre-call check (camera and microphone, what went wrong and what to do),
   the device pickers, the tracks this person sends, their tile, and the mic / camera / screen
   buttons. What goes on the call is call.js's (room.call.sendVideo). */

export function createMedia(room) {
  const { state, $, $$, toast, announce, hasMedia } = room;
  const STORAGE = "peerlearn.room.devices";

  const previewVideo = $("[data-preview-video]");
  const localVideo = $("[data-local-video]");
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
    room.levels.watch("me", micTrack);
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
      await room.call.sendVideo();
    } else {
      stopTrack(micTrack);
      micTrack = got.stream.getAudioTracks()[0];
      await room.call.replaceAudio(micTrack);
    }
    setLocalTracks();
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


  /* --- Controls -------------------------------------------------------------------------- */
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
    room.call.sendMediaState();
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
    await room.call.sendVideo();
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
    await room.call.sendVideo();
  }
  function stopSharing() {
    if (!screenTrack) return;
    const track = screenTrack;
    screenTrack = null;
    track.removeEventListener("ended", stopSharing);
    track.stop();
    announce("Screen sharing stopped");
    room.call.sendVideo(); // back to the camera (or nothing)
  }

  function stopAll() {
    stopTrack(screenTrack);
    stopTrack(cameraTrack);
    stopTrack(micTrack);
    screenTrack = cameraTrack = micTrack = null;
  }

  return {
    localStream: localStream,
    localVideo: localVideo,
    get micTrack() {
      return micTrack;
    },
    get cameraTrack() {
      return cameraTrack;
    },
    get screenTrack() {
      return screenTrack;
    },
    acquire: acquire,
    listDevices: listDevices,
    switchDevice: switchDevice,
    setLocalTracks: setLocalTracks,
    outgoingVideo: outgoingVideo,
    updateMediaButtons: updateMediaButtons,
    showStageNotice: showStageNotice,
    toggleMic: toggleMic,
    toggleCamera: toggleCamera,
    toggleShare: toggleShare,
    stopAll: stopAll,
  };
}
