/* Satisfaction results: draws the charts from the JSON the page carries (<script type="application/json">,
   as the content security policy forbids inline scripts). The tables next to the charts hold the same
   figures for screen readers and for browsers without JavaScript. */
(function () {
  "use strict";

  var BLUE = "#1d5fa8";
  var GREEN = "#2e7d32";
  var ORANGE = "#c75b12";
  var RED = "#b3261e";
  var GREY = "#6b7785";

  function data(canvas) {
    var holder = document.getElementById(canvas.getAttribute("data-fps-chart"));
    return holder ? JSON.parse(holder.textContent) : null;
  }

  function number(value, digits) {
    var lang = document.documentElement.lang === "en" ? "en-GB" : "vi-VN";
    return value === null || value === undefined
      ? "–"
      : Number(value).toLocaleString(lang, { minimumFractionDigits: digits, maximumFractionDigits: digits });
  }

  function base() {
    return { responsive: true, maintainAspectRatio: false, animation: false };
  }

  function ranking(spec) {
    var options = base();
    options.indexAxis = "y";
    options.scales = { x: { min: 0, max: 100, ticks: { callback: function (v) { return v + "%"; } } } };
    options.plugins = {
      legend: { display: false },
      tooltip: {
        callbacks: {
          label: function (item) {
            return number(item.raw, 1) + "% · " + number(spec.counts[item.dataIndex], 0) + " " + spec.count_label;
          }
        }
      }
    };
    return {
      type: "bar",
      data: { labels: spec.labels, datasets: [{ label: spec.series, data: spec.values, backgroundColor: BLUE,
        maxBarThickness: 28 }] },
      options: options,
      rows: spec.labels.length
    };
  }

  function trend(spec) {
    var options = base();
    options.spanGaps = true;
    options.scales = {
      rate: { type: "linear", position: "left", min: 0, max: 100, title: { display: true, text: spec.rate_label } },
      points: { type: "linear", position: "right", min: 0, max: 18, grid: { drawOnChartArea: false },
        title: { display: true, text: spec.average_label } }
    };
    return {
      type: "line",
      data: {
        labels: spec.labels,
        datasets: [
          { label: spec.rate_label, data: spec.rates, yAxisID: "rate", borderColor: BLUE, backgroundColor: BLUE },
          { label: spec.average_label, data: spec.averages, yAxisID: "points", borderColor: ORANGE,
            backgroundColor: ORANGE, borderDash: [6, 4] }
        ]
      },
      options: options
    };
  }

  function criteria(spec, canvas) {
    var options = base();
    options.indexAxis = "y";
    options.scales = { x: { min: 0, max: Math.max.apply(null, spec.maxima.concat([2])) } };
    options.plugins = {
      legend: { display: false },
      tooltip: { callbacks: { title: function (items) { return spec.full_labels[items[0].dataIndex]; } } }
    };
    // on a phone the wording does not fit beside the bars: number the criteria (the table has the words)
    var labels = canvas.parentNode.clientWidth < 560 ? spec.short_labels : spec.labels;
    return {
      type: "bar",
      data: { labels: labels, datasets: [{ label: spec.series, data: spec.values, backgroundColor: GREEN,
        maxBarThickness: 28 }] },
      options: options,
      rows: spec.labels.length
    };
  }

  function distribution(spec) {
    var options = base();
    options.plugins = { legend: { display: false } };
    options.scales = { y: { beginAtZero: true, ticks: { precision: 0 } } };  // counts of ratings: whole numbers
    var labels = spec.labels.concat(spec.band_labels);
    var values = spec.values.concat(spec.band_values);
    var colours = [GREEN, BLUE, RED].concat(spec.band_labels.map(function () { return GREY; }));
    return {
      type: "bar",
      data: { labels: labels, datasets: [{ label: spec.series, data: values, backgroundColor: colours }] },
      options: options
    };
  }

  var PALETTE = [BLUE, GREEN, ORANGE, RED, "#6a1b9a", "#00838f", "#8d6e63", "#ad1457", GREY, "#33691e"];

  function criteriaTrend(spec) {
    var options = base();
    options.spanGaps = true;
    options.scales = { y: { min: 0, max: spec.max } };
    options.plugins = {
      tooltip: { callbacks: { label: function (item) {
        return spec.full_labels[item.datasetIndex] + ": " + number(item.raw, 2);
      } } }
    };
    return {
      type: "line",
      data: {
        labels: spec.labels,
        datasets: spec.series.map(function (name, n) {
          var colour = PALETTE[n % PALETTE.length];
          return { label: name, data: spec.values[n], borderColor: colour, backgroundColor: colour,
            borderDash: n >= PALETTE.length ? [6, 4] : [] };
        })
      },
      options: options
    };
  }

  var BUILDERS = { ranking: ranking, trend: trend, criteria: criteria, criteria_trend: criteriaTrend,
    distribution: distribution };

  function draw(canvas) {
    var spec = data(canvas);
    var build = spec && BUILDERS[spec.kind];
    if (!build || typeof window.Chart === "undefined") {
      return;
    }
    var config = build(spec, canvas);
    if (config.rows) {
      // a horizontal bar chart needs room for every row (CSSOM, allowed by the content security policy)
      canvas.parentNode.style.height = Math.max(config.rows * 28 + 60, 160) + "px";
    }
    canvas.fpsChart = new window.Chart(canvas, { type: config.type, data: config.data, options: config.options });
  }

  document.querySelectorAll("canvas[data-fps-chart]").forEach(draw);
})();
