/* The gift form (plugins/gifting/templates/gifting/_form.html): the "Other" amount shows only
   when chosen, and the cost line follows the amount (each preset's line is in the page; a typed
   amount asks the server, which splits it as core will charge it). */
const forms = document.querySelectorAll("form[data-gift-form]:not([data-gift-ready])");

forms.forEach((form) => {
  form.setAttribute("data-gift-ready", "");
  const custom = form.querySelector("[data-gift-custom]");
  const input = custom && custom.querySelector("input");
  const line = form.querySelector("[data-gift-preview]");
  let asked = 0;

  function chosen() {
    const radio = form.querySelector('input[name="preset"]:checked');
    return radio ? radio.value : "";
  }

  async function typed() {
    const rupees = input ? input.value.trim() : "";
    if (!rupees) {
      line.textContent = "Enter the amount, in whole rupees.";
      return;
    }
    const ticket = ++asked;
    const url = new URL(form.getAttribute("data-preview-url"), window.location.href);
    url.searchParams.set("rupees", rupees);
    url.searchParams.set("mentor", form.getAttribute("data-mentor") || "");
    try {
      const response = await fetch(url, { credentials: "same-origin" });
      const text = await response.text();
      if (ticket === asked && response.ok) line.textContent = text;
    } catch (error) {
      /* offline: the server checks the amount when the form is sent */
    }
  }

  function update() {
    const value = chosen();
    const isCustom = value === "custom";
    if (custom) custom.hidden = !isCustom;
    if (isCustom) {
      typed();
      return;
    }
    asked += 1; /* an answer still on its way for a typed amount must not overwrite this line */
    const label = form.querySelector('input[name="preset"]:checked');
    const preview = label && label.closest("[data-preview]");
    if (preview) line.textContent = preview.getAttribute("data-preview");
  }

  form.addEventListener("change", update);
  if (input) input.addEventListener("input", () => { if (chosen() === "custom") typed(); });
  form.addEventListener("submit", () => {
    /* one click, one gift: the token makes a second submit the same gift anyway */
    const button = form.querySelector('button[type="submit"]');
    if (button) window.setTimeout(() => { button.disabled = true; }, 0);
    if (form.target === "_blank" && button) {
      window.setTimeout(() => { button.disabled = false; }, 4000);
    }
  });
  update();
});
