/* The monthly "served within the promise" chart of service/nursing/promise.html: the page
   puts its figures in <script id="nursing-chart-data" type="application/json">. Tooltips
   in ECharts' rich-text mode (its HTML tooltips carry style attributes, which the
   Content-Security-Policy blocks). */
(function () {
  "use strict";
  var source = document.getElementById("nursing-chart-data");
  var box = document.getElementById("chart-nursing-promise");
  if (!source || !box || typeof echarts === "undefined") return;
  var d = JSON.parse(source.textContent);
  var chart = echarts.init(box);
  chart.setOption({
    tooltip: { trigger: "axis", renderMode: "richText" },
    legend: { data: ["预约数", "时限内上门率%"] },
    grid: { left: 8, right: 8, top: 40, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: d.months, axisLabel: { fontSize: 11 } },
    yAxis: [{ type: "value", name: "个" }, { type: "value", name: "%", min: 0, max: 100 }],
    series: [
      { name: "预约数", type: "bar", data: d.bookings, itemStyle: { color: "#f6a623" } },
      { name: "时限内上门率%", type: "line", yAxisIndex: 1, data: d.share, itemStyle: { color: "#b71c1c" } },
    ],
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
