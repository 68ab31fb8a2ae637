/* Forms of the public site and of the partner space, after a refused submit
 * (templates/includes/forms/error_summary.html, RGAA 11.10 and 11.11):
 * - the error summary takes the focus when the page loads, so a screen
 *   reader reads it and the keyboard starts from it;
 * - each of its links moves the focus to its field and scrolls so that the
 *   field's label (or legend) is in view, not only the input.
 * Without JavaScript the summary is still at the top of the form and its
 * links are plain anchors to the fields' ids.
 */
(function () {
  "use strict";

  var summary = document.querySelector("[data-error-summary]");
  if (!summary) {
    return;
  }

  summary.focus();

  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link || !summary.contains(link)) {
      return;
    }
    var target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!target) {
      return;
    }
    event.preventDefault();
    // The whole field (label, help, message and input), else the input.
    var field = target.closest(".field") || target;
    field.scrollIntoView({ block: "start" });
    target.focus({ preventScroll: true });
  });
})();
