/* The configurator's copy buttons (they stay hidden without JavaScript: the code can still be
 * selected by hand). */
(function () {
  "use strict";
  function status(text) {
    var el = document.querySelector(".copy-status");
    if (el) el.textContent = text;
  }
  function wire(root) {
    var buttons = root.querySelectorAll("button.copy");
    for (var i = 0; i < buttons.length; i++) buttons[i].hidden = false;
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.copy");
    if (!button) return;
    var code = document.getElementById(button.getAttribute("data-copy"));
    var done = button.getAttribute("data-done") || "OK";
    navigator.clipboard.writeText(code.textContent).then(
      function () { status(done); },
      function () {
        var range = document.createRange();
        range.selectNodeContents(code);
        var selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
      }
    );
  });
  document.addEventListener("DOMContentLoaded", function () { wire(document); });
  document.addEventListener("htmx:afterSettle", function () { wire(document); });
})();
