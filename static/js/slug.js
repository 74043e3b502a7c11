/* Suggest an address name from the name as it is typed, until the person edits it. */
(function () {
  "use strict";

  var LETTERS = { "æ": "ae", "ø": "o", "å": "a", "ä": "a", "ö": "o", "ü": "u", "é": "e", "ß": "ss" };

  function suggest(name) {
    return name
      .toLowerCase()
      .replace(/[æøåäöüéß]/g, function (letter) { return LETTERS[letter]; })
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/[^a-z0-9\s-]/g, "")
      .trim()
      .replace(/[\s-]+/g, "-")
      .slice(0, 100);
  }

  document.querySelectorAll("[data-slug-from]").forEach(function (slug) {
    var source = document.getElementById(slug.dataset.slugFrom);
    if (!source) return;
    var edited = slug.value !== "";
    slug.addEventListener("input", function () { edited = slug.value !== ""; });
    source.addEventListener("input", function () {
      if (!edited) slug.value = suggest(source.value);
    });
    // A name typed before this script ran (a slow page, a quick person) still counts.
    if (!edited && source.value) slug.value = suggest(source.value);
  });
})();
