/* "Copy" buttons: copy the field named by data-copy, then say so in #copied. */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var field = document.getElementById(button.dataset.copy);
    field.select();
    var copied = navigator.clipboard
      ? navigator.clipboard.writeText(field.value)
      : Promise.resolve(document.execCommand("copy"));
    copied.then(function () {
      document.getElementById("copied").textContent = button.dataset.copied;
    });
  });
})();
