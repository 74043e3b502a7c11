/* The plan editor: drag and drop (SortableJS), focus after moves, previews. */
(function () {
  "use strict";

  function initSortables(root) {
    root.querySelectorAll("[data-reorder-url]").forEach(function (list) {
      if (list.dataset.sortableReady) return;
      list.dataset.sortableReady = "1";
      Sortable.create(list, {
        handle: ".drag-handle",
        draggable: "[data-id]",
        animation: 150,
        onEnd: function () {
          var ids = Array.prototype.filter
            .call(list.children, function (el) { return el.dataset.id; })
            .map(function (el) { return el.dataset.id; });
          htmx.ajax("POST", list.dataset.reorderUrl, {
            target: "#" + list.dataset.reorderTarget,
            swap: "outerHTML",
            values: { ids: ids },
          });
        },
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { initSortables(document); });
  document.addEventListener("htmx:load", function (event) { initSortables(event.detail.elt); });

  // Keep keyboard focus on the button that moved an item.
  document.addEventListener("focusMoved", function (event) {
    var button = document.getElementById(event.detail.value);
    if (button) button.focus();
  });

  // Markdown preview next to long texts.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-preview-for]");
    if (!button) return;
    var field = document.getElementById(button.dataset.previewFor);
    htmx.ajax("POST", button.dataset.previewUrl, {
      target: "#" + button.dataset.previewFor + "-preview",
      swap: "innerHTML",
      values: { text: field.value },
    });
  });

  // Show how a due text was understood while it is typed.
  var timer;
  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.name || !/(^|-)due$/.test(input.name)) return;
    var form = input.closest("[data-due-preview-url]");
    if (!form) return;
    clearTimeout(timer);
    timer = setTimeout(function () {
      htmx.ajax("GET", form.dataset.duePreviewUrl + "?due=" + encodeURIComponent(input.value), {
        target: "#" + input.id + "-understood",
        swap: "innerHTML",
      });
    }, 350);
  });
})();
