// The print button of the guide and of the poster. Printing needs JavaScript, so the button
// (or its paragraph, `[data-print]`) is hidden in the page and shown here; without JavaScript
// the browser's own Print menu does the same. A file, not onclick="": the CSP runs no inline code.
document.querySelectorAll("[data-print]").forEach(function (element) {
  var button = element.matches("button") ? element : element.querySelector("button");
  element.hidden = false;
  button.addEventListener("click", function () {
    window.print();
  });
});
