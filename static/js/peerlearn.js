/* PeerLearn: the small behaviours every page shares. No dependencies; loaded with defer.
   Mobile menu (open, close by X / Escape / swipe right), header shadow on scroll, orange ripple
   on click, toasts that dismiss themselves, and show/hide password buttons. */
(function () {
  "use strict";

  var reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  /* --- Mobile menu ------------------------------------------------------------------- */
  var menu = document.querySelector("[data-menu]");
  var opener = document.querySelector("[data-menu-open]");

  function focusables() {
    return Array.prototype.slice.call(menu.querySelectorAll("a[href], button:not([disabled]), input, select, textarea"));
  }

  function openMenu() {
    if (!menu) return;
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

  if (menu && opener) {
    opener.addEventListener("click", openMenu);
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
      if (event.key === "Escape") {
        closeMenu();
      } else if (event.key === "Tab") {
        // Keep keyboard focus inside the open menu.
        var items = focusables();
        if (!items.length) return;
        var first = items[0];
        var last = items[items.length - 1];
        if (event.shiftKey && document.activeElement === first) {
          event.preventDefault();
          last.focus();
        } else if (!event.shiftKey && document.activeElement === last) {
          event.preventDefault();
          first.focus();
        }
      }
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
    window.matchMedia("(min-width: 768px)").addEventListener("change", function (query) {
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
      var target = event.target.closest(".btn, .nav-link");
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

  /* --- Toasts ------------------------------------------------------------------------ */
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
  document.querySelectorAll("[data-toast]").forEach(function (toast) {
    var close = toast.querySelector("[data-toast-close]");
    if (close) {
      close.addEventListener("click", function () {
        dismiss(toast);
      });
    }
    // Errors stay until dismissed; everything else fades after a while.
    if (!toast.classList.contains("toast--error")) {
      var timer = window.setTimeout(function () {
        dismiss(toast);
      }, 7000);
      toast.addEventListener("mouseenter", function () {
        window.clearTimeout(timer);
      });
      toast.addEventListener("focusin", function () {
        window.clearTimeout(timer);
      });
    }
  });

  /* --- Show / hide password ---------------------------------------------------------- */
  document.querySelectorAll("[data-password-toggle]").forEach(function (button) {
    var input = document.getElementById(button.getAttribute("data-password-toggle"));
    if (!input) return;
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

  /* --- Move focus to a form's error summary, so screen readers hear it --------------- */
  var errors = document.getElementById("form-errors");
  if (errors && !document.querySelector("[data-signup]")) {
    errors.focus({ preventScroll: false });
  }
})();
