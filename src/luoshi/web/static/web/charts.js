// 落实: charts drawn with ECharts (served by this site from the package, never a CDN).
// A chart is <div class="echart" data-echart="KIND" data-source="JSON-SCRIPT-ID"
// data-key="KEY" data-table="DETAILS-ID">: the page's script registers a builder for KIND
// (LuoshiCharts.register) that turns the JSON data into {height, option, urls, labels}.
// Items whose data carry a url (or whose index or axis label has one in urls) open that
// list when clicked; charts follow their container's size; the
// table beside a chart (open without JavaScript) folds away once the chart is drawn.
// data-rendered is set on the container when the drawing (and any animation) is done.
(function () {
  "use strict";
  var builders = {};
  var drawn = [];

  function theme() {
    var screen = document.body.classList.contains("screen");
    var style = window.getComputedStyle(document.body);
    return {
      screen: screen,
      phone: window.innerWidth <= 760,
      font: style.fontFamily,
      size: screen ? 16 : 12,
      text: screen ? "#c9d6ea" : "#5f6b7a",
      ink: screen ? "#e6edf7" : "#1d2530",
      line: screen ? "#1f3a68" : "#e3e7ec",
      track: screen ? "#132a52" : "#eef1f5",
      tooltip: screen ? "#0f2142" : "#ffffff"
    };
  }

  function dataOf(el) {
    var node = document.getElementById(el.getAttribute("data-source"));
    if (!node) return null;
    var data = JSON.parse(node.textContent);
    var key = el.getAttribute("data-key");
    return key ? data[key] : data;
  }

  function draw(el) {
    if (!window.echarts || el.getAttribute("data-drawn")) return;
    var build = builders[el.getAttribute("data-echart")];
    var data = dataOf(el);
    if (!build || !data) return;
    var t = theme();
    var spec = build(data, t, el);
    if (!spec) return;
    el.style.height = spec.height + "px";
    var chart = window.echarts.init(el, null, { renderer: "svg", locale: "ZH" });
    var option = spec.option;
    option.animation = !t.screen; // the wall screen reloads itself: no replayed animation
    option.textStyle = { fontFamily: t.font, fontSize: t.size, color: t.text };
    option.tooltip = Object.assign(
      { confine: true, backgroundColor: t.tooltip, borderColor: t.line, textStyle: { color: t.ink, fontSize: t.size } },
      option.tooltip || {}
    );
    if (!option.tooltip.formatter) option.tooltip.formatter = defaultTooltip(option.tooltip.valueFormatter);
    if (typeof option.tooltip.formatter === "function") option.tooltip.formatter = asElement(option.tooltip.formatter);
    chart.setOption(option);
    chart.on("click", function (params) {
      var url = params.data && params.data.url;
      var index = params.dataIndex;
      if (index === undefined && spec.labels) index = spec.labels.indexOf(params.value); // an axis label
      if (!url && spec.urls) url = spec.urls[index];
      if (url) window.location.href = url;
    });
    el.setAttribute("data-drawn", "1");
    chart.on("finished", function () { el.setAttribute("data-rendered", "1"); });
    drawn.push(chart);
    var table = el.getAttribute("data-table") && document.getElementById(el.getAttribute("data-table"));
    if (table) table.open = false;
    if (window.ResizeObserver) new window.ResizeObserver(function () { chart.resize(); }).observe(el);
  }

  function drawAll(root) {
    if (!root || !root.querySelectorAll) return;
    if (root.matches && root.matches("[data-echart]")) draw(root);
    Array.prototype.forEach.call(root.querySelectorAll("[data-echart]"), draw);
  }

  var pending;
  window.addEventListener("resize", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(function () {
      drawn = drawn.filter(function (chart) {
        if (chart.isDisposed() || !chart.getDom().isConnected) { if (!chart.isDisposed()) chart.dispose(); return false; }
        chart.resize();
        return true;
      });
    }, 100);
  });
  // panels loaded by htmx (the trend) are drawn as they arrive
  document.addEventListener("htmx:load", function (event) { drawAll(event.detail.elt); });
  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });

  // helpers the builders share
  function pct(value) { return value === null || value === undefined ? "—" : value + "%"; }
  // a coloured dot before a tooltip line: no style attribute (the Content-Security-Policy
  // blocks those); asElement colours it through the CSSOM
  function dot(colour) {
    return '<span class="chart-dot" data-colour="' + esc(colour) + '"></span>';
  }
  // ECharts writes a formatter's string into the page as HTML; an element it takes as it is.
  // The string is turned into an element here, and its dots coloured.
  function asElement(formatter) {
    return function () {
      var html = formatter.apply(this, arguments);
      if (typeof html !== "string") return html;
      var box = document.createElement("div");
      box.innerHTML = html;
      Array.prototype.forEach.call(box.querySelectorAll("[data-colour]"), function (el) {
        el.style.background = el.getAttribute("data-colour");
      });
      return box;
    };
  }
  // ECharts' own tooltip lines carry style attributes: this one, its look, has none
  function defaultTooltip(valueFormatter) {
    var format = valueFormatter || function (v) { return v; };
    return function (params) {
      var list = [].concat(params);
      var head = list[0] && (list[0].axisValueLabel || (list.length === 1 ? list[0].seriesName : ""));
      var lines = head ? ["<b>" + esc(head) + "</b>"] : [];
      list.forEach(function (p) {
        var name = list[0].axisValueLabel ? p.seriesName : p.name;
        lines.push(dot(p.color) + esc(name) + "：" + esc(format(p.value)));
      });
      return lines.join("<br>");
    };
  }
  function esc(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  // a category axis label width that leaves the bars room on a phone
  function labelWidth(el, t) {
    var width = el.clientWidth || 600;
    return Math.max(70, Math.min(t.screen ? 260 : 190, Math.round(width * 0.32)));
  }

  window.LuoshiCharts = {
    register: function (kind, builder) { builders[kind] = builder; },
    drawAll: drawAll,
    pct: pct,
    dot: dot,
    esc: esc,
    labelWidth: labelWidth
  };
})();
