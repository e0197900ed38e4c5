// Subscribe box: a copy button, only where the clipboard API exists (the address stays visible).
document.querySelectorAll("#subscribe button.copy").forEach(function (button) {
  if (!navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    var address = document.getElementById(button.dataset.copy).textContent;
    navigator.clipboard.writeText(address).then(function () {
      button.parentNode.querySelector(".copied").textContent = button.dataset.done;
    });
  });
});
