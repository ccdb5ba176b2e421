/* 林客 Linke — a live countdown to a deadline, without inline script (CSP).
 *
 *   <span data-linke-countdown="1772417400" data-linke-expired-text="Expired">9:59</span>
 *
 * (the deadline in Unix seconds) shows m:ss until the deadline, then the expired text (and adds .text-danger).
 */
(function () {
  "use strict";

  function tick(el) {
    var left = parseInt(el.getAttribute("data-linke-countdown"), 10) - Math.floor(Date.now() / 1000);
    if (left <= 0) {
      el.textContent = el.getAttribute("data-linke-expired-text") || "0:00";
      el.classList.add("text-danger");
      return false;
    }
    var seconds = left % 60;
    el.textContent = Math.floor(left / 60) + ":" + (seconds < 10 ? "0" : "") + seconds;
    return true;
  }

  document.querySelectorAll("[data-linke-countdown]").forEach(function (el) {
    if (tick(el)) {
      var timer = window.setInterval(function () {
        if (!tick(el)) {
          window.clearInterval(timer);
        }
      }, 1000);
    }
  });
})();
