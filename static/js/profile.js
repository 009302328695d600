/* PeerLearn: the profile pages. Everything here is a layer on plain forms and links:
   - skills, domains and interests show as tags while typed, with "Did you mean …?" suggestions
     from /accounts/suggest/ (nothing changes unless the person clicks "Use it");
   - a chosen picture or intro video is previewed before it is uploaded, and a file over the
     limit is refused at once;
   - the payout form shows only the chosen kind's fields (bank account or UPI);
   - after htmx swaps in another tab, focus moves to that tab and the new content is wired.
   Handlers are delegated from the document, so content swapped in by htmx works the same. */
(function () {
  "use strict";

  var P = (window.PeerLearn = window.PeerLearn || {});

  function splitTerms(text) {
    var seen = {};
    return text
      .split(",")
      .map(function (part) {
        return part.trim();
      })
      .filter(function (part) {
        var key = part.toLowerCase();
        if (!part || seen[key]) return false;
        seen[key] = true;
        return true;
      });
  }

  /* --- Terms as tags ------------------------------------------------------------------ */
  function renderTags(input) {
    var list = document.querySelector('[data-terms-for="' + input.id + '"]');
    if (!list) return;
    var tone = list.getAttribute("data-tone");
    list.textContent = "";
    splitTerms(input.value).forEach(function (term) {
      var item = document.createElement("li");
      item.className = "tag" + (tone ? " tag--" + tone : "");
      item.textContent = term;
      list.appendChild(item);
    });
  }
  document.addEventListener("input", function (event) {
    var input = event.target;
    if (input.id && document.querySelector('[data-terms-for="' + input.id + '"]')) renderTags(input);
  });

  /* --- "Did you mean …?" -------------------------------------------------------------- */
  function suggestionNode(input, typed, suggested) {
    var p = document.createElement("p");
    p.className = "suggestion";
    p.appendChild(P.icon ? P.icon("light-bulb") : document.createTextNode(""));
    var span = document.createElement("span");
    span.appendChild(document.createTextNode("Did you mean "));
    var strong = document.createElement("strong");
    strong.textContent = suggested;
    span.appendChild(strong);
    span.appendChild(document.createTextNode(" for \u201c" + typed + "\u201d?"));
    p.appendChild(span);
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn--small";
    button.textContent = "Use it";
    button.setAttribute("data-use-suggestion", "");
    button.setAttribute("data-target", input.id);
    button.setAttribute("data-typed", typed);
    button.setAttribute("data-value", suggested);
    p.appendChild(button);
    return p;
  }

  var pending = {};
  function checkTerms(input) {
    var form = input.closest("[data-suggest-url]");
    var box = document.querySelector('[data-suggestions-for="' + input.id + '"]');
    if (!form || !box || !window.fetch) return;
    var value = input.value.trim();
    if (!value) {
      box.textContent = "";
      return;
    }
    var token = {};
    pending[input.id] = token;
    var url = form.getAttribute("data-suggest-url") + "?terms=" + encodeURIComponent(value);
    window
      .fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (!data || pending[input.id] !== token) return;
        box.textContent = "";
        Object.keys(data.terms || {}).forEach(function (typed) {
          box.appendChild(suggestionNode(input, typed, data.terms[typed]));
        });
        var seen = form.querySelector("#id_suggestions_seen");
        if (box.children.length && seen) seen.value = "1";
      })
      .catch(function () {
        /* Suggestions are a nicety; the server checks again on save. */
      });
  }
  document.addEventListener("focusout", function (event) {
    var input = event.target;
    if (input.matches && input.matches("[data-profile-form] input[type=text]") && input.id) {
      if (document.querySelector('[data-terms-for="' + input.id + '"]')) checkTerms(input);
    }
  });

  function replaceTerm(text, typed, suggested) {
    var done = false;
    return text
      .split(",")
      .map(function (part) {
        if (!done && part.trim().toLowerCase() === typed.toLowerCase()) {
          done = true;
          return part.match(/^\s*/)[0] + suggested;
        }
        return part;
      })
      .join(",");
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-profile-form] [data-use-suggestion]");
    if (!button) return;
    var input = document.getElementById(button.getAttribute("data-target"));
    if (!input) return;
    var typed = button.getAttribute("data-typed");
    var value = button.getAttribute("data-value");
    input.value = typed ? replaceTerm(input.value, typed, value) : value;
    renderTags(input);
    var line = button.closest(".suggestion");
    if (line) line.remove();
    if (P.announce) P.announce("Changed to " + value);
    input.focus();
  });

  /* --- Picture and video previews ----------------------------------------------------- */
  function formatBytes(bytes) {
    return bytes >= 1048576 ? Math.round(bytes / 1048576) + " MB" : Math.round(bytes / 1024) + " KB";
  }
  var objectUrls = {};
  function previewUrl(key, file) {
    if (objectUrls[key]) URL.revokeObjectURL(objectUrls[key]);
    objectUrls[key] = URL.createObjectURL(file);
    return objectUrls[key];
  }
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input.type === "file" && input.closest("[data-profile-form]")) onFile(input);
    if (input.name === "payout_kind") showPayoutFields(input.closest("form"));
  });

  function onFile(input) {
    var note = document.querySelector('[data-chosen-for="' + input.id + '"]');
    var file = input.files && input.files[0];
    if (!file) {
      if (note) note.textContent = "";
      return;
    }
    var limit = parseInt(input.getAttribute("data-max-bytes"), 10);
    if (limit && file.size > limit) {
      input.value = "";
      if (note) {
        note.classList.add("is-error");
        note.textContent =
          "\u201c" + file.name + "\u201d is " + formatBytes(file.size) + "; the limit is " + formatBytes(limit) + ".";
      }
      return;
    }
    if (note) {
      note.classList.remove("is-error");
      note.textContent = "Chosen: " + file.name + " (" + formatBytes(file.size) + "). Save to upload it.";
    }
    if (input.name === "avatar" && /^image\//.test(file.type)) {
      var current = document.getElementById("avatar-preview");
      if (!current) return;
      var img = current.tagName === "IMG" ? current : document.createElement("img");
      if (img !== current) {
        img.id = current.id;
        img.className = current.className + " avatar--photo";
        img.alt = "";
        img.width = 96;
        img.height = 96;
        current.replaceWith(img);
      }
      img.src = previewUrl("avatar", file);
    }
    if (input.name === "intro_video") {
      var box = input.closest("[data-field]").querySelector("[data-video-preview]");
      var player = box && box.querySelector("[data-video-player]");
      if (!player) return;
      player.src = previewUrl("video", file);
      player.hidden = false;
      box.classList.remove("is-empty");
      box.classList.add("has-video");
      var empty = box.querySelector("[data-video-empty]");
      if (empty) empty.hidden = true;
    }
  }

  /* --- Payout: only the chosen kind's fields ------------------------------------------ */
  function showPayoutFields(form) {
    if (!form) return;
    var checked = form.querySelector('input[name="payout_kind"]:checked');
    if (!checked) return;
    form.querySelectorAll("[data-payout-fields]").forEach(function (group) {
      group.hidden = group.getAttribute("data-payout-fields") !== checked.value;
    });
  }

  /* --- Wiring, on load and for content htmx swaps in ---------------------------------- */
  function init(root) {
    root = root || document;
    var scope = root.querySelectorAll ? root : document;
    scope.querySelectorAll("[data-profile-form] [data-use-suggestion]").forEach(function (button) {
      button.hidden = false;
    });
    scope.querySelectorAll("[data-settings-form]").forEach(showPayoutFields);
    /* What was typed before this script ran (a slow connection) shows as tags too: the input
       events it missed are not replayed. */
    scope.querySelectorAll("[data-terms-for]").forEach(function (list) {
      var input = document.getElementById(list.getAttribute("data-terms-for"));
      if (input) renderTags(input);
    });
    if (root !== document && P.enhance) P.enhance(root);
  }

  var lastTab = null;
  document.addEventListener("click", function (event) {
    var tab = event.target.closest(".profile-tabs__tab");
    if (tab) lastTab = tab.id;
  });

  init(document);
  if (window.htmx && window.htmx.onLoad) {
    window.htmx.onLoad(function (element) {
      if (!element || element === document.body || !element.querySelector) return;
      var main = element.id === "profile-main" ? element : element.querySelector("#profile-main");
      if (!main) return;
      init(main);
      // A tab was clicked: keep keyboard focus on the (new) current tab, and say where we are.
      if (lastTab) {
        var current = document.getElementById(lastTab);
        lastTab = null;
        if (current) current.focus();
        if (P.announce) P.announce(document.title.split(" · ")[0] + " tab");
      }
    });
  }
})();
