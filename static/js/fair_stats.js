// The fair dashboard's charts (Apache ECharts, static/vendor/echarts.min.js): the hiring
// funnel, applications per day and the pinned jobs' funnel. The numbers come from the JSON the page renders beside its
// tables (#fair-chart-data); htmx swaps that part every few seconds and the charts follow.
(function () {
  "use strict";
  var charts = {};

  function data() {
    var node = document.getElementById("fair-chart-data");
    return node ? JSON.parse(node.textContent) : null;
  }

  function chart(id) {
    var node = document.getElementById(id);
    if (!node || !window.echarts) return null;
    if (!charts[id]) charts[id] = window.echarts.init(node, null, { renderer: "canvas" });
    return charts[id];
  }

  function draw() {
    var d = data();
    if (!d) return;
    var funnel = chart("fair-funnel-chart");
    if (funnel) {
      funnel.setOption({
        animation: false,
        grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", inverse: true, data: d.funnel.map(function (r) { return r[0]; }) },
        series: [{ type: "bar", data: d.funnel.map(function (r) { return r[1]; }), label: { show: true, position: "right" } }],
        color: ["#cf300c"],
      });
    }
    var pinned = chart("fair-pinned-chart");
    if (pinned && d.pinned) {
      pinned.setOption({
        animation: false,
        tooltip: { trigger: "item" },
        series: [{
          type: "funnel", sort: "none", left: 8, right: 8, top: 8, bottom: 8, minSize: "8%",
          min: 0, max: Math.max(1, Math.max.apply(null, d.pinned.map(function (r) { return r[1]; }))),
          label: { show: true, position: "inside", formatter: "{b} {c}" },
          data: d.pinned.map(function (r) { return { name: r[0], value: r[1] }; }),
        }],
        color: ["#e8380d", "#f06a3c", "#f59a6e", "#f9c3a3", "#fde3d4"],
      });
    }
    var days = chart("fair-days-chart");
    if (days) {
      days.setOption({
        animation: false,
        grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: d.days.map(function (r) { return r[0].slice(5); }) },
        yAxis: { type: "value", minInterval: 1 },
        series: [{ type: "line", data: d.days.map(function (r) { return r[1]; }), areaStyle: {} }],
        color: ["#cf300c"],
      });
    }
  }

  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:afterSettle", draw);
  window.addEventListener("resize", function () {
    Object.keys(charts).forEach(function (id) { charts[id].resize(); });
  });
})();
