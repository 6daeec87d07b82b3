// 落实: the public page's charts: each published campaign's progress against the share of
// the year gone by, and its tasks' states. No links: the lists behind are not public.
(function () {
  "use strict";
  var C = window.LuoshiCharts;

  function rows(d, t) { return d.items.length * (t.phone ? 30 : 34) + 48; }

  function category(el, t, d) {
    return {
      type: "category", inverse: true, data: d.items.map(function (i) { return i.name; }),
      axisTick: { show: false }, axisLine: { lineStyle: { color: t.line } },
      axisLabel: { color: t.ink, width: C.labelWidth(el, t), overflow: "truncate" }
    };
  }

  C.register("public", function (d, t, el) {
    if (!d.items.length) return null;
    return {
      height: rows(d, t),
      option: {
        grid: { left: 8, right: 8, top: 28, bottom: 24, containLabel: true },
        tooltip: {
          trigger: "axis", axisPointer: { type: "shadow" },
          formatter: function (params) {
            var item = d.items[params[0].dataIndex];
            return "<b>" + C.esc(item.name) + "</b><br>" + C.dot(d.colour) + "完成进度：" + C.pct(item.progress) +
              "<br>" + C.dot(d.line.colour) + d.line.name + "：" + C.pct(d.line.value);
          }
        },
        xAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" }, splitLine: { lineStyle: { color: t.line } } },
        yAxis: [category(el, t, d), {
          type: "category", inverse: true, position: "right", axisTick: { show: false }, axisLine: { show: false },
          axisLabel: { color: t.ink, fontWeight: 600 }, data: d.items.map(function (i) { return C.pct(i.progress); })
        }],
        series: [{
          name: "完成进度", type: "bar", barMaxWidth: 16,
          showBackground: true, backgroundStyle: { color: t.track },
          itemStyle: { color: d.colour, borderRadius: [0, 3, 3, 0] },
          data: d.items.map(function (i) { return i.progress; }),
          markLine: {
            symbol: "none", silent: true,
            lineStyle: { color: d.line.colour, type: "solid", width: 2 },
            label: { formatter: d.line.name + " {c}%", position: "start", color: d.line.colour },
            data: [{ xAxis: d.line.value }]
          }
        }]
      }
    };
  });

  C.register("public-status", function (d, t, el) {
    if (!d.items.length) return null;
    var any = d.statuses.some(function (s) { return s.values.some(function (v) { return v > 0; }); });
    if (!any) {
      return {
        height: 80,
        option: { title: { text: "暂无已报送的任务", left: "center", top: "middle", textStyle: { fontSize: 13, fontWeight: 400, color: t.text } } }
      };
    }
    return {
      height: rows(d, t) + 24,
      option: {
        grid: { left: 8, right: 16, top: 32, bottom: 24, containLabel: true },
        legend: { top: 0, textStyle: { color: t.text } },
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: function (v) { return v + " 项"; } },
        xAxis: { type: "value", minInterval: 1, splitLine: { lineStyle: { color: t.line } } },
        yAxis: category(el, t, d),
        series: d.statuses.map(function (s) {
          return { name: s.name, type: "bar", stack: "states", barMaxWidth: 16, itemStyle: { color: s.colour }, data: s.values };
        })
      }
    };
  });
})();
