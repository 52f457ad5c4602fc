/* Dashboards: draws each chart from the JSON the page carries (<script type="application/json">, as the
   content security policy forbids inline scripts). The table under every chart holds the same figures,
   for screen readers, for printing and for browsers without JavaScript. */
(function () {
  "use strict";

  // distinguishable colours, and a dash pattern per line so lines differ without colour too
  var PALETTE = ["#1d5fa8", "#c75b12", "#2e7d32", "#8e24aa", "#b3261e", "#00838f", "#6d4c41", "#5c6bc0",
    "#9e9d24", "#d81b60"];
  var DASHES = [[], [6, 4], [2, 3], [10, 3, 2, 3], [], [6, 4], [2, 3], [10, 3, 2, 3], [], [6, 4]];

  function lang() {
    return document.documentElement.lang === "en" ? "en-GB" : "vi-VN";
  }

  function number(value, digits) {
    if (value === null || value === undefined) {
      return "–";
    }
    var options = digits === null || digits === undefined ? { maximumFractionDigits: 2 }
      : { minimumFractionDigits: digits, maximumFractionDigits: digits };
    return Number(value).toLocaleString(lang(), options);
  }

  function narrow(canvas) {
    return canvas.parentNode.clientWidth < 560;
  }

  function axis(spec, canvas) {
    var y = { beginAtZero: spec.y_min === 0 || spec.integer === true,
      title: { display: !narrow(canvas) && !!spec.y_title, text: spec.y_title },
      ticks: { callback: function (v) { return number(v, spec.integer ? 0 : null); } } };
    if (spec.y_min !== undefined) { y.min = spec.y_min; }
    if (spec.y_max !== undefined) { y.max = spec.y_max; }
    if (spec.integer) { y.ticks.precision = 0; }
    return y;
  }

  function config(spec, canvas) {
    var small = narrow(canvas);
    var stacked = spec.type === "stacked";
    var datasets = spec.datasets.map(function (set, index) {
      var colour = set.colour || PALETTE[index % PALETTE.length];
      var entry = { label: set.label, data: set.data, backgroundColor: colour, borderColor: colour };
      if (spec.type === "line") {
        entry.borderDash = DASHES[index % DASHES.length];
        entry.pointRadius = 3;
        entry.borderWidth = 2;
        entry.spanGaps = true;  // a missing period does not break the line; the table shows the gap
      } else {
        entry.maxBarThickness = 40;
      }
      return entry;
    });
    var y = axis(spec, canvas);
    var scales = { y: y, x: { ticks: { autoSkip: true, maxRotation: small ? 60 : 30 } } };
    if (stacked) {
      scales.x.stacked = true;
      scales.y.stacked = true;
    }
    return {
      type: spec.type === "line" ? "line" : "bar",
      data: { labels: spec.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        scales: scales,
        plugins: {
          legend: { position: "bottom", labels: { boxWidth: small ? 10 : 24, font: { size: small ? 11 : 12 } } },
          tooltip: {
            callbacks: {
              title: function (items) {
                var i = items[0].dataIndex;
                return spec.full_labels ? spec.full_labels[i] : spec.labels[i];
              },
              label: function (item) {
                return item.dataset.label + ": " + number(item.raw, spec.integer ? 0 : spec.decimals);
              }
            }
          }
        }
      }
    };
  }

  function draw(canvas) {
    var holder = document.getElementById(canvas.getAttribute("data-fpd-chart"));
    if (!holder || typeof window.Chart === "undefined") {
      return;
    }
    var spec = JSON.parse(holder.textContent);
    canvas.fpdChart = new window.Chart(canvas, config(spec, canvas));
  }

  document.querySelectorAll("canvas[data-fpd-chart]").forEach(draw);
})();
