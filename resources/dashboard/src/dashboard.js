// ProxFlow's live traffic page: reads Server-Sent Events from ./events (see
// engine/dashboard/dashboard_events.hpp) and draws rates, latency, connections and a world map.
(function () {
  "use strict";
  const HISTORY = 300; // seconds kept on the charts
  const points = new Map(); // unix second -> {requests, errors, p50_ms, p95_ms, p99_ms}
  const connections = []; // [unix second, active connections]
  let numericToAlpha2 = {};
  const byCode = new Map(); // alpha-2 -> SVG path

  const $ = (id) => document.getElementById(id);
  const fmt = (v, digits = 1) => (v === undefined || v === null ? "–" : Number(v).toFixed(digits));

  function chart(el, series, yLabel) {
    return new uPlot({
      width: el.clientWidth || 360, height: 180,
      scales: { x: { time: true } },
      axes: [{}, { label: yLabel, size: 50 }],
      series: [{}].concat(series),
      legend: { show: true },
    }, [[], ...series.map(() => [])], el);
  }
  const rateChart = chart($("rate-chart"), [
    { label: "requests/s", stroke: "#2563eb", width: 2 },
    { label: "errors/s", stroke: "#dc2626", width: 2 },
  ], "per second");
  const latencyChart = chart($("latency-chart"), [
    { label: "p50", stroke: "#059669", width: 2 },
    { label: "p95", stroke: "#d97706", width: 2 },
    { label: "p99", stroke: "#dc2626", width: 2 },
  ], "ms");
  const connChart = chart($("conn-chart"), [{ label: "connections", stroke: "#7c3aed", width: 2 }], "open");

  function redraw() {
    const seconds = [...points.keys()].sort((a, b) => a - b).slice(-HISTORY);
    const get = (k) => seconds.map((s) => points.get(s)[k]);
    rateChart.setData([seconds, get("requests"), get("errors")]);
    latencyChart.setData([seconds, get("p50_ms"), get("p95_ms"), get("p99_ms")]);
    const recent = connections.slice(-HISTORY);
    connChart.setData([recent.map((c) => c[0]), recent.map((c) => c[1])]);
  }

  function onPoint(p) {
    points.set(p.second, p);
    if (points.size > HISTORY) points.delete(Math.min(...points.keys()));
  }

  function countryName(code) {
    if (code === "local") return "Local network";
    if (code === "unknown") return "Unknown";
    try { return new Intl.DisplayNames(["en"], { type: "region" }).of(code); } catch (e) { return code; }
  }

  function onTick(t) {
    $("rps").textContent = fmt(t.rps, 0);
    $("eps").textContent = fmt(t.errors_per_second, 0);
    $("conns").textContent = t.active_connections;
    $("latency").textContent = `${fmt(t.p50_ms, 2)} / ${fmt(t.p95_ms, 2)} / ${fmt(t.p99_ms, 2)} ms`;
    $("total").textContent = t.requests;
    connections.push([Math.floor(t.t / 1000), t.active_connections]);
    if (connections.length > HISTORY) connections.shift();
    const body = $("countries").querySelector("tbody");
    body.innerHTML = "";
    const max = Math.max(1, ...t.countries.filter((c) => c.code.length === 2).map((c) => c.requests));
    for (const path of byCode.values()) path.style.fill = "#d7dde6";
    for (const c of t.countries) {
      const row = body.insertRow();
      row.dataset.code = c.code;
      row.insertCell().textContent = countryName(c.code);
      row.insertCell().textContent = c.requests;
      row.insertCell().textContent = `${fmt(c.mean_latency_ms, 2)} ms`;
      const path = byCode.get(c.code);
      if (path) path.style.fill = `rgba(37, 99, 235, ${0.25 + 0.75 * Math.sqrt(c.requests / max)})`;
    }
    redraw();
  }

  // Equirectangular projection: enough for a volume map, no projection library needed.
  function drawMap(world) {
    const svg = $("map");
    const features = topojson.feature(world, world.objects.countries).features;
    const project = ([lon, lat]) => [((lon + 180) / 360) * 960, ((90 - lat) / 180) * 480];
    const ring = (coords) => "M" + coords.map((c) => project(c).map((v) => v.toFixed(1)).join(",")).join("L") + "Z";
    for (const f of features) {
      const polygons = f.geometry.type === "Polygon" ? [f.geometry.coordinates] : f.geometry.coordinates;
      const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
      path.setAttribute("d", polygons.map((poly) => poly.map(ring).join("")).join(""));
      path.style.fill = "#d7dde6";
      const code = numericToAlpha2[String(f.id).padStart(3, "0")];
      const title = document.createElementNS("http://www.w3.org/2000/svg", "title");
      title.textContent = f.properties.name;
      path.appendChild(title);
      if (code) { path.dataset.code = code; byCode.set(code, path); }
      svg.appendChild(path);
    }
  }

  Promise.all([fetch("vendor/countries-110m.json").then((r) => r.json()),
               fetch("vendor/iso-codes.json").then((r) => r.json())])
    .then(([world, codes]) => {
      for (const [alpha2, , numeric] of codes) numericToAlpha2[numeric] = alpha2;
      drawMap(world);
    });

  const source = new EventSource("events");
  source.addEventListener("open", () => { $("connection").textContent = "live"; $("connection").className = "state live"; });
  source.addEventListener("error", () => { $("connection").textContent = "reconnecting…"; $("connection").className = "state"; });
  source.addEventListener("point", (e) => onPoint(JSON.parse(e.data)));
  source.addEventListener("tick", (e) => onTick(JSON.parse(e.data)));
  window.proxflowDashboard = { points, connections }; // for tests and the curious
})();
