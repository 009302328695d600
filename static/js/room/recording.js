/* Recording: both agree (a consent switch each, over the socket); the mentor's browser mixes
   one picture (the other person large, me small) and both voices, records it with MediaRecorder
   and uploads resumable chunks over HTTP (the endpoints in core/realtime/room.py's docstring):
   each POST says the offset the server has; a 409 says where to resume. */
import { csrfToken, sleep } from "./context.js";

export function createRecorder(room) {
  const { state, root, $, config, me, peer, isMentor, toast, announce } = room;

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
      const audio = room.levels.context();
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
        const peerShown =
          $('[data-tile="peer"]').classList.contains("has-video") && contain(room.call.remoteVideo, 0, 0, 1280, 720, false);
        if (!peerShown) {
          c.fillStyle = "#e9e9ef";
          c.font = "600 40px Poppins, sans-serif";
          c.textAlign = "center";
          c.fillText(peer.name || "", 640, 372);
        }
        if (room.media.outgoingVideo()) {
          c.fillStyle = "#000";
          c.fillRect(956, 532, 304, 171);
          contain(room.media.localVideo, 956, 532, 304, 171, true);
        }
      }
      const timer = window.setInterval(draw, 1000 / 24);
      function rewire() {
        if (!destination) return;
        sources.splice(0).forEach((source) => source.disconnect());
        for (const track of [room.media.micTrack, room.call.remoteStream.getAudioTracks()[0]]) {
          if (!track || track.readyState !== "live") continue;
          const source = audio.createMediaStreamSource(new MediaStream([track]));
          source.connect(destination);
          sources.push(source);
        }
      }
      rewire();
      const tracks = [];
      if (canvas.captureStream) tracks.push(canvas.captureStream(24).getVideoTracks()[0]);
      else if (room.call.remoteStream.getVideoTracks()[0]) tracks.push(room.call.remoteStream.getVideoTracks()[0]);
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
      const headers = { "X-CSRFToken": csrfToken(root) };
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
        room.call.sendSignal({ kind: "recording", active: false });
      };
      media.start(CHUNK_MS);
      room.call.sendSignal({ kind: "recording", active: true });
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
    if (!room.channel.send({ type: "recording_consent", consent: next })) {
      toast("You are offline: try again in a moment.", "warning");
      return;
    }
    state.recording.consent[me.role] = next; // the server's "recording" message confirms it
    updateRecording();
  }

  recorder.update = updateRecording;
  recorder.toggleConsent = toggleConsent;
  return recorder;
}
