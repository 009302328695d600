/* Registration: one step at a time, with checks before "Continue", and "Did you mean …?".
   Without JavaScript the form is one ordinary page; this file only layers steps on top.
   Nothing the person typed is ever changed unless they click "Use it".
   Runs for every [data-signup] form on the page, and again through PeerLearn.initSignup(root)
   for a form the login/registration modal has just put in. */
(function () {
  "use strict";

  var P = (window.PeerLearn = window.PeerLearn || {});

  P.initSignup = function (root) {
    (root || document).querySelectorAll("[data-signup]:not([data-signup-ready])").forEach(setUp);
  };

  function setUp(form) {
    form.setAttribute("data-signup-ready", "");
    function byId(id) {
      return form.querySelector("#" + id);
    }

    var TOTAL = 4; // the fourth step is the emailed code, on its own page
    var steps = Array.prototype.slice.call(form.querySelectorAll(".step[data-step]"));
    var label = form.querySelector("[data-step-label]");
    var name = form.querySelector("[data-step-name]");
    var bars = form.querySelectorAll(".stepper__bar li");
    var seen = form.querySelector("#id_suggestions_seen");
    var suggestUrl = form.getAttribute("data-suggest-url");
    var current = parseInt(form.getAttribute("data-open-step"), 10) || 1;

    // Our own checks run on "Continue" and on submit; the browser's would stop at hidden steps.
    form.noValidate = true;

    function role() {
      var checked = form.querySelector('input[name="role"]:checked');
      return checked ? checked.value : null;
    }

    /* Only the chosen role's fields show, and only they are required. */
    var REQUIRED_BY_ROLE = { learner: ["id_interests"], mentor: ["id_domains", "id_skills"] };
    function applyRole() {
      var chosen = role() || "learner";
      form.querySelectorAll("[data-role-fields]").forEach(function (group) {
        group.classList.toggle("is-active", group.getAttribute("data-role-fields") === chosen);
      });
      Object.keys(REQUIRED_BY_ROLE).forEach(function (key) {
        REQUIRED_BY_ROLE[key].forEach(function (id) {
          var input = byId(id);
          if (input) input.required = key === chosen;
        });
      });
    }

    function show(number, focus) {
      current = Math.max(1, Math.min(number, steps.length));
      steps.forEach(function (step) {
        step.classList.toggle("is-current", parseInt(step.getAttribute("data-step"), 10) === current);
      });
      var step = steps[current - 1];
      if (label) label.textContent = "Step " + current + " of " + TOTAL;
      if (name) name.textContent = step.getAttribute("data-step-title") || "";
      bars.forEach(function (bar, index) {
        bar.classList.toggle("is-done", index < current);
      });
      if (focus) {
        var target = step.querySelector("input:not([type=hidden]), textarea, select");
        var legend = step.querySelector("legend");
        if (target && current > 1) target.focus();
        else if (legend) {
          legend.setAttribute("tabindex", "-1");
          legend.focus();
        }
        if (form.getBoundingClientRect().top < 0) form.scrollIntoView({ block: "start", behavior: "smooth" });
      }
    }

    function controls(step) {
      return Array.prototype.slice.call(step.querySelectorAll("input, textarea, select")).filter(function (el) {
        return el.type !== "hidden" && !el.disabled && el.offsetParent !== null;
      });
    }

    function stepValid(step) {
      var invalid = controls(step).filter(function (el) {
        return !el.checkValidity();
      });
      if (!invalid.length) return true;
      invalid[0].reportValidity();
      invalid[0].focus();
      return false;
    }

    function stepOf(element) {
      var step = element.closest(".step[data-step]");
      return step ? parseInt(step.getAttribute("data-step"), 10) : current;
    }

    form.querySelectorAll("[data-next]").forEach(function (button) {
      button.addEventListener("click", function () {
        if (stepValid(steps[current - 1])) show(current + 1, true);
      });
    });
    form.querySelectorAll("[data-back]").forEach(function (button) {
      button.addEventListener("click", function () {
        show(current - 1, true);
      });
    });
    form.querySelectorAll('input[name="role"]').forEach(function (radio) {
      radio.addEventListener("change", applyRole);
    });

    form.addEventListener("submit", function (event) {
      // Enter in an early step means "Continue", not "Create account".
      if (current < steps.length) {
        event.preventDefault();
        if (stepValid(steps[current - 1])) show(current + 1, true);
        return;
      }
      // On the last step, check every step; go back to the first one with a problem.
      for (var i = 0; i < steps.length; i++) {
        var bad = Array.prototype.slice.call(steps[i].querySelectorAll("input, textarea, select")).filter(function (el) {
          var group = el.closest("[data-role-fields]");
          return el.type !== "hidden" && !el.disabled && !(group && !group.classList.contains("is-active")) && !el.checkValidity();
        });
        if (bad.length) {
          event.preventDefault();
          show(stepOf(bad[0]));
          bad[0].reportValidity();
          bad[0].focus();
          return;
        }
      }
      var submit = form.querySelector("[data-submit]");
      if (submit) {
        submit.disabled = true;
        submit.setAttribute("aria-busy", "true");
      }
    });

    /* --- "Did you mean …?" ------------------------------------------------------------- */
    function el(tag, className, text) {
      var node = document.createElement(tag);
      if (className) node.className = className;
      if (text) node.textContent = text;
      return node;
    }

    function iconNode(nameOfIcon) {
      return P.icon(nameOfIcon);
    }

    function replaceTerm(text, typed, suggested) {
      var parts = text.split(",");
      var done = false;
      return parts
        .map(function (part) {
          if (!done && part.trim().toLowerCase() === typed.toLowerCase()) {
            done = true;
            var lead = part.match(/^\s*/)[0];
            return lead + suggested;
          }
          return part;
        })
        .join(",");
    }

    function suggestionNode(input, suggested, typed) {
      var p = el("p", "suggestion");
      p.appendChild(iconNode("light-bulb"));
      var span = el("span", "", "Did you mean ");
      span.appendChild(el("strong", "", suggested));
      span.appendChild(document.createTextNode(typed ? " for \u201c" + typed + "\u201d?" : "?"));
      p.appendChild(span);
      var button = el("button", "btn btn--small", "Use it");
      button.type = "button";
      button.setAttribute("data-use-suggestion", "");
      button.setAttribute("data-target", input.id);
      button.setAttribute("data-value", suggested);
      if (typed) button.setAttribute("data-typed", typed);
      p.appendChild(button);
      return p;
    }

    function render(input, email, terms) {
      var box = form.querySelector('[data-suggestions-for="' + input.id + '"]');
      if (!box) return;
      box.textContent = "";
      if (email) box.appendChild(suggestionNode(input, email));
      Object.keys(terms || {}).forEach(function (typed) {
        box.appendChild(suggestionNode(input, terms[typed], typed));
      });
      if (box.children.length && seen) seen.value = "1";
    }

    function useSuggestion(button) {
      var input = byId(button.getAttribute("data-target"));
      if (!input) return;
      var typed = button.getAttribute("data-typed");
      var value = button.getAttribute("data-value");
      input.value = typed ? replaceTerm(input.value, typed, value) : value;
      input.dispatchEvent(new Event("input", { bubbles: true }));
      var line = button.closest(".suggestion");
      if (line) line.remove();
      input.focus();
    }

    form.addEventListener("click", function (event) {
      var button = event.target.closest("[data-use-suggestion]");
      if (button) useSuggestion(button);
    });
    // Server-rendered suggestions get their "Use it" button once JavaScript is here.
    form.querySelectorAll("[data-use-suggestion]").forEach(function (button) {
      button.hidden = false;
    });

    var pending = {};
    function check(input, param) {
      var value = input.value.trim();
      if (!value) {
        render(input, null, {});
        return;
      }
      if (param === "email" && value.indexOf("@") < 1) return;
      var key = input.id;
      var token = {};
      pending[key] = token;
      var url = suggestUrl + "?" + param + "=" + encodeURIComponent(value);
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (data) {
          if (!data || pending[key] !== token) return;
          render(input, param === "email" ? data.email : null, param === "terms" ? data.terms : {});
        })
        .catch(function () {
          /* Suggestions are a nicety; the server checks again on submit. */
        });
    }

    [
      ["id_email", "email"],
      ["id_interests", "terms"],
      ["id_domains", "terms"],
      ["id_skills", "terms"],
    ].forEach(function (pair) {
      var input = byId(pair[0]);
      if (input && suggestUrl) {
        input.addEventListener("blur", function () {
          check(input, pair[1]);
        });
      }
    });

    applyRole();
    show(current, false);
    var summary = byId("form-errors");
    if (summary) summary.focus();
  }

  P.initSignup(document);
})();
