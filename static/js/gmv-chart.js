/* 林客 Linke — the portal home's GMV line (ECharts, vendored), without inline script (CSP).
 *
 *   <div data-linke-gmv-chart="gmv-chart-data" data-series-name="GMV (CNY)" style="height: 260px"></div>
 *   <script id="gmv-chart-data" type="application/json">{"days": ["2025-11-02", …], "amounts": ["0.00", …]}</script>
 *
 * (json_script writes the figures; amounts are strings of CNY with two places, drawn as numbers.)
 */
(function () {
  "use strict";
  if (typeof echarts === "undefined") {
    return;
  }
  var chinese = (document.documentElement.lang || "").toLowerCase().indexOf("zh") === 0;

  function yuan(value) {
    return "¥" + Number(value).toLocaleString(chinese ? "zh-CN" : "en", {
      minimumFractionDigits: 2,
      maximumFractionDigits: 2
    });
  }

  document.querySelectorAll("[data-linke-gmv-chart]").forEach(function (el) {
    var source = document.getElementById(el.getAttribute("data-linke-gmv-chart"));
    if (!source) {
      return;
    }
    var data = JSON.parse(source.textContent);
    var chart = echarts.init(el, null, { locale: chinese ? "ZH" : "EN", renderer: "canvas" });
    chart.setOption({
      grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
      tooltip: {
        trigger: "axis",
        valueFormatter: function (value) { return yuan(value); }
      },
      xAxis: {
        type: "category",
        boundaryGap: false,
        data: data.days,
        axisLabel: { formatter: function (day) { return day.slice(5); } }
      },
      yAxis: { type: "value", axisLabel: { formatter: function (value) { return yuan(value).replace(/\.00$/, ""); } } },
      series: [{
        name: el.getAttribute("data-series-name") || "GMV",
        type: "line",
        smooth: true,
        showSymbol: false,
        areaStyle: { opacity: 0.15 },
        data: data.amounts.map(Number)
      }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
