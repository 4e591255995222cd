/* The toolbar on every page: larger text and high contrast. Each choice is a class on <html>
   and a cookie, so the server renders the next page with it already applied (no flash, and
   nothing depends on this script having loaded). The buttons stay hidden without JavaScript. */
(function () {
  "use strict";
  var root = document.documentElement;
  var YEAR = 365 * 24 * 3600;

  function setup(buttonId, cookieName, value, className) {
    var button = document.getElementById(buttonId);
    if (!button) { return; }
    function show() { button.setAttribute("aria-pressed", root.classList.contains(className) ? "true" : "false"); }
    button.addEventListener("click", function () {
      var on = !root.classList.contains(className);
      root.classList.toggle(className, on);
      document.cookie = cookieName + "=" + (on ? value : "") + "; path=/; max-age=" + (on ? YEAR : 0) + "; SameSite=Lax";
      show();
    });
    show();
    button.hidden = false;
  }

  setup("tool-text-size", "a11y_text", "large", "text-large");
  setup("tool-contrast", "a11y_contrast", "high", "high-contrast");
})();
