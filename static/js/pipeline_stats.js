// The pipeline numbers' charts (Apache ECharts, static/vendor/echarts.min.js): how many reached
// each stage, applications per job and the reasons people were turned down. The numbers come
// from the JSON the page renders beside its tables (#pipeline-chart-data).
(function () {
  "use strict";
  var node = document.getElementById("pipeline-chart-data");
  if (!node || !window.echarts) return;
  var d = JSON.parse(node.textContent);
  var charts = [];

  function bars(id, rows) {
    var el = document.getElementById(id);
    if (!el) return;
    if (!rows.length) {
      // Nothing to draw: say so, as the table below does, rather than an empty axis.
      el.classList.add("chart-empty");
      el.textContent = el.dataset.empty || "";
      return;
    }
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      grid: { left: 8, right: 32, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: rows.map(function (r) { return r[0]; }) },
      series: [{ type: "bar", data: rows.map(function (r) { return r[1]; }), label: { show: true, position: "right" } }],
      color: ["#cf300c"],
    });
    charts.push(chart);
  }

  bars("pipeline-conversion-chart", d.conversion);
  bars("pipeline-jobs-chart", d.jobs);
  bars("pipeline-reasons-chart", d.reasons);
  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
})();
