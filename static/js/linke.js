/* 林客 Linke — the portal's small bit of JavaScript. Loaded on every page after Bootstrap and
 * htmx. The Content-Security-Policy allows no inline handlers: behaviour is wired here through
 * data-* attributes instead.
 *
 *   <meta name="csrf-token" content="…">   → sent as X-CSRFToken on every htmx request
 *   data-linke-autodismiss="6000"          → an .alert closes itself after that many ms
 *   .toast[data-linke-autoshow]            → a Bootstrap toast is shown when it appears
 *   data-linke-confirm="Sure?"             → on a <form> or a submit button: asks before submitting
 *   data-linke-autosubmit                  → on a <select>/<input>: submits its form on change
 */
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  // htmx: Django's CSRF protection expects the token in a header on unsafe methods.
  document.addEventListener("htmx:configRequest", function (event) {
    var token = csrfToken();
    if (token) {
      event.detail.headers["X-CSRFToken"] = token;
    }
  });

  function init(root) {
    root = root || document;
    if (!root.querySelectorAll) {
      return;
    }
    root.querySelectorAll("[data-linke-autodismiss]").forEach(function (el) {
      var delay = parseInt(el.getAttribute("data-linke-autodismiss"), 10) || 6000;
      el.removeAttribute("data-linke-autodismiss");
      window.setTimeout(function () {
        if (window.bootstrap && window.bootstrap.Alert) {
          window.bootstrap.Alert.getOrCreateInstance(el).close();
        } else {
          el.remove();
        }
      }, delay);
    });
    root.querySelectorAll(".toast[data-linke-autoshow]").forEach(function (el) {
      el.removeAttribute("data-linke-autoshow");
      if (window.bootstrap && window.bootstrap.Toast) {
        window.bootstrap.Toast.getOrCreateInstance(el).show();
      }
    });
  }

  // Ask before destructive submits (replaces onclick="return confirm(…)").
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    var message = (submitter && submitter.getAttribute("data-linke-confirm")) ||
      form.getAttribute("data-linke-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el && el.hasAttribute && el.hasAttribute("data-linke-autosubmit") && el.form) {
      if (el.form.requestSubmit) {
        el.form.requestSubmit();
      } else {
        el.form.submit();
      }
    }
  });

  if (window.htmx && window.htmx.onLoad) {
    // Runs for the initial page and for every piece of content htmx swaps in.
    window.htmx.onLoad(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
})();
