/* Calendar feeds: "Copy" buttons copy the field named by data-copy-target and say so
   in the element named by data-copy-status. Loaded as a file, so the CSP allows it. */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-target]");
    if (!button) return;
    var field = document.getElementById(button.dataset.copyTarget);
    var status = document.getElementById(button.dataset.copyStatus);
    if (!field) return;
    field.select();
    var copied = navigator.clipboard
      ? navigator.clipboard.writeText(field.value)
      : Promise.resolve(document.execCommand("copy"));
    copied.then(
      function () {
        if (status) status.textContent = button.dataset.copied;
      },
      function () {
        // No clipboard permission: the address stays selected for copying by hand.
        field.focus();
      }
    );
  });
})();
