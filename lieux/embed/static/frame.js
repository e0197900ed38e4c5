/* The iframe variant: tell the host page our height after each refresh, so that a page running
 * embed.js can size the frame to its content. Nothing else leaves the frame. */
(function () {
  "use strict";
  if (window.parent === window) return;
  var last = 0;
  function post() {
    // The content's own height (not the document's, which is never less than the frame's):
    // the frame can then shrink as well as grow.
    var height = Math.ceil(document.getElementById("ldl-frame").getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    window.parent.postMessage({ type: "lieux-widget:height", height: height }, "*");
  }
  document.addEventListener("htmx:afterSettle", post);
  window.addEventListener("resize", post);
  window.addEventListener("load", post);
  post();
})();
