/* Home page: count down to each round's next opening or closing from the seconds the server
   sent (the browser clock only measures elapsed time), and reload when one is reached. */
(function () {
  "use strict";
  var nodes = document.querySelectorAll("[data-countdown-seconds]");
  if (!nodes.length) { return; }
  var texts = (document.getElementById("countdown-texts") || { dataset: {} }).dataset;
  var start = performance.now();
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function format(total) {
    var days = Math.floor(total / 86400);
    var rest = total % 86400;
    var clock = pad(Math.floor(rest / 3600)) + ":" + pad(Math.floor((rest % 3600) / 60)) + ":" + pad(rest % 60);
    return days ? days + " " + (texts.day || "d") + " " + clock : clock;
  }
  function tick() {
    var elapsed = Math.floor((performance.now() - start) / 1000);
    var reached = false;
    Array.prototype.forEach.call(nodes, function (node) {
      var left = Math.max(parseInt(node.dataset.countdownSeconds, 10) - elapsed, 0);
      if (left === 0) { reached = true; }
      node.querySelector(".countdown-value").textContent = format(left);
    });
    if (reached) { window.setTimeout(function () { window.location.reload(); }, 1500); return; }
    window.setTimeout(tick, 1000);
  }
  tick();
})();
