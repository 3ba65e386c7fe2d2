/* The ECharts charts of the hospital overview (org/hospital.html) and the city's hospital
   list (org/hospitals.html). The page puts its figures in <script id="chart-data"
   type="application/json"> (json_script) and the chart boxes by id; this file draws every
   box that is on the page. Tooltips use ECharts' rich-text mode, drawn on the canvas: its
   HTML tooltips carry style attributes, which the Content-Security-Policy blocks. */
(function () {
  "use strict";

  var source = document.getElementById("chart-data");
  if (!source || typeof echarts === "undefined") return;
  var d = JSON.parse(source.textContent);
  var red = ["#b71c1c", "#d84343", "#f6a623", "#ffd166", "#8e1212", "#e57373"];
  var charts = [];

  // Category labels that fit their box: every label shown, turned and cut short as the
  // box narrows (a phone has ~16px per branch), never drawn over each other.
  function categoryLabels(box, count, longest) {
    var slot = box.clientWidth / Math.max(count, 1);
    var narrow = box.clientWidth < 576;
    var keep = slot < 24 ? 4 : narrow ? 5 : longest;
    return {
      interval: slot < 12 ? "auto" : 0,
      rotate: slot < 60 ? (narrow ? 60 : 45) : 0,
      fontSize: narrow ? 10 : 11,
      hideOverlap: true,
      formatter: function (v) { return v.length > keep ? v.slice(0, keep) + "…" : v; },
    };
  }

  function draw(id, option) {
    var box = document.getElementById(id);
    if (!box) return;
    if (typeof option === "function") option = option(box);
    var chart = echarts.init(box);
    option.tooltip = Object.assign({ renderMode: "richText" }, option.tooltip);
    chart.setOption(option);
    charts.push(chart);
  }

  // org/hospital.html: members per branch, age structure, recruitment pipeline.
  draw("chart-branches", function (box) {
    return {
      tooltip: { trigger: "axis" },
      grid: { left: 8, right: 8, top: 16, bottom: 8, containLabel: true },
      xAxis: {
        type: "category",
        data: d.branches,
        axisLabel: categoryLabels(box, (d.branches || []).length, 6),
      },
      yAxis: { type: "value" },
      series: [{ type: "bar", data: d.branch_members, itemStyle: { color: "#b71c1c" } }],
    };
  });
  draw("chart-age", {
    color: red,
    tooltip: { trigger: "item", formatter: "{b}：{c}人（{d}%）" },
    legend: { bottom: 0, itemWidth: 10, itemHeight: 10, textStyle: { fontSize: 11 } },
    series: [{
      type: "pie", radius: ["30%", "58%"], center: ["50%", "42%"],
      data: (d.age || []).filter(function (x) { return x.value > 0; }),
      label: { formatter: "{c}", fontSize: 11 },
    }],
  });
  draw("chart-pipeline", {
    color: red,
    tooltip: { trigger: "item" },
    series: [{
      type: "funnel", sort: "none", left: "8%", width: "84%", top: 10, bottom: 10,
      data: d.pipeline,
      label: { position: "inside", formatter: "{b} {c}", color: "#222", fontSize: 12 },
    }],
  });

  // org/hospitals.html: members and member share of every hospital.
  draw("chart-hosp", function (box) {
    return {
      tooltip: { trigger: "axis" },
      legend: { data: ["党员数", "党员占比%"] },
      grid: { left: 8, right: 8, top: 48, bottom: 8, containLabel: true },
      xAxis: {
        type: "category",
        data: d.names,
        axisLabel: categoryLabels(box, (d.names || []).length, 8),
      },
      yAxis: [{ type: "value", name: "人" }, { type: "value", name: "%" }],
      series: [
        { name: "党员数", type: "bar", data: d.members, itemStyle: { color: "#b71c1c" } },
        { name: "党员占比%", type: "line", yAxisIndex: 1, data: d.share, itemStyle: { color: "#f6a623" } },
      ],
    };
  });

  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.resize(); });
  });
})();
