/* The chat: lines from the server (ids increase), lines still on their way ("Sending…", in the
   socket's outbox until the server's ack replaces them), the unread badge and the form. Text is
   plain and rendered with textContent. */
import { shortTime } from "./context.js";

export function createChat(room) {
  const { state, $, $$, config, me, peer } = room;
  const maxChat = config.max_chat_length || 2000;

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
    const clientId = room.channel.post({ type: "chat", text: text });
    if (room.channel.isPending(clientId)) showPendingChat(clientId, text); // an ack cannot have come yet
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

  return {
    add: addChat,
    render: renderChat,
    dropPending: dropPendingChat,
    setUnread: setUnread,
    scroll: scrollChat,
    visible: chatVisible,
    showError: showChatError,
    focus: () => chatInput.focus({ preventScroll: true }),
    /* A refused line comes back into an empty input, to edit or send later. */
    giveBack(text) {
      if (chatInput.value) return;
      chatInput.value = text;
      updateCount();
    },
  };
}
