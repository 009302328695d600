/* PeerLearn: the small behaviours every page shares. No dependencies; loaded with defer.
   Mobile menu (open, close by X / Escape / swipe right), header shadow on scroll, orange ripple,
   toasts and the screen-reader announcer, show/hide password, modals on <dialog> (focus trap,
   Escape, focus back to the opener), the login/registration modal, card rows with arrows,
   and times shown in the viewer's timezone. Exposes window.PeerLearn for live.js and signup.js. */
(function () {
  "use strict";

  var P = (window.PeerLearn = window.PeerLearn || {});
  var reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var FOCUSABLE =
    'a[href], button:not([disabled]), input:not([type="hidden"]):not([disabled]), select:not([disabled]), ' +
    'textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

  function visible(el) {
    return !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  }
  function focusables(root) {
    return Array.prototype.slice.call(root.querySelectorAll(FOCUSABLE)).filter(visible);
  }
  /* Keep Tab and Shift+Tab inside ``root``. */
  function trapTab(event, root) {
    if (event.key !== "Tab") return;
    var items = focusables(root);
    if (!items.length) return;
    var first = items[0];
    var last = items[items.length - 1];
    if (event.shiftKey && (document.activeElement === first || !root.contains(document.activeElement))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (document.activeElement === last || !root.contains(document.activeElement))) {
      event.preventDefault();
      first.focus();
    }
  }

  /* --- Screen-reader announcer and toasts -------------------------------------------- */
  var announcer = document.querySelector("[data-announcer]");
  P.announce = function (text) {
    if (!announcer || !text) return;
    announcer.textContent = "";
    // A fresh text node a moment later is announced even when the words repeat.
    window.setTimeout(function () {
      announcer.textContent = text;
    }, 60);
  };

  var toastBox = document.querySelector("[data-toasts]");
  var TOAST_ICONS = { error: "exclamation-triangle", warning: "exclamation-circle", success: "check-circle" };

  function dismiss(toast) {
    if (!toast || toast.classList.contains("is-leaving")) return;
    toast.classList.add("is-leaving");
    window.setTimeout(
      function () {
        toast.remove();
      },
      reduceMotion ? 0 : 300
    );
  }
  function wireToast(toast) {
    if (toast.hasAttribute("data-toast-ready")) return;
    toast.setAttribute("data-toast-ready", "");
    var close = toast.querySelector("[data-toast-close]");
    if (close) {
      close.addEventListener("click", function () {
        dismiss(toast);
      });
    }
    // Errors stay until dismissed; everything else fades after a while (not while hovered or focused).
    if (!toast.classList.contains("toast--error")) {
      var timer = window.setTimeout(function () {
        dismiss(toast);
      }, 7000);
      var hold = function () {
        window.clearTimeout(timer);
      };
      toast.addEventListener("mouseenter", hold);
      toast.addEventListener("focusin", hold);
    }
  }
  P.icon = function (name, extraClass) {
    var svgNS = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(svgNS, "svg");
    svg.setAttribute("class", "icon" + (extraClass ? " " + extraClass : ""));
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var use = document.createElementNS(svgNS, "use");
    // Two sprites (public and signed-in pages): reuse the one an icon of this name already
    // comes from on the page, else the public one.
    var uses = Array.prototype.slice.call(document.querySelectorAll("svg.icon use"));
    var same = uses.filter(function (node) { return node.getAttribute("href").split("#")[1] === name; })[0];
    var core = uses.filter(function (node) { return /\/icons(\.[0-9a-f]+)?\.svg#/.test(node.getAttribute("href")); })[0];
    var href = same || core ? (same || core).getAttribute("href").split("#")[0] : "/static/img/icons.svg";
    use.setAttribute("href", href + "#" + name);
    svg.appendChild(use);
    return svg;
  };
  /* A toast in the polite live region: seen and heard. ``level``: info, success, warning, error. */
  P.toast = function (text, level) {
    if (!toastBox || !text) return null;
    level = level || "info";
    var toast = document.createElement("div");
    toast.className = "toast toast--" + level;
    toast.setAttribute("role", level === "error" ? "alert" : "status");
    toast.setAttribute("data-toast", "");
    toast.appendChild(P.icon(TOAST_ICONS[level] || "information-circle"));
    var p = document.createElement("p");
    p.className = "toast__text";
    p.textContent = text;
    toast.appendChild(p);
    var close = document.createElement("button");
    close.className = "toast__close";
    close.type = "button";
    close.setAttribute("data-toast-close", "");
    close.appendChild(P.icon("x-mark"));
    var label = document.createElement("span");
    label.className = "visually-hidden";
    label.textContent = "Dismiss";
    close.appendChild(label);
    toast.appendChild(close);
    toastBox.appendChild(toast);
    wireToast(toast);
    return toast;
  };

  /* --- Times in the viewer's own timezone -------------------------------------------- */
  /* A signed-in person's times are rendered by the server in their profile's timezone, named
     on <html data-time-zone>: those are never rewritten, and times made here use that zone.
     A visitor's (rendered in IST) are rewritten into the browser's own zone. */
  P.timeZone = document.documentElement.getAttribute("data-time-zone") || undefined;
  var timeFormat = null;
  try {
    timeFormat = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
      weekday: "short",
      day: "numeric",
      month: "short",
      hour: "numeric",
      minute: "2-digit",
      timeZoneName: "short",
    });
  } catch (error) {
    timeFormat = null;
  }
  P.localTimes = function (root) {
    if (!timeFormat || P.timeZone) return;
    (root || document).querySelectorAll("time[data-local-time]").forEach(function (node) {
      var date = new Date(node.getAttribute("datetime"));
      if (isNaN(date.getTime())) return;
      node.textContent = timeFormat.format(date);
    });
  };

  /* --- Card rows: arrows that scroll by a page, hidden when everything fits ---------- */
  P.updateRow = function (row) {
    var arrows = document.querySelector('[data-row-arrows="' + row.id + '"]');
    if (!arrows) return;
    var overflow = row.scrollWidth > row.clientWidth + 2;
    arrows.classList.toggle("is-needed", overflow);
    var back = arrows.querySelector('[data-row-scroll="-1"]');
    var forward = arrows.querySelector('[data-row-scroll="1"]');
    if (back) back.disabled = row.scrollLeft <= 2;
    if (forward) forward.disabled = row.scrollLeft + row.clientWidth >= row.scrollWidth - 2;
  };
  function wireRows(root) {
    root.querySelectorAll(".card-row[id]").forEach(function (row) {
      if (row.hasAttribute("data-row-ready")) return;
      row.setAttribute("data-row-ready", "");
      row.addEventListener(
        "scroll",
        function () {
          P.updateRow(row);
        },
        { passive: true }
      );
      P.updateRow(row);
    });
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-row-scroll]");
    if (!button) return;
    var row = document.getElementById(button.getAttribute("aria-controls"));
    if (!row) return;
    var step = parseInt(button.getAttribute("data-row-scroll"), 10) * Math.max(row.clientWidth * 0.8, 200);
    row.scrollBy({ left: step, behavior: reduceMotion ? "auto" : "smooth" });
  });
  window.addEventListener("resize", function () {
    document.querySelectorAll(".card-row[data-row-ready]").forEach(P.updateRow);
  });

  /* --- Show / hide password ---------------------------------------------------------- */
  function wirePasswordToggles(root) {
    root.querySelectorAll("[data-password-toggle]").forEach(function (button) {
      if (button.hasAttribute("data-toggle-ready")) return;
      var scope = button.closest("form") || root;
      var input = scope.querySelector("#" + button.getAttribute("data-password-toggle"));
      if (!input) return;
      button.setAttribute("data-toggle-ready", "");
      button.hidden = false;
      var whenHidden = button.querySelector('[data-when="hidden"]');
      var whenShown = button.querySelector('[data-when="shown"]');
      button.addEventListener("click", function () {
        var show = input.type === "password";
        input.type = show ? "text" : "password";
        button.setAttribute("aria-pressed", show ? "true" : "false");
        if (whenHidden) whenHidden.hidden = show;
        if (whenShown) whenShown.hidden = !show;
      });
    });
  }

  /* Everything above, for a page or for content just put into it (a modal's body). */
  P.enhance = function (root) {
    root = root || document;
    wirePasswordToggles(root);
    root.querySelectorAll("[data-toast]").forEach(wireToast);
    wireRows(root);
    P.localTimes(root);
  };

  /* --- Mobile menu ------------------------------------------------------------------- */
  var menu = document.querySelector("[data-menu]");
  var menuButtons = document.querySelectorAll("[data-menu-open]");
  var opener = menuButtons[0] || null;

  function openMenu(event) {
    if (!menu) return;
    if (event && event.currentTarget) {
      menuButtons.forEach(function (button) {
        button.setAttribute("aria-expanded", "false");
      });
      opener = event.currentTarget;
    }
    menu.hidden = false;
    document.body.classList.add("has-menu-open");
    opener.setAttribute("aria-expanded", "true");
    // Let the browser paint the closed state first, so the slide-in transition runs.
    window.requestAnimationFrame(function () {
      window.requestAnimationFrame(function () {
        menu.classList.add("is-open");
      });
    });
    var first = menu.querySelector("[data-menu-close]");
    if (first) first.focus();
    P.announce("Menu opened");
  }

  function closeMenu(returnFocus) {
    if (!menu || menu.hidden) return;
    menu.classList.remove("is-open");
    document.body.classList.remove("has-menu-open");
    opener.setAttribute("aria-expanded", "false");
    var done = function () {
      if (!menu.classList.contains("is-open")) menu.hidden = true;
    };
    if (reduceMotion) done();
    else window.setTimeout(done, 400);
    if (returnFocus !== false) opener.focus();
  }
  P.closeMenu = closeMenu;

  if (menu && opener) {
    menuButtons.forEach(function (button) {
      button.addEventListener("click", openMenu);
    });
    menu.querySelectorAll("[data-menu-close]").forEach(function (button) {
      button.addEventListener("click", function () {
        closeMenu();
      });
    });
    menu.querySelectorAll("[data-menu-close-on-click]").forEach(function (link) {
      link.addEventListener("click", function () {
        closeMenu(false);
      });
    });
    document.addEventListener("keydown", function (event) {
      if (menu.hidden) return;
      if (event.key === "Escape") closeMenu();
      else trapTab(event, menu);
    });
    // Swipe right to close.
    var startX = null;
    var startY = null;
    menu.addEventListener(
      "touchstart",
      function (event) {
        startX = event.touches[0].clientX;
        startY = event.touches[0].clientY;
      },
      { passive: true }
    );
    menu.addEventListener(
      "touchend",
      function (event) {
        if (startX === null) return;
        var dx = event.changedTouches[0].clientX - startX;
        var dy = Math.abs(event.changedTouches[0].clientY - startY);
        startX = null;
        if (dx > 60 && dy < 80) {
          if (navigator.vibrate) navigator.vibrate(10);
          closeMenu();
        }
      },
      { passive: true }
    );
    window.matchMedia("(min-width: 1024px)").addEventListener("change", function (query) {
      if (query.matches) closeMenu(false);
    });
  }

  /* --- Header shadow once the page scrolls ------------------------------------------- */
  var header = document.querySelector("[data-header]");
  if (header) {
    var onScroll = function () {
      header.classList.toggle("is-scrolled", window.scrollY > 4);
    };
    window.addEventListener("scroll", onScroll, { passive: true });
    onScroll();
  }

  /* --- Orange ripple on click -------------------------------------------------------- */
  if (!reduceMotion) {
    document.addEventListener("pointerdown", function (event) {
      var target = event.target.closest(".btn, .nav-link, .icon-btn");
      if (!target || target.disabled) return;
      var rect = target.getBoundingClientRect();
      var size = Math.max(rect.width, rect.height) * 2;
      var ripple = document.createElement("span");
      ripple.className = "ripple";
      ripple.style.setProperty("--x", event.clientX - rect.left + "px");
      ripple.style.setProperty("--y", event.clientY - rect.top + "px");
      ripple.style.setProperty("--size", size + "px");
      target.appendChild(ripple);
      window.setTimeout(function () {
        ripple.remove();
      }, 500);
    });
  }

  /* --- Modals ------------------------------------------------------------------------ */
  function openModal(dialog, from) {
    if (!dialog || typeof dialog.showModal !== "function") return false;
    dialog._opener = from || document.activeElement;
    if (!dialog.open) dialog.showModal();
    document.body.classList.add("has-modal-open");
    return true;
  }
  function closeModal(dialog) {
    if (dialog && dialog.open) dialog.close();
  }
  P.openModal = openModal;
  P.closeModal = closeModal;

  document.querySelectorAll("dialog[data-modal]").forEach(function (dialog) {
    dialog.addEventListener("close", function () {
      document.body.classList.remove("has-modal-open");
      var back = dialog._opener;
      dialog._opener = null;
      if (back && document.contains(back) && typeof back.focus === "function") {
        // A link inside the mobile menu that has since closed: fall back to the hamburger.
        if (!visible(back) && menuButtons[0]) back = menuButtons[0];
        back.focus();
      }
    });
    dialog.addEventListener("keydown", function (event) {
      trapTab(event, dialog);
    });
    // A click on the dimmed backdrop (the dialog itself, outside its panel) closes it.
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog) closeModal(dialog);
    });
    dialog.querySelectorAll("[data-modal-close]").forEach(function (button) {
      button.addEventListener("click", function () {
        closeModal(dialog);
      });
    });
  });
  document.addEventListener("click", function (event) {
    var trigger = event.target.closest("[data-modal-open]");
    if (!trigger) return;
    var dialog = document.getElementById(trigger.getAttribute("data-modal-open"));
    if (openModal(dialog, trigger)) {
      event.preventDefault();
      var first = dialog.querySelector("[data-modal-body] " + FOCUSABLE.split(",")[0]) || dialog.querySelector(FOCUSABLE);
      if (first) first.focus();
      P.announce("Opening " + (dialog.querySelector(".modal__title") || {}).textContent + " dialog");
    }
  });

  /* --- Login and registration in a modal -------------------------------------------- */
  /* a[data-auth-modal] links load the real page's form into the modal. Submitting posts it from
     the modal: the form again (with errors) or the next step (the emailed code) stays in the
     modal; a redirect anywhere else (a dashboard) becomes a full navigation. */
  var auth = document.querySelector('dialog[data-modal="auth"]');
  if (auth && window.fetch && window.DOMParser) {
    var authBody = auth.querySelector("[data-modal-body]");
    var authPaths = {};
    document.querySelectorAll("a[data-auth-modal]").forEach(function (link) {
      authPaths[new URL(link.href, window.location.href).pathname] = true;
    });
    var loadedScripts = {};
    document.querySelectorAll("script[src]").forEach(function (script) {
      loadedScripts[new URL(script.src, window.location.href).pathname] = Promise.resolve();
    });

    var loadScript = function (src, type) {
      var path = new URL(src, window.location.href).pathname;
      if (!loadedScripts[path]) {
        loadedScripts[path] = new Promise(function (resolve, reject) {
          var script = document.createElement("script");
          if (type === "module") script.type = "module";
          script.src = src;
          script.onload = resolve;
          script.onerror = reject;
          document.head.appendChild(script);
        });
      }
      return loadedScripts[path];
    };

    /* The auth pages' own stylesheet (css/auth.css), fetched once, the first time a form shows. */
    var loadStyle = function (href) {
      var path = new URL(href, window.location.href).pathname;
      if (!loadedScripts[path]) {
        if (document.querySelector('link[rel="stylesheet"][href="' + href + '"]')) return Promise.resolve();
        loadedScripts[path] = new Promise(function (resolve) {
          var link = document.createElement("link");
          link.rel = "stylesheet";
          link.href = href;
          link.onload = resolve;
          link.onerror = resolve;
          document.head.appendChild(link);
        });
      }
      return loadedScripts[path];
    };

    var skeleton = function () {
      authBody.textContent = "";
      var box = document.createElement("div");
      box.className = "skeleton skeleton--form";
      box.setAttribute("role", "status");
      var label = document.createElement("span");
      label.className = "visually-hidden";
      label.textContent = "Loading…";
      box.appendChild(label);
      ["title", "", "field", "field", "button"].forEach(function (kind) {
        var block = document.createElement("span");
        block.className = "skeleton__block" + (kind ? " skeleton__block--" + kind : "");
        block.setAttribute("aria-hidden", "true");
        box.appendChild(block);
      });
      authBody.appendChild(box);
      authBody.setAttribute("aria-busy", "true");
    };

    var failed = function (url) {
      authBody.removeAttribute("aria-busy");
      authBody.textContent = "";
      var box = document.createElement("div");
      box.className = "modal__error";
      box.setAttribute("role", "alert");
      box.appendChild(P.icon("exclamation-triangle", "icon--lg"));
      var p = document.createElement("p");
      p.textContent = "Couldn’t load this form. Check your connection and try again.";
      box.appendChild(p);
      var actions = document.createElement("div");
      actions.className = "form__actions";
      var retry = document.createElement("button");
      retry.type = "button";
      retry.className = "btn btn--primary";
      retry.textContent = "Retry?";
      retry.addEventListener("click", function () {
        load(url);
      });
      var page = document.createElement("a");
      page.className = "btn btn--secondary";
      page.href = url;
      page.textContent = "Open the full page";
      actions.appendChild(retry);
      actions.appendChild(page);
      box.appendChild(actions);
      authBody.appendChild(box);
      retry.focus();
    };

    var render = function (html, url) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      var card = doc.querySelector(".auth__card");
      if (!card) {
        window.location.assign(url);
        return null;
      }
      // The page's own stylesheet first (the skeleton stays up meanwhile), then its content.
      var styles = Array.prototype.map.call(doc.querySelectorAll('head link[rel="stylesheet"]'), function (link) {
        return loadStyle(link.getAttribute("href"));
      });
      return Promise.all(styles).then(function () {
        auth.classList.toggle("modal--wide", card.classList.contains("auth__card--wide"));
        auth.setAttribute("data-url", url);
        authBody.removeAttribute("aria-busy");
        authBody.textContent = "";
        while (card.firstChild) authBody.appendChild(document.adoptNode(card.firstChild));
        var heading = authBody.querySelector("h1");
        if (heading) {
          heading.id = "auth-modal-heading";
          auth.setAttribute("aria-labelledby", heading.id);
        }
        // Messages the page would have shown as toasts ("We sent a code to …").
        doc.querySelectorAll("[data-toasts] [data-toast]").forEach(function (toast) {
          var level = (toast.className.match(/toast--(\w+)/) || [])[1];
          P.toast((toast.querySelector(".toast__text") || toast).textContent.trim(), level);
        });
        var scripts = Array.prototype.map.call(doc.querySelectorAll("head script[src]"), function (script) {
          return loadScript(script.getAttribute("src"), script.getAttribute("type"));
        });
        return Promise.all(scripts)
          .catch(function () {
            /* Without signup.js the form is one long page, which still works. */
          })
          .then(function () {
            P.enhance(authBody);
            if (P.initSignup) P.initSignup(authBody);
            var target =
              authBody.querySelector("#form-errors") ||
              authBody.querySelector(".field--error input, .field--error textarea") ||
              focusables(authBody.querySelector("form") || authBody)[0];
            if (target) target.focus();
          });
      });
    };

    var load = function (url, options) {
      options = options || {};
      if (!options.body) skeleton();
      return window
        .fetch(url, {
          method: options.method || "GET",
          body: options.body,
          credentials: "same-origin",
          // Not X-Requested-With: allauth answers that with JSON instead of the page.
          headers: { Accept: "text/html" },
        })
        .then(function (response) {
          var landed = new URL(response.url, window.location.href);
          if (response.redirected && landed.pathname.indexOf("/accounts/") !== 0) {
            P.announce("Signed in. Opening your dashboard.");
            // Read the body first, so navigating away does not abort a half-read response.
            return response.text().then(function () {
              window.location.assign(response.url);
            });
          }
          return response.text().then(function (html) {
            render(html, response.url);
          });
        })
        .catch(function () {
          failed(url);
        });
    };

    document.addEventListener("click", function (event) {
      if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
      var link = event.target.closest("a[href]");
      if (!link) return;
      var inModal = auth.contains(link);
      var url = new URL(link.href, window.location.href);
      if (!link.hasAttribute("data-auth-modal") && !(inModal && authPaths[url.pathname])) return;
      if (url.origin !== window.location.origin || url.pathname === window.location.pathname) return;
      event.preventDefault();
      if (!inModal) {
        openModal(auth, link);
        P.announce(url.pathname.indexOf("signup") !== -1 ? "Opening registration modal" : "Opening login modal");
      }
      auth.querySelector("[data-modal-close]").focus();
      load(url.href);
    });

    authBody.addEventListener("submit", function (event) {
      if (event.defaultPrevented) return;
      var form = event.target;
      event.preventDefault();
      var data;
      try {
        data = new FormData(form, event.submitter);
      } catch (error) {
        data = new FormData(form);
      }
      var button = event.submitter || form.querySelector('[type="submit"]');
      if (button) {
        button.disabled = true;
        button.setAttribute("aria-busy", "true");
      }
      authBody.setAttribute("aria-busy", "true");
      var action = form.getAttribute("action") || auth.getAttribute("data-url");
      load(action, { method: (form.getAttribute("method") || "post").toUpperCase(), body: data });
    });
  }

  /* --- Tabs: arrow keys move between tabs (roving tabindex); without JS every panel shows -- */
  function wireTabs(root) {
    root.querySelectorAll("[data-tabs]:not([data-tabs-ready])").forEach(function (box) {
      box.setAttribute("data-tabs-ready", "");
      var tabs = Array.prototype.slice.call(box.querySelectorAll('[role="tab"]'));
      function select(tab, focus) {
        tabs.forEach(function (other) {
          var on = other === tab;
          other.setAttribute("aria-selected", on ? "true" : "false");
          other.tabIndex = on ? 0 : -1;
          var panel = document.getElementById(other.getAttribute("aria-controls"));
          if (panel) panel.hidden = !on;
        });
        if (focus) tab.focus();
      }
      tabs.forEach(function (tab, index) {
        tab.addEventListener("click", function () {
          select(tab, false);
        });
        tab.addEventListener("keydown", function (event) {
          var next = null;
          if (event.key === "ArrowRight") next = tabs[(index + 1) % tabs.length];
          else if (event.key === "ArrowLeft") next = tabs[(index - 1 + tabs.length) % tabs.length];
          else if (event.key === "Home") next = tabs[0];
          else if (event.key === "End") next = tabs[tabs.length - 1];
          if (next) {
            event.preventDefault();
            select(next, true);
          }
        });
      });
      var current = box.querySelector('[role="tab"][aria-selected="true"]') || tabs[0];
      if (current) select(current, false);
    });
  }

  /* Buttons that show a sample toast (the style guide). */
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-toast-demo]");
    if (button) P.toast(button.getAttribute("data-toast-demo"), button.getAttribute("data-toast-level") || "info");
  });

  var enhance = P.enhance;
  P.enhance = function (root) {
    enhance(root);
    wireTabs(root || document);
  };
  P.enhance(document);

  /* --- Move focus to a form's error summary, so screen readers hear it --------------- */
  var errors = document.getElementById("form-errors");
  if (errors && !document.querySelector("[data-signup]")) {
    errors.focus({ preventScroll: false });
  }
})();
