// The admin's prepopulated slugs (Django's URLify) drop the Vietnamese letters it has no
// mapping for ("Đỗ" → "o", "Cuộc" → "cuc"). Fold them as core.text.slugify_vi does (accents
// removed, đ → d) before URLify builds the slug. Loaded after urlify.js, before any typing.
(function () {
  "use strict";
  function fold(text) {
    return text
      .replace(/đ/g, "d")
      .replace(/Đ/g, "D")
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "");
  }
  function wrap() {
    var original = window.URLify;
    if (!original || original.foldsVietnamese) {
      return;
    }
    var folding = function (text, numChars, allowUnicode) {
      return original(allowUnicode ? text : fold(text), numChars, allowUnicode);
    };
    folding.foldsVietnamese = true;
    window.URLify = folding;
  }
  wrap();
  document.addEventListener("DOMContentLoaded", wrap);
})();
