/* 林客 Linke — the progress bar of a running lead import (admin), without inline script (CSP).
 *
 *   <div id="lead-import-progress" data-status-url="…/status/"> <progress> <p data-progress-text> </div>
 *
 * Polls the JSON status endpoint every second and updates the bar; when the import has finished (or
 * failed) it reloads the page, which then shows the result. Without JavaScript the page refreshes itself.
 */
(function () {
  "use strict";

  var box = document.getElementById("lead-import-progress");
  if (!box) {
    return;
  }
  var bar = box.querySelector("progress");
  var text = box.querySelector("[data-progress-text]");
  var url = box.getAttribute("data-status-url");

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (state) {
        if (state && state.status !== "running") {
          window.location.reload();
          return;
        }
        if (state && state.phase) {
          bar.value = state.percent;
          bar.textContent = state.percent + "%";
          text.textContent = state.phase_label + ": " + state.done + " / " + state.total + " (" + state.percent + "%)";
        }
        window.setTimeout(poll, 1000);
      })
      .catch(function () {
        window.setTimeout(poll, 3000);
      });
  }

  window.setTimeout(poll, 500);
})();
