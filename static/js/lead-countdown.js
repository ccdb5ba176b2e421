/* 林客 Linke — the time left of a lead's protection, updated every minute, without inline script (CSP).
 *
 *   <strong data-linke-lead-countdown="1772417400" data-format="{d} d {h} h {m} min left"
 *           data-expired-text="expired">12 d 3 h left</strong>
 *
 * (the end in Unix seconds; the server renders the first text, so the page reads right without JavaScript).
 */
(function () {
  "use strict";

  function tick(el) {
    var left = parseInt(el.getAttribute("data-linke-lead-countdown"), 10) - Math.floor(Date.now() / 1000);
    if (!(left > 0)) {
      el.textContent = el.getAttribute("data-expired-text") || "0";
      el.classList.add("text-danger");
      return false;
    }
    var days = Math.floor(left / 86400);
    var hours = Math.floor((left % 86400) / 3600);
    var minutes = Math.floor((left % 3600) / 60);
    el.textContent = (el.getAttribute("data-format") || "{d} d {h} h {m} min")
      .replace("{d}", days).replace("{h}", hours).replace("{m}", minutes);
    el.classList.toggle("text-danger", days < 3);
    return true;
  }

  document.querySelectorAll("[data-linke-lead-countdown]").forEach(function (el) {
    if (tick(el)) {
      var timer = window.setInterval(function () {
        if (!tick(el)) {
          window.clearInterval(timer);
        }
      }, 60000);
    }
  });
})();
