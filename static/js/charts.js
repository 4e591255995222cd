/* Draws the participation charts from the JSON that the page embeds with json_script
   (no inline script: the page stays compatible with a strict Content-Security-Policy). */
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source || typeof window.Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var labels = data.labels || {};
  var blue = "#0b57a4", orange = "#e07b00", green = "#2e7d32", red = "#c62828";
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif';
  if (reduceMotion) { Chart.defaults.animation = false; }
  var drawn = [];

  function pluck(items, key) { return items.map(function (item) { return item[key]; }); }

  function activityChart(canvas, items) {
    return new Chart(canvas, {
      type: "bar",
      data: {
        labels: pluck(items, "label"),
        datasets: [
          { type: "bar", label: labels.participants, data: pluck(items, "participants"), backgroundColor: blue },
          { type: "line", label: labels.attempts, data: pluck(items, "attempts"), borderColor: orange, backgroundColor: orange }
        ]
      },
      options: { maintainAspectRatio: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
    });
  }

  function unitRatesChart(canvas, units) {
    var names = pluck(units, "name");
    return new Chart(canvas, {
      type: "bar",
      data: {
        labels: names,
        datasets: [
          {
            type: "bar", label: labels.rate, data: pluck(units, "rate"),
            backgroundColor: units.map(function (unit) { return unit.rate >= data.target ? green : blue; })
          },
          {
            type: "line", label: labels.target, data: names.map(function () { return data.target; }),
            borderColor: red, borderDash: [6, 4], pointRadius: 0, fill: false
          }
        ]
      },
      options: {
        indexAxis: "y", maintainAspectRatio: false,
        scales: { x: { beginAtZero: true, suggestedMax: 100, ticks: { callback: function (v) { return v + " %"; } } } }
      }
    });
  }

  function scoresChart(canvas, rounds) {
    var longest = rounds.reduce(function (n, round) { return Math.max(n, round.counts.length); }, 0);
    var palette = [blue, orange, green, red, "#6a1b9a", "#00838f"];
    return new Chart(canvas, {
      type: "bar",
      data: {
        labels: Array.from({ length: longest }, function (_, i) { return String(i); }),
        datasets: rounds.map(function (round, i) {
          return { label: round.name, data: round.counts, backgroundColor: palette[i % palette.length] };
        })
      },
      options: {
        maintainAspectRatio: false,
        scales: { x: { title: { display: true, text: labels.score } }, y: { beginAtZero: true, ticks: { precision: 0 } } }
      }
    });
  }

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var kind = canvas.getAttribute("data-chart");
    if (kind === "activity-day") { drawn.push(activityChart(canvas, data.activity.day)); }
    else if (kind === "activity-hour") { drawn.push(activityChart(canvas, data.activity.hour)); }
    else if (kind === "unit-rates") {
      canvas.parentNode.style.height = Math.max(240, data.units.length * 28 + 80) + "px";
      drawn.push(unitRatesChart(canvas, data.units));
    }
    else if (kind === "scores") { drawn.push(scoresChart(canvas, data.scores)); }
  });
  document.documentElement.setAttribute("data-charts-drawn", String(drawn.length));
})();
