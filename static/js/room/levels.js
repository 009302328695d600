/* Sound levels: the pre-call meter and the "speaking" ring on the tiles, from one AudioContext
   (which the recording's mixer shares). levels.watch(name, track) with name "me" or "peer";
   levels.context() makes the context (on the Join click, so it may start). */

export function createLevels(room) {
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
    const meter = room.$("[data-meter]");
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
        const talking = item.level > 0.08 && (name !== "me" || room.state.media.mic);
        if (name === "me" && meter) meter.style.transform = "scaleX(" + (room.state.media.mic ? item.level : 0).toFixed(3) + ")";
        const tile = room.$('[data-tile="' + (name === "me" ? "self" : "peer") + '"]');
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
}
