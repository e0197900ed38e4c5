// The lieu page's "Autres applications…" button: the phone's own share sheet (navigator.share,
// where the browser has one), with the message the SMS, WhatsApp and e-mail links carry. Hidden
// in the page and shown here, so that without it nothing is offered that cannot work. A file,
// not onclick="": the CSP runs no inline code. Nothing is sent anywhere before the tap.
document.querySelectorAll("[data-share]").forEach(function (element) {
  if (typeof navigator.share !== "function") return;
  var button = element.querySelector("button");
  element.hidden = false;
  button.addEventListener("click", function () {
    navigator
      .share({ title: button.dataset.title, text: button.dataset.text, url: button.dataset.url })
      .catch(function () {}); // the person closed the sheet: nothing to say
  });
});
