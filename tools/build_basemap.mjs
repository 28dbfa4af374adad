// Builds the offline basemap layers from Natural Earth (via the world-atlas npm package):
// land polygons and country borders as RFC 7946 GeoJSON, served by Streamlit from static/.
// Run with `make basemap`; the outputs are committed so the dashboard needs no network.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { feature, mesh } = require("topojson-client");
const [atlasDir, outDir, scale] = process.argv.slice(2);

const round = (value) => (Array.isArray(value) ? value.map(round) : Math.round(value * 1000) / 1000);
const write = (name, geojson) => {
  const rounded = JSON.parse(JSON.stringify(geojson), (key, value) => (key === "coordinates" ? round(value) : value));
  writeFileSync(`${outDir}/${name}`, JSON.stringify(rounded));
};

const land = JSON.parse(readFileSync(`${atlasDir}/land-${scale}.json`, "utf8"));
write("land.geojson", feature(land, land.objects.land));

const countries = JSON.parse(readFileSync(`${atlasDir}/countries-${scale}.json`, "utf8"));
const borders = mesh(countries, countries.objects.countries, (a, b) => a !== b);
write("borders.geojson", { type: "FeatureCollection", features: [{ type: "Feature", properties: {}, geometry: borders }] });
// Country polygons with their names: tools/build_labels.py places each country's label in it.
write("countries.geojson", feature(countries, countries.objects.countries));
