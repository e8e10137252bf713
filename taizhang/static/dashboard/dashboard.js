/* 驾驶舱: draws each chart from the same rows as the table under it (json_script "dashboard-data"), with the
   vendored ECharts. A click on a bar or a heat-map cell opens the ledger list of the problems behind it; "下载图片"
   saves the chart as PNG (ECharts' own getDataURL), without any request. */
(function () {
  "use strict";
  var PALETTE = ["#1f5fa8", "#b71c1c", "#2e7d32", "#f2a600", "#6a4c93", "#00838f", "#8d6e63", "#c2185b"];
  var LIGHTS = { 0: "#d93025", 1: "#f2b600", 2: "#1e8e3e", 3: "#9aa0a6" };
  var FONT = '"Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif';
  var charts = {};
  var NO_DATA = (document.getElementById("dashboard-i18n") || { dataset: {} }).dataset.noData || "暂无数据";

  function labelsOf(spec) {
    return spec.rows.map(function (r) { return r.label; });
  }

  function column(spec, i) {
    return spec.rows.map(function (r) { return r.values[i]; });
  }

  // Chinese labels have no spaces to break at: cut them into lines of `size` characters.
  function wrap(size) {
    return function (text) {
      var lines = [];
      for (var i = 0; i < text.length; i += size) lines.push(text.slice(i, i + size));
      if (lines.length > 1 && lines[lines.length - 1].length === 1) {
        var last = lines.pop();  // a lone closing bracket or character joins the line before it
        lines[lines.length - 1] += last;
      }
      return lines.join("\n");
    };
  }

  function narrow() {
    return window.innerWidth < 700;
  }

  function base() {
    return {
      color: PALETTE,
      textStyle: { fontFamily: FONT },
      animation: false,
      grid: { left: 8, right: 24, top: 28, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } }
    };
  }

  function bar(spec) {
    var option = base();
    var many = spec.rows.length > 4;
    option.xAxis = {
      type: "category",
      data: labelsOf(spec),
      axisLabel: { interval: 0, formatter: wrap(many || narrow() ? 4 : 7) }
    };
    option.yAxis = { type: "value", minInterval: 1 };
    var data = column(spec, 0);
    if (spec.key === "by_light") {
      data = data.map(function (v, i) { return { value: v, itemStyle: { color: LIGHTS[i] } }; });
    }
    option.series = [{ name: spec.series[0], type: "bar", data: data, barMaxWidth: 48, label: { show: true, position: "top" } }];
    return option;
  }

  function hbar(spec, percent) {
    var option = base();
    var rows = spec.rows.slice().reverse();
    option.grid.right = 48;
    option.yAxis = { type: "category", data: rows.map(function (r) { return r.label; }), axisLabel: { interval: 0 } };
    option.xAxis = percent ? { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } } : { type: "value", minInterval: 1 };
    option.series = [{
      name: spec.series[0],
      type: "bar",
      barMaxWidth: 22,
      data: rows.map(function (r) { return r.values[0]; }),
      label: {
        show: true,
        position: "right",
        formatter: function (p) { return p.value === null || p.value === undefined ? NO_DATA : p.value + (percent ? "%" : ""); }
      }
    }];
    return option;
  }

  function heatmap(spec) {
    var option = base();
    var rows = spec.rows.slice().reverse();
    var data = [];
    var max = 1;
    rows.forEach(function (r, y) {
      spec.series.forEach(function (_, x) {
        data.push([x, y, r.values[x]]);
        max = Math.max(max, r.values[x]);
      });
    });
    option.tooltip = { position: "top" };
    option.grid = { left: 8, right: 16, top: 8, bottom: 56, containLabel: true };
    option.xAxis = { type: "category", data: spec.series, splitArea: { show: true } };
    option.yAxis = { type: "category", data: rows.map(function (r) { return r.label; }), splitArea: { show: true } };
    option.visualMap = {
      min: 0, max: max, calculable: false, orient: "horizontal", left: "center", bottom: 0, itemHeight: 120,
      inRange: { color: ["#fff5f5", "#f4a3a3", "#b71c1c"] }
    };
    option.series = [{
      type: "heatmap",
      data: data,
      label: { show: true, formatter: function (p) { return p.value[2] ? String(p.value[2]) : ""; } },
      emphasis: { itemStyle: { borderColor: "#333", borderWidth: 1 } }
    }];
    return option;
  }

  function trend(spec) {
    var option = base();
    option.legend = { top: 0 };
    option.grid.top = 36;
    option.xAxis = { type: "category", data: labelsOf(spec) };
    option.yAxis = { type: "value", minInterval: 1 };
    option.series = [
      { name: spec.series[0], type: "bar", data: column(spec, 0), barMaxWidth: 28 },
      { name: spec.series[1], type: "line", data: column(spec, 1), symbolSize: 6, itemStyle: { color: "#b71c1c" } },
      { name: spec.series[2], type: "line", data: column(spec, 2), symbolSize: 6, itemStyle: { color: "#2e7d32" }, lineStyle: { type: "dashed" } }
    ];
    return option;
  }

  function optionFor(spec) {
    switch (spec.kind) {
      case "hbar": return hbar(spec, false);
      case "rates": return hbar(spec, true);
      case "heatmap": return heatmap(spec);
      case "trend": return trend(spec);
      default: return bar(spec);
    }
  }

  function heightFor(spec) {
    if (spec.kind === "heatmap") return Math.max(180, spec.rows.length * 30 + 90);
    if (spec.kind === "hbar" || spec.kind === "rates") return Math.max(200, spec.rows.length * 28 + 40);
    return 280;
  }

  function drillOf(spec, params) {
    if (spec.kind === "heatmap") {
      var row = spec.rows[spec.rows.length - 1 - params.value[1]];
      return row && row.cells[params.value[0]];
    }
    if (spec.kind === "trend" && params.seriesIndex !== 0) return null;
    var index = spec.kind === "hbar" || spec.kind === "rates" ? spec.rows.length - 1 - params.dataIndex : params.dataIndex;
    return spec.rows[index] && spec.rows[index].drill;
  }

  function draw(spec) {
    var el = document.querySelector('.dash-chart[data-chart="' + spec.key + '"]');
    if (!el || spec.empty) return;
    el.style.height = heightFor(spec) + "px";
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(optionFor(spec));
    chart.on("click", function (params) {
      var url = drillOf(spec, params);
      if (url) window.location.href = url;
    });
    chart.getZr().on("mousemove", function (e) {
      el.style.cursor = e.target ? "pointer" : "default";
    });
    charts[spec.key] = chart;
  }

  function savePng(key, title) {
    var chart = charts[key];
    if (!chart) return;
    var link = document.createElement("a");
    link.href = chart.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: "#fff" });
    link.download = title + ".png";
    document.body.appendChild(link);
    link.click();
    link.remove();
  }

  function start() {
    var specs = JSON.parse(document.getElementById("dashboard-data").textContent);
    specs.forEach(draw);
    document.querySelectorAll(".dash-png").forEach(function (button) {
      var spec = specs.filter(function (s) { return s.key === button.dataset.chart; })[0];
      button.addEventListener("click", function () { savePng(spec.key, spec.title); });
    });
    window.addEventListener("resize", function () {
      Object.keys(charts).forEach(function (k) { charts[k].resize(); });
    });
    document.body.dataset.chartsReady = Object.keys(charts).length;
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
