// ProxFlow's live traffic page: reads Server-Sent Events from ./events (see
// engine/dashboard/dashboard_events.hpp) and draws rates, latency, connections and a world map.
// "point" events are whole seconds of history (the charts), "tick" events the live numbers.
(function () {
  "use strict";
  const HISTORY = 300; // seconds kept on the charts
  const EMPTY_FILL = "#dfe4ec";
  const points = new Map(); // unix second -> {second, requests, errors, p50_ms, p95_ms, p99_ms}
  const connections = new Map(); // unix second -> open connections at the last tick of that second
  const limited = []; // [tick ms, rate-limited total] over the last 10 s, for a rate like errors/s (10 s)
  const byCode = new Map(); // alpha-2 -> SVG path on the map
  const names = typeof Intl.DisplayNames === "function" ? new Intl.DisplayNames(["en"], { type: "region" }) : null;

  const $ = (id) => document.getElementById(id);
  const integer = (v) => Math.round(Number(v)).toLocaleString("en-US");
  const ms = (v) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
  const bytes = (v) => {
    const units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let i = 0;
    for (; v >= 1024 && i < units.length - 1; ++i) v /= 1024;
    return `${v.toFixed(i ? 1 : 0)} ${units[i]}`;
  };

  const clock = (second) => new Date(second * 1000).toLocaleTimeString("en-GB", { hour12: false });

  function chart(el, series, yLabel) {
    const plot = new uPlot({
      width: el.clientWidth || 360, height: 170,
      scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] } },
      axes: [{ stroke: "#6b7280", grid: { stroke: "#eef0f3" }, space: 70, values: (u, splits) => splits.map(clock) },
             { label: yLabel, size: 56, stroke: "#6b7280", grid: { stroke: "#eef0f3" } }],
      series: [{}].concat(series.map((s) => ({ width: 2, points: { show: false }, ...s }))),
      legend: { show: true, live: false },
      cursor: { drag: { x: false, y: false } },
    }, [[], ...series.map(() => [])], el);
    new ResizeObserver(() => plot.setSize({ width: el.clientWidth, height: 170 })).observe(el);
    return plot;
  }
  const charts = {
    rate: chart($("rate-chart"), [
      { label: "requests/s", stroke: "#2563eb", fill: "rgba(37, 99, 235, .08)" },
      { label: "errors/s", stroke: "#dc2626" },
    ], "per second"),
    latency: chart($("latency-chart"), [
      { label: "p50", stroke: "#059669" },
      { label: "p95", stroke: "#d97706" },
      { label: "p99", stroke: "#dc2626" },
    ], "ms"),
    connections: chart($("conn-chart"), [{ label: "open connections", stroke: "#7c3aed", fill: "rgba(124, 58, 237, .08)" }], "open"),
  };

  // The charts start shortly before the first second with traffic (and show at least a minute),
  // so a burst after a quiet start is not squeezed into the right edge of five empty minutes.
  const MIN_SPAN = 60;
  function redraw() {
    let seconds = [...points.keys()].sort((a, b) => a - b);
    const firstBusy = seconds.findIndex((s) => points.get(s).requests > 0);
    const last = seconds.length ? seconds[seconds.length - 1] : 0;
    const from = Math.min(firstBusy < 0 ? last : seconds[firstBusy] - 5, last - MIN_SPAN);
    seconds = seconds.filter((s) => s >= from);
    const get = (k) => seconds.map((s) => points.get(s)[k]);
    // A second without requests has no latency: a gap, not a zero.
    const latency = (k) => seconds.map((s) => (points.get(s).requests ? points.get(s)[k] : null));
    charts.rate.setData([seconds, get("requests"), get("errors")]);
    charts.latency.setData([seconds, latency("p50_ms"), latency("p95_ms"), latency("p99_ms")]);
    const open = [...connections.keys()].sort((a, b) => a - b).filter((s) => s >= from);
    charts.connections.setData([open, open.map((s) => connections.get(s))], false);
    charts.connections.setScale("x", { min: seconds[0], max: last }); // the same time span as the others
  }

  function keepLast(map) {
    while (map.size > HISTORY) map.delete(Math.min(...map.keys()));
  }

  function onPoint(p) {
    points.set(p.second, p);
    keepLast(points);
  }

  function countryName(code) {
    if (code === "local") return "Local network";
    if (code === "unknown") return "Unknown";
    try { return (names && names.of(code)) || code; } catch (e) { return code; }
  }

  function showCountries(countries, total) {
    const body = $("countries").querySelector("tbody");
    body.replaceChildren();
    const mapped = countries.filter((c) => byCode.has(c.code));
    const max = Math.max(1, ...mapped.map((c) => c.requests));
    for (const [code, path] of byCode) {
      path.style.fill = EMPTY_FILL;
      delete path.dataset.requests;
      path.querySelector("title").textContent = countryName(code);
    }
    for (const c of countries) {
      const row = body.insertRow();
      row.dataset.code = c.code;
      row.insertCell().textContent = countryName(c.code);
      row.insertCell().textContent = integer(c.requests);
      row.insertCell().textContent = total ? `${((100 * c.requests) / total).toFixed(1)} %` : "–";
      row.insertCell().textContent = `${ms(c.mean_latency_ms)} ms`;
      const path = byCode.get(c.code);
      if (!path) continue;
      // Square root so that one busy country does not leave every other one pale.
      path.style.fill = `rgba(37, 99, 235, ${(0.2 + 0.8 * Math.sqrt(c.requests / max)).toFixed(3)})`;
      path.dataset.requests = c.requests;
      path.querySelector("title").textContent = `${countryName(c.code)}: ${integer(c.requests)} requests`;
    }
    $("countries-empty").hidden = countries.length > 0;
  }

  function onTick(t) {
    $("rps").textContent = integer(t.rps);
    $("eps").textContent = integer(t.errors_per_second);
    $("eps").classList.toggle("bad", t.errors_per_second > 0);
    const errorShare = t.rps_10s > 0 ? (100 * t.errors_per_second_10s) / t.rps_10s : 0;
    $("eps-share").textContent = `${errorShare.toFixed(1)} % of requests (10 s)`;
    limited.push([t.t, t.rate_limited || 0]);
    while (limited.length > 2 && limited[1][0] <= t.t - 10000) limited.shift();
    const [since, before] = limited[0];
    const limitedRate = t.t > since ? (Math.max(0, (t.rate_limited || 0) - before) * 1000) / (t.t - since) : null;
    $("limited").textContent = limitedRate === null ? "–" : limitedRate.toFixed(1); // a rate needs two ticks
    $("limited").classList.toggle("bad", limitedRate > 0);
    $("conns").textContent = integer(t.active_connections);
    $("active-requests").textContent = `${integer(t.active_requests)} requests in flight`;
    $("latency").textContent = t.p99_ms > 0 ? `${ms(t.p50_ms)} / ${ms(t.p95_ms)} / ${ms(t.p99_ms)}` : "–";
    $("total").textContent = integer(t.requests);
    $("bytes").textContent = `${bytes(t.bytes_in)} in · ${bytes(t.bytes_out)} out`;
    $("updated").textContent = new Date(t.t).toLocaleTimeString();
    connections.set(Math.floor(t.t / 1000), t.active_connections);
    keepLast(connections);
    showCountries(t.countries, t.countries.reduce((n, c) => n + c.requests, 0));
    redraw();
  }

  // Equirectangular projection, Antarctica cropped: enough for a volume map, no projection library.
  const MAP_TOP = 84, MAP_BOTTOM = -58;
  function drawMap(world, codes) {
    const numericToAlpha2 = {};
    for (const [alpha2, , numeric] of codes) numericToAlpha2[numeric] = alpha2;
    const svg = $("map");
    const width = 960, height = ((MAP_TOP - MAP_BOTTOM) / 360) * width;
    svg.setAttribute("viewBox", `0 0 ${width} ${height.toFixed(0)}`);
    const project = ([lon, lat]) => [((lon + 180) / 360) * width, ((MAP_TOP - lat) / 360) * width];
    // A ring crossing the antimeridian (Russia, Fiji) is drawn east of it, the overhang clipped.
    const crosses = (coords) => coords.some((c, i) => i && Math.abs(c[0] - coords[i - 1][0]) > 180);
    const ring = (coords) => {
      const unwrapped = crosses(coords) ? coords.map(([lon, lat]) => [lon < 0 ? lon + 360 : lon, lat]) : coords;
      return "M" + unwrapped.map((c) => project(c).map((v) => v.toFixed(1)).join(",")).join("L") + "Z";
    };
    for (const f of topojson.feature(world, world.objects.countries).features) {
      if (!f.geometry || f.id === "010") continue; // Antarctica: no traffic, a third of the area
      const polygons = f.geometry.type === "Polygon" ? [f.geometry.coordinates] : f.geometry.coordinates;
      const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
      path.setAttribute("d", polygons.map((poly) => poly.map(ring).join("")).join(""));
      path.style.fill = EMPTY_FILL;
      const title = document.createElementNS("http://www.w3.org/2000/svg", "title");
      title.textContent = f.properties.name;
      path.appendChild(title);
      const code = numericToAlpha2[f.id];
      if (code) { path.dataset.code = code; byCode.set(code, path); }
      svg.appendChild(path);
    }
  }

  const mapReady = Promise.all([fetch("vendor/countries-110m.json").then((r) => r.json()),
                                fetch("vendor/iso-codes.json").then((r) => r.json())])
    .then(([world, codes]) => drawMap(world, codes))
    .catch((e) => { $("map-error").textContent = `map unavailable: ${e}`; });

  // Ticks wait for the map so the first one colours it; EventSource resumes by Last-Event-ID itself.
  mapReady.then(() => {
    const source = new EventSource("events");
    const state = (text, live) => { $("connection").textContent = text; $("connection").classList.toggle("live", live); };
    source.addEventListener("open", () => state("live", true));
    source.addEventListener("error", () => state("reconnecting…", false));
    source.addEventListener("point", (e) => onPoint(JSON.parse(e.data)));
    source.addEventListener("tick", (e) => onTick(JSON.parse(e.data)));
    window.proxflowDashboard.source = source;
  });
  window.proxflowDashboard = { points, connections, charts }; // for tests and the curious
})();
