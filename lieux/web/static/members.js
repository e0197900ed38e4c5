// The members' area, a little more helpful with JavaScript; everything works without it.
// Loaded once by templates/members/layout.html: pages swapped in by htmx (hx-boost) are
// handled by listening on the document and on htmx:load.
(function () {
  "use strict";

  // --- Links to hand over (invites, personal sign-in links): share or copy ----------------
  // The buttons are hidden in the page and shown only where they can work.
  function canCopy() {
    return !!(navigator.clipboard && navigator.clipboard.writeText) ||
      !!(document.queryCommandSupported && document.queryCommandSupported("copy"));
  }

  function canShare(url) {
    if (!navigator.share) return false;
    return !navigator.canShare || navigator.canShare({ url: url });
  }

  // The elements matching `selector` in `root`, `root` itself included.
  function within(root, selector) {
    var found = Array.prototype.slice.call(root.querySelectorAll(selector));
    if (root.matches && root.matches(selector)) found.unshift(root);
    return found;
  }

  function reveal(root) {
    within(root, "[data-share]").forEach(function (box) {
      var url = box.querySelector(".link").textContent.trim();
      var share = box.querySelector("[data-share-action=share]");
      var copy = box.querySelector("[data-share-action=copy]");
      if (share) share.hidden = !canShare(url);
      if (copy) copy.hidden = !canCopy();
    });
    within(root, "#activity-form[data-repeat-phrases]").forEach(repeatHints);
  }

  function say(box, text) {
    var status = box.querySelector("[role=status]");
    // Emptied first so that saying the same thing twice is announced twice.
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 50);
  }

  function selectLink(box) {
    var range = document.createRange();
    range.selectNodeContents(box.querySelector(".link"));
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function copyBySelection(box) {
    selectLink(box);
    try {
      return document.execCommand("copy");
    } catch (error) {
      return false;
    }
  }

  function copy(box) {
    var url = box.querySelector(".link").textContent.trim();
    var done = function () { say(box, box.dataset.copied); };
    var failed = function () { selectLink(box); say(box, box.dataset.failed); };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(url).then(done, function () {
        if (copyBySelection(box)) done(); else failed();
      });
    } else if (copyBySelection(box)) {
      done();
    } else {
      failed();
    }
  }

  function share(box) {
    var url = box.querySelector(".link").textContent.trim();
    navigator.share({ title: box.dataset.title, url: url }).then(
      function () { say(box, box.dataset.shared); },
      function (error) {
        // Closing the share sheet is a choice, not a failure: say nothing then.
        if (error && error.name !== "AbortError") copy(box);
      }
    );
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-share-action]");
    if (!button) return;
    var box = button.closest("[data-share]");
    if (button.dataset.shareAction === "share") share(box); else copy(box);
  });

  // --- The activity form: which weekday a repetition takes from the date ------------------
  function fill(pattern, values) {
    return pattern.replace(/%\((\w+)\)[sd]/g, function (all, name) { return values[name]; });
  }

  function setHint(element, prefix, text) {
    if (!element) return;
    element.textContent = "";
    if (!text) return;
    element.appendChild(document.createTextNode(prefix));
    var strong = document.createElement("strong");
    strong.textContent = text;
    element.appendChild(strong);
  }

  // Same rules as lieux/manage/repeat_hint.py (and forms.build_rrule: a 5th weekday is "the
  // last one").
  function repeatHints(form) {
    var words = JSON.parse(form.dataset.repeatPhrases);
    var day = form.querySelector("#day");
    var interval = form.querySelector("#interval");
    var match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day ? day.value : "");
    var hint = form.querySelector("#day-hint");
    if (!match) {
      if (hint) hint.textContent = "";
      setHint(form.querySelector("#repeat-weekly"), "", "");
      setHint(form.querySelector("#repeat-monthly"), "", "");
      return;
    }
    var date = new Date(Date.UTC(+match[1], +match[2] - 1, +match[3]));
    var name = words.weekdays[(date.getUTCDay() + 6) % 7];
    var nth = Math.floor((+match[3] - 1) / 7) + 1;
    var every = parseInt(interval ? interval.value : "1", 10);
    if (!(every >= 1 && every <= 12)) every = 1;
    var weekly = every === 1 ? fill(words.weekly, { days: name })
      : every === 2 ? fill(words.fortnightly, { days: name })
      : fill(words.every, { days: name, n: every });
    var monthly = fill(words.monthly, { nth: words.ordinals[nth === 5 ? "-1" : String(nth)], day: name });
    var sentence = fill(words.day, { day: name });
    if (hint && hint.textContent !== sentence) hint.textContent = sentence;
    setHint(form.querySelector("#repeat-weekly"), " — ", weekly);
    setHint(form.querySelector("#repeat-monthly"), " — ", monthly);
  }

  function onFormInput(event) {
    var form = event.target.closest("#activity-form[data-repeat-phrases]");
    if (form && (event.target.id === "day" || event.target.id === "interval")) repeatHints(form);
  }
  document.addEventListener("input", onFormInput);
  document.addEventListener("change", onFormInput);

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { reveal(document); });
  } else {
    reveal(document);
  }
  document.addEventListener("htmx:load", function (event) { reveal(event.target); });
})();
