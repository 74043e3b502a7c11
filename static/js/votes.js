// The vote page: keys 1–5 record the outcome of the amendment in focus (or the
// first one without a vote), U undoes the last vote. Plain buttons work without it.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.isContentEditable)) return;
    if (event.key === "u" || event.key === "U") {
      var undo = document.querySelector("[data-vote-undo]");
      if (undo) { event.preventDefault(); undo.click(); }
      return;
    }
    var form = (target && target.closest && target.closest("form[aria-label]")) ||
      document.querySelector("form[data-vote-current]");
    if (!form) return;
    var button = form.querySelector('button[data-key="' + event.key + '"]');
    if (button) { event.preventDefault(); button.click(); }
  });
})();
