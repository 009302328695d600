/* The session's topics: a checklist both participants tick, with its progress. A tick goes out
   through the socket's outbox (shown at once, saved when the socket is back); ``lastTick`` is
   the id of the last tick we know of, which the pong's marks are compared with. */

export function createTopics(room) {
  const { state, $, $$, config, me, peer, announce } = room;

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
        room.channel.post({ type: "topic", index: topic.index, done: box.checked }); // saved when the socket is back
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

  return {
    render: renderTopics,
    showTick: showTick,
    onTopic: onTopic,
    lastTick: () => lastTick,
    /* A tick id we know of (the welcome's marks set it afresh: ``reset``). */
    seen(id, reset) {
      lastTick = reset ? id : Math.max(lastTick, id);
    },
  };
}
