// The course numbers' chart (Apache ECharts, static/vendor/echarts.min.js): enrolments,
// completions and hires within 90 days per course, from the JSON beside the tables.
(function () {
  "use strict";
  var node = document.getElementById("course-chart-data");
  var el = document.getElementById("course-chart");
  if (!node || !el || !window.echarts) return;
  var d = JSON.parse(node.textContent);
  if (!d.labels.length) {
    el.classList.add("chart-empty");
    el.textContent = el.dataset.empty || "";
    return;
  }
  var chart = window.echarts.init(el, null, { renderer: "canvas" });
  chart.setOption({
    animation: false,
    legend: { top: 0 },
    grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", inverse: true, data: d.labels },
    series: [
      { name: d.names[0], type: "bar", data: d.enrolments, label: { show: true, position: "right" } },
      { name: d.names[1], type: "bar", data: d.completions, label: { show: true, position: "right" } },
      { name: d.names[2], type: "bar", data: d.hires, label: { show: true, position: "right" } },
    ],
    color: ["#cf300c", "#1e7b34", "#555555"],
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
