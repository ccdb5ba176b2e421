/* A text filter for long multiple selects (e.g. 337 service cities), without a library.
 *
 *   <select multiple data-linke-filter data-linke-filter-placeholder="(translated hint)">
 *                                         → a search box is put above it; typing hides the options
 *                                           whose text and data-search (pinyin, initials) do not
 *                                           contain what was typed. Chosen options always stay visible.
 *   A line under the select lists the chosen options.
 */
(function () {
  "use strict";

  function setUp(select) {
    select.removeAttribute("data-linke-filter");
    var input = document.createElement("input");
    input.type = "search";
    input.className = "mb-2";
    input.autocomplete = "off";
    input.placeholder = select.getAttribute("data-linke-filter-placeholder") || "";
    input.setAttribute("aria-label", input.placeholder);
    input.setAttribute("aria-controls", select.id);
    select.parentNode.insertBefore(input, select);

    var count = document.createElement("div");
    count.className = "form-text";
    count.setAttribute("aria-live", "polite");
    select.parentNode.insertBefore(count, select.nextSibling);

    function haystack(option) {
      return (option.textContent + " " + (option.getAttribute("data-search") || "")).toLowerCase();
    }

    function filter() {
      var query = input.value.trim().toLowerCase();
      Array.prototype.forEach.call(select.options, function (option) {
        option.hidden = query !== "" && !option.selected && haystack(option).indexOf(query) === -1;
      });
    }

    function countChosen() {
      var chosen = Array.prototype.filter.call(select.options, function (option) { return option.selected; });
      var names = chosen.map(function (option) { return option.textContent; });
      count.textContent = chosen.length ? "✓ " + names.join("、") : "";
    }

    input.addEventListener("input", filter);
    // Enter in the filter box must not submit the whole form.
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
      }
    });
    select.addEventListener("change", countChosen);
    countChosen();
  }

  function init() {
    document.querySelectorAll("select[multiple][data-linke-filter]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
