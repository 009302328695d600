/* Follow a mentor without leaving the page (templates/components/follow_button.html loads this).
   The form works on its own (POST, then back to the page); with this, the answer (JSON) updates
   the button, the count and the toasts in place. */
const P = window.PeerLearn || {};

function say(text, level) {
  if (P.toast) P.toast(text, level);
}

document.addEventListener("submit", (event) => {
  const form = event.target.closest("[data-follow-form]");
  if (!form || !window.fetch) return;
  event.preventDefault();
  const box = form.closest("[data-follow]");
  const button = form.querySelector("[data-follow-button]");
  button.disabled = true;
  fetch(form.action, {
    method: "POST",
    body: new FormData(form),
    headers: { Accept: "application/json" },
    credentials: "same-origin",
  })
    .then((response) => response.json().then((data) => ({ ok: response.ok, data })))
    .then(({ ok, data }) => {
      if (!ok) {
        say(data.error || "That did not work. Please try again.", "error");
        return;
      }
      const following = data.following;
      form.querySelector("input[name=follow]").value = following ? "0" : "1";
      form.querySelector("[data-follow-label]").textContent = following ? "Following" : "Follow";
      button.classList.toggle("btn--primary", !following);
      button.classList.toggle("btn--secondary", following);
      const count = box && box.querySelector("[data-follow-count]");
      if (count) count.textContent = `${data.followers} ${data.followers === 1 ? "follower" : "followers"}`;
      say(data.message, "success");
    })
    .catch(() => say("You seem to be offline. Please try again.", "error"))
    .finally(() => {
      button.disabled = false;
    });
});
