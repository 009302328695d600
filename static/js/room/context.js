/* What every part of the room shares: the page's config, who is who, the room's state (a copy
   is exposed to tests), and small helpers. Each part (media.js, call.js, chat.js...) gets this
   object and hangs its own API on it (room.chat, room.call...), so parts call each other
   through it and no two modules import each other. */

export function createRoom(root, config) {
  const P = window.PeerLearn || {};
  const me = config.me || {};
  const isMentor = me.role === "mentor";
  return {
    root: root,
    config: config,
    me: me,
    peer: config.peer || {},
    isMentor: isMentor,
    polite: !isMentor, // perfect negotiation: the learner is polite, the mentor not
    sid: Math.random().toString(36).slice(2, 10) + Date.now().toString(36), // this page load
    born: Date.now(), // a newer page of the same person wins over an older one
    hasMedia: !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia),
    state: {
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
    },
    $: (selector, scope) => (scope || root).querySelector(selector),
    $$: (selector, scope) => Array.from((scope || root).querySelectorAll(selector)),
    announce: (text) => P.announce && P.announce(text),
    toast: (text, level) => (P.toast ? P.toast(text, level) : null),
  };
}

export const sleep = (ms) => new Promise((resolve) => window.setTimeout(resolve, ms));

export function clock(totalSeconds) {
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
export function shortTime(iso) {
  const date = new Date(iso);
  return isNaN(date.getTime()) ? "" : timeFormat.format(date);
}

export function csrfToken(root) {
  const input = root.querySelector("[data-csrf] input[name=csrfmiddlewaretoken]");
  if (input && input.value) return input.value;
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}
