// Where the eyes (and the screen reader) should be after a form was sent, in the members' and
// admin areas. Without JavaScript the page already works: the redirect's #fragment scrolls to
// what changed, and the error banner links to the first field to fix. With it, the focus
// follows: to the element the notice is about (or the notice itself), or to the first field in
// error. Loaded once by templates/members/layout.html; no inline script anywhere (strict CSP).
(function () {
  "use strict";

  function focusOn(element) {
    if (!element) return false;
    if (!element.hasAttribute("tabindex") && !/^(A|BUTTON|INPUT|SELECT|TEXTAREA|SUMMARY)$/.test(element.tagName)) {
      element.setAttribute("tabindex", "-1");
    }
    element.focus();
    return document.activeElement === element;
  }

  // The field the error banner's link points at (the first one in error, in page order).
  function firstError(root) {
    var link = root.querySelector(".form-errors a[href^='#']");
    return link ? document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1))) : null;
  }

  // After a redirect: the element named by the #fragment, else the notice shown on top.
  function changed() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    return (id && document.getElementById(id)) || document.getElementById("notice");
  }

  function settle(root) {
    if (!focusOn(firstError(root)) && root === document) focusOn(changed());
  }

  // A banner's link moves the focus as well as the view (browsers only scroll to a field).
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".form-errors a[href^='#']");
    if (!link) return;
    var field = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (field) {
      event.preventDefault();
      focusOn(field);
    }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { settle(document); });
  } else {
    settle(document);
  }
  // A form sent through htmx (hx-boost) that comes back with errors is swapped in, not loaded;
  // htmx scrolls a boosted page to its top right after this event, hence the next turn.
  document.addEventListener("htmx:afterSettle", function (event) {
    var root = event.detail && event.detail.elt;
    if (root && root.querySelector) window.setTimeout(function () { settle(root); }, 0);
  });
})();
