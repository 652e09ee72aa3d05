// Charts of the dashboards, drawn with Chart.js (installed from npm, served from static/vendor).
// Each <canvas data-chart="…"> carries its data as JSON: {type, labels, series: [{label, data}],
// horizontal?, percent?}. The table beside each chart holds the same figures for readers
// without script.
(function () {
  var colours = ["#1f6feb", "#d1242f", "#1a7f37", "#9a6700", "#8250df"];
  Chart.defaults.font.family = "system-ui, 'WenQuanYi Micro Hei', 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif";
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var spec = JSON.parse(canvas.dataset.chart);
    var valueAxis = spec.horizontal ? "x" : "y";
    var scales = {};
    scales[valueAxis] = { beginAtZero: true, ticks: { precision: 0 } };
    if (spec.percent) { scales[valueAxis].max = 100; scales[valueAxis].ticks.callback = function (v) { return v + "%"; }; }
    new Chart(canvas, {
      type: spec.type || "bar",
      data: {
        labels: spec.labels,
        datasets: spec.series.map(function (s, i) {
          return { label: s.label, data: s.data, backgroundColor: colours[i % colours.length] };
        })
      },
      options: {
        indexAxis: spec.horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: spec.series.length > 1 } },
        scales: scales
      }
    });
  });
})();
