// node world_shapes.js NODE_MODULES OUTPUT
// Turns world-atlas's countries-110m TopoJSON (Natural Earth, public domain) into the compact list
// the console's WorldMap draws: [{"code": "FR", "name": "France", "rings": [[lon, lat, lon, lat, ...], ...]}].
// world-atlas names countries by ISO 3166 numeric id; i18n-iso-countries maps them to the alpha-2
// codes the engine reports. Antarctica is left out (no traffic, a fifth of the map).
"use strict";
const fs = require("fs");
const path = require("path");
const modules = path.resolve(process.argv[2]), output = process.argv[3];
const topojson = require(path.join(modules, "topojson-client"));
const topology = JSON.parse(fs.readFileSync(path.join(modules, "world-atlas/countries-110m.json"), "utf8"));
const codes = JSON.parse(fs.readFileSync(path.join(modules, "i18n-iso-countries/codes.json"), "utf8"));
const alpha2 = new Map(codes.map(([a2, , numeric]) => [numeric, a2]));
// Natural Earth gives Kosovo no ISO id; GeoIP databases (and so the engine) call it XK.
const byName = { Kosovo: "XK" };

const round = v => Math.round(v * 10) / 10;
// A ring crossing the antimeridian (Russia's Chukotka, Fiji) jumps from +180 to -180; drawn as is it
// would streak across the whole map. Make it continuous, and add a copy shifted by 360° so each
// side of the map shows its half (the map clips what falls outside).
function unwrapped(ring) {
  let shift = 0;
  const out = ring.map(([lon, lat], i) => {
    if (i > 0) {
      const step = lon + shift - (ring[i - 1][0] + shiftAt[i - 1]);
      if (step > 180) shift -= 360;
      else if (step < -180) shift += 360;
    }
    shiftAt[i] = shift;
    return [lon + shift, lat];
  });
  shiftAt.length = 0;
  const lons = out.map(([lon]) => lon);
  if (Math.max(...lons) > 180) return [out, out.map(([lon, lat]) => [lon - 360, lat])];
  if (Math.min(...lons) < -180) return [out, out.map(([lon, lat]) => [lon + 360, lat])];
  return [out];
}
const shiftAt = [];
const countries = [];
for (const feature of topojson.feature(topology, topology.objects.countries).features) {
  const code = alpha2.get(feature.id) || byName[feature.properties.name] || "";
  if (code === "AQ") continue;
  const polygons = feature.geometry.type === "Polygon" ? [feature.geometry.coordinates] : feature.geometry.coordinates;
  const rings = [];
  for (const polygon of polygons)
    for (const ring of polygon) rings.push(...unwrapped(ring).map(r => r.flatMap(([lon, lat]) => [round(lon), round(lat)])));
  countries.push({ code, name: feature.properties.name, rings });
}
if (countries.length < 150) throw new Error(`only ${countries.length} countries in ${modules}`);
fs.writeFileSync(output + ".tmp", JSON.stringify(countries));
fs.renameSync(output + ".tmp", output);
