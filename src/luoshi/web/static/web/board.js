// 落实: the battle map's charts (挂图作战, its big screen and the trend panel).
// Data come from the page (json_script "board-charts" and "trend-chart"); see charts.js.
(function () {
  "use strict";
  var C = window.LuoshiCharts;

  function valueAxis(t, max) {
    return {
      type: "value", min: 0, max: max || 100,
      axisLabel: { formatter: "{value}%", color: t.text, fontSize: t.size },
      splitLine: { lineStyle: { color: t.line } }
    };
  }

  function categoryAxis(el, t, names) {
    return {
      type: "category", inverse: true, data: names,
      axisTick: { show: false }, axisLine: { lineStyle: { color: t.line } },
      axisLabel: { color: t.ink, fontSize: t.size, width: C.labelWidth(el, t), overflow: "truncate" },
      triggerEvent: true
    };
  }

  // the figure of each row, right of the chart (like the number column of a table)
  function figures(t, texts) {
    return {
      type: "category", inverse: true, position: "right", data: texts,
      axisTick: { show: false }, axisLine: { show: false },
      axisLabel: { color: t.ink, fontSize: t.size, fontWeight: 600 }
    };
  }

  // a thin red mark at 序时进度 on each bar
  function expectedMarks(name, colour, values, urls, t) {
    return {
      name: name, type: "scatter", symbol: "rect", symbolSize: [3, t.screen ? 26 : 20], z: 4,
      itemStyle: { color: colour },
      data: values.map(function (v, i) { return { value: [v, i], url: urls[i] }; })
    };
  }

  function rowHeight(t) { return t.screen ? 40 : 32; }

  // 红黄绿灯: the status mix as a donut, the total in the middle
  C.register("status", function (d, t) {
    var height = t.screen ? 240 : 180;
    return {
      height: height,
      option: {
        tooltip: { trigger: "item", formatter: function (p) { return C.dot(p.color) + C.esc(p.name) + "：" + p.value + " 项（" + p.percent + "%）<br>点击查看任务"; } },
        title: {
          text: String(d.total), subtext: "项任务", left: "center", top: height / 2 - (t.screen ? 28 : 22), itemGap: 2,
          textStyle: { fontSize: t.screen ? 30 : 22, fontWeight: 700, color: t.ink },
          subtextStyle: { fontSize: t.size, color: t.text }
        },
        series: [{
          type: "pie", radius: ["58%", "88%"], center: ["50%", "50%"], avoidLabelOverlap: true,
          label: { show: false }, labelLine: { show: false },
          emptyCircleStyle: { color: t.track },
          itemStyle: { borderColor: t.screen ? "#0f2142" : "#ffffff", borderWidth: 1 },
          data: d.items.filter(function (i) { return i.value > 0; }).map(function (i) {
            return { name: i.name, value: i.value, url: i.url, itemStyle: { color: i.colour } };
          })
        }]
      }
    };
  });

  // 各攻坚进展: mean progress per campaign against its 序时进度
  C.register("progress", function (d, t, el) {
    if (!d.items.length) return null;
    var urls = d.items.map(function (i) { return i.url; });
    return {
      height: d.items.length * rowHeight(t) + 40,
      urls: urls,
      labels: d.items.map(function (i) { return i.name; }),
      option: {
        grid: { left: 8, right: 8, top: 8, bottom: 24, containLabel: true },
        tooltip: {
          trigger: "axis", axisPointer: { type: "shadow" },
          formatter: function (params) {
            var item = d.items[params[0].dataIndex];
            var lines = [
              "<b>" + C.esc(item.name) + "</b>（" + item.tasks + " 项任务）",
              C.dot(d.series[0].colour) + d.series[0].name + "：" + C.pct(item.progress),
              C.dot(d.series[1].colour) + d.series[1].name + "：" + C.pct(item.expected)
            ];
            item.mix.forEach(function (m) { lines.push(C.dot(m.colour) + m.name + " " + m.value + " 项"); });
            return lines.join("<br>");
          }
        },
        xAxis: valueAxis(t),
        yAxis: [
          categoryAxis(el, t, d.items.map(function (i) { return i.name; })),
          figures(t, d.items.map(function (i) { return C.pct(i.progress); }))
        ],
        series: [
          {
            name: d.series[0].name, type: "bar", barMaxWidth: t.screen ? 22 : 16,
            showBackground: true, backgroundStyle: { color: t.track },
            itemStyle: { color: d.series[0].colour, borderRadius: [0, 3, 3, 0] },
            data: d.items.map(function (i) { return { value: i.progress, url: i.url }; })
          },
          expectedMarks(d.series[1].name, d.series[1].colour, d.items.map(function (i) { return i.expected; }), urls, t)
        ]
      }
    };
  });

  // 目标完成: each target's attainment (coloured by its light) against 序时进度
  C.register("targets", function (d, t, el) {
    if (!d.items.length) return null;
    var urls = d.items.map(function (i) { return i.url; });
    var top = d.items.reduce(function (m, i) { return Math.max(m, i.attainment || 0, i.expected || 0); }, 100);
    return {
      height: d.items.length * rowHeight(t) + 40,
      urls: urls,
      labels: d.items.map(function (i) { return i.name; }),
      option: {
        grid: { left: 8, right: 8, top: 8, bottom: 24, containLabel: true },
        tooltip: {
          trigger: "axis", axisPointer: { type: "shadow" },
          formatter: function (params) {
            var item = d.items[params[0].dataIndex];
            return "<b>" + C.esc(item.name) + "</b><br>" +
              C.dot(item.colour) + d.series[0].name + "：" + C.pct(item.attainment) + "（" + item.status + "）<br>" +
              C.dot(d.series[1].colour) + d.series[1].name + "：" + C.pct(item.expected);
          }
        },
        xAxis: valueAxis(t, Math.ceil(top / 20) * 20),
        yAxis: [
          categoryAxis(el, t, d.items.map(function (i) { return i.name; })),
          figures(t, d.items.map(function (i) { return C.pct(i.attainment); }))
        ],
        series: [
          {
            name: d.series[0].name, type: "bar", barMaxWidth: t.screen ? 22 : 16,
            showBackground: true, backgroundStyle: { color: t.track },
            data: d.items.map(function (i) {
              return { value: i.attainment === null ? 0 : i.attainment, url: i.url, itemStyle: { color: i.colour, borderRadius: [0, 3, 3, 0] } };
            })
          },
          expectedMarks(d.series[1].name, d.series[1].colour, d.items.map(function (i) { return i.expected; }), urls, t)
        ]
      }
    };
  });

  // 趋势: month-end mean progress against 序时进度; a month opens the list as of that day
  C.register("trend", function (d, t) {
    return {
      height: t.screen ? 300 : 240,
      urls: d.urls,
      option: {
        grid: { left: 8, right: 28, top: 32, bottom: 8, containLabel: true },
        legend: { top: 0, textStyle: { color: t.text, fontSize: t.size } },
        tooltip: { trigger: "axis", valueFormatter: C.pct },
        xAxis: { type: "category", data: d.labels, boundaryGap: false, axisLabel: { color: t.text, fontSize: t.size }, axisLine: { lineStyle: { color: t.line } } },
        yAxis: valueAxis(t),
        series: d.series.map(function (s) {
          return {
            name: s.name, type: "line", symbol: "circle", symbolSize: t.screen ? 10 : 8,
            lineStyle: { width: t.screen ? 3 : 2, color: s.colour }, itemStyle: { color: s.colour },
            data: s.values.map(function (v, i) { return { value: v, url: d.urls[i] }; })
          };
        })
      }
    };
  });

  // 大屏: the full-screen button
  var fullscreen = document.getElementById("fullscreen");
  if (fullscreen) {
    fullscreen.addEventListener("click", function () {
      if (document.fullscreenElement) document.exitFullscreen();
      else document.documentElement.requestFullscreen();
    });
  }
})();
