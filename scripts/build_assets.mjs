#!/usr/bin/env node
// Build the self-hosted front-end assets for the public map.
//
// Usage (Node >= 20, after `npm ci`):   npm ci && node scripts/build_assets.mjs
//
// Writes (all git-ignored, regenerated from the lock-pinned npm packages):
//   dashboards/static/dashboards/vendor/plotly-geo.min.js
//       plotly.js-geo-dist-min/plotly-geo.min.js, copied byte for byte
//       (geo-only bundle: scatter, scattergeo, choropleth).
//   dashboards/static/dashboards/vendor/plotly.css
//       plotly.js/dist/plotly.css, copied byte for byte: plotly.js's style rules as a
//       file, for pages whose CSP forbids inline styles.
//   dashboards/static/dashboards/vendor/topojson/world_110m.json
//   dashboards/static/dashboards/vendor/topojson/world_50m.json
//       The UN-boundary world topojson that plotly.js fetches at run time as
//       `<config.topojsonURL>world_<resolution>m.json`. The npm package
//       `plotly.js` ships it only inlined in dist/plotly-geo-assets.js, a UMD
//       file whose factory ends with `window.Plotly = Plotly` and returns
//       {topojson: {world_110m, world_50m, africa_110m, ...}, version}.
//       We evaluate it in a `vm` sandbox whose only globals are a fake
//       `window`/`self` (no `module`, `require`, `process`, fs or network),
//       then JSON-serialise just the two world topologies.
// And one committed file:
//   fixtures/topojson_ids.json
//       {"plotly_js": version, "110m": [...], "50m": [...]}: sorted, distinct
//       ids of the `countries` object at each resolution.
//
// How plotly.js matches locationmode "ISO-3" (src/lib/geo_location_utils.js
// and src/plots/geo/constants.js in plotly.js 4.1.1):
//   * locationmodeToLayer['ISO-3'] === 'countries', so features come from
//     topology.objects.countries, turned into GeoJSON by topojson-client's
//     feature(), which copies each geometry's top-level `id` to `feature.id`.
//   * locationmodeToIdFinder['ISO-3'] is the identity, and locationToFeature()
//     returns the first feature with `f.id === location` (strict, case-
//     sensitive). So a location matches iff it equals a geometry `id` in
//     objects.countries -- an upper-case ISO 3166-1 alpha-3 code. The
//     geometries' `properties` hold only `ct` (label centroid); there is no
//     name or ISO property.
//   * Some ids occur on several geometries in the upstream files (110m: PSE
//     = Gaza + West Bank, ESP + Canaries, PRT + Madeira, ECU + Galapagos;
//     50m also PRT + Azores, MUS + Chagos, BES x3). Since locationToFeature()
//     stops at the first match, plotly would colour only Gaza for "PSE"
//     (verified in a browser). mergeDuplicateIds() therefore folds each such
//     group into one MultiPolygon (same arcs, so the topology stays valid;
//     `properties` -- the label centroid `ct` -- of the first piece kept).
//   * "country names" mode maps the name to ISO3 and then matches the same id.
//
// Idempotent: an output is rewritten only when its bytes would change; the
// costly vm evaluation of the 5 MB assets file is skipped when all outputs
// are newer than the inputs (package-lock.json, the source files, this script).

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const NM = path.join(ROOT, 'node_modules');
const VENDOR = path.join(ROOT, 'dashboards', 'static', 'dashboards', 'vendor');
const TOPO_DIR = path.join(VENDOR, 'topojson');
const IDS_FIXTURE = path.join(ROOT, 'fixtures', 'topojson_ids.json');

const GEO_BUNDLE_SRC = path.join(NM, 'plotly.js-geo-dist-min', 'plotly-geo.min.js');
const GEO_ASSETS_SRC = path.join(NM, 'plotly.js', 'dist', 'plotly-geo-assets.js');
const PLOTLY_CSS_SRC = path.join(NM, 'plotly.js', 'dist', 'plotly.css');
const RESOLUTIONS = ['110m', '50m'];
const WORLD_OUT = Object.fromEntries(
  RESOLUTIONS.map((r) => [r, path.join(TOPO_DIR, `world_${r}.json`)]),
);

const rel = (p) => path.relative(ROOT, p);
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;

function die(msg) {
  console.error(`build_assets: ${msg}`);
  process.exit(1);
}

function readJSON(p) {
  return JSON.parse(fs.readFileSync(p, 'utf8'));
}

function pkgVersion(name) {
  const p = path.join(NM, name, 'package.json');
  if (!fs.existsSync(p)) die(`${rel(p)} missing: run \`npm ci\` first`);
  return readJSON(p).version;
}

function sha256(buf) {
  return createHash('sha256').update(buf).digest('hex');
}

/** Write `data` to `dest` only if it differs; report either way. */
function writeIfChanged(dest, data) {
  const buf = Buffer.isBuffer(data) ? data : Buffer.from(data);
  let same = false;
  try {
    const st = fs.statSync(dest);
    same = st.size === buf.length && sha256(fs.readFileSync(dest)) === sha256(buf);
  } catch {
    /* missing */
  }
  if (same) {
    console.log(`  up to date  ${rel(dest)}  (${kb(buf.length)})`);
    return false;
  }
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  const tmp = `${dest}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, buf);
  fs.renameSync(tmp, dest); // atomic: a served file is never half-written
  console.log(`  wrote       ${rel(dest)}  (${kb(buf.length)})`);
  return true;
}

function mtime(p) {
  try {
    return fs.statSync(p).mtimeMs;
  } catch {
    return -Infinity;
  }
}

/** Evaluate plotly-geo-assets.js in an isolated context; return {topojson, version}. */
function loadGeoAssets() {
  const code = fs.readFileSync(GEO_ASSETS_SRC, 'utf8');
  const fakeWindow = {};
  // Only `window` and `self` exist in the sandbox: the UMD wrapper then takes
  // its browser branch (`typeof module` is "undefined") and the factory sets
  // window.Plotly. Nothing from this realm (require, process, ...) leaks in.
  const sandbox = { window: fakeWindow, self: fakeWindow };
  vm.createContext(sandbox, { codeGeneration: { strings: false, wasm: false } });
  vm.runInContext(code, sandbox, { filename: 'plotly-geo-assets.js', timeout: 60_000 });
  const assets = fakeWindow.Plotly;
  if (!assets || typeof assets.topojson !== 'object') {
    die('plotly-geo-assets.js did not define window.Plotly.topojson');
  }
  // Round-trip through JSON inside the sandbox so only plain data crosses
  // back (no sandbox prototypes / getters).
  const out = {};
  for (const r of RESOLUTIONS) {
    const key = `world_${r}`; // the key plotly.js's getTopojsonName() builds
    const json = vm.runInContext(`JSON.stringify(window.Plotly.topojson[${JSON.stringify(key)}])`, sandbox);
    if (typeof json !== 'string') die(`plotly-geo-assets.js has no topojson "${key}"`);
    out[r] = JSON.parse(json);
  }
  return { topojson: out, version: String(assets.version) };
}

function validateTopology(name, topo) {
  if (topo?.type !== 'Topology') die(`${name}: not a Topology`);
  // Layers plotly.js draws for a world map (src/plots/geo/constants.js);
  // `countries` is what choropleth/scattergeo locations match against.
  for (const layer of ['countries', 'land', 'ocean', 'coastlines', 'lakes', 'rivers', 'subunits']) {
    if (topo.objects?.[layer]?.type !== 'GeometryCollection') {
      die(`${name}: objects.${layer} missing`);
    }
  }
  const bad = topo.objects.countries.geometries.filter((g) => !/^[A-Z]{3}$/.test(g.id ?? ''));
  if (bad.length) die(`${name}: countries with non-ISO3 id: ${bad.map((g) => g.id).join(', ')}`);
}

/** Fold geometries sharing an id into one MultiPolygon; return merged ids. */
function mergeDuplicateIds(topo) {
  const geoms = topo.objects.countries.geometries;
  const first = new Map();
  const out = [];
  const merged = new Set();
  const polys = (g) => (g.type === 'Polygon' ? [g.arcs] : g.type === 'MultiPolygon' ? g.arcs : die(`unexpected ${g.type} for ${g.id}`));
  for (const g of geoms) {
    const prev = first.get(g.id);
    if (!prev) {
      first.set(g.id, g);
      out.push(g);
      continue;
    }
    prev.arcs = [...polys(prev), ...polys(g)];
    prev.type = 'MultiPolygon';
    merged.add(g.id);
  }
  topo.objects.countries.geometries = out;
  return [...merged].sort();
}

function countryIds(topo) {
  return [...new Set(topo.objects.countries.geometries.map((g) => g.id))].sort();
}

function main() {
  const t0 = performance.now();
  const geoVersion = pkgVersion('plotly.js-geo-dist-min');
  const fullVersion = pkgVersion('plotly.js');
  if (geoVersion !== fullVersion) {
    die(`version mismatch: plotly.js-geo-dist-min ${geoVersion} vs plotly.js ${fullVersion}`);
  }
  if (!fs.existsSync(GEO_BUNDLE_SRC)) die(`${rel(GEO_BUNDLE_SRC)} missing`);
  if (!fs.existsSync(GEO_ASSETS_SRC)) die(`${rel(GEO_ASSETS_SRC)} missing`);
  console.log(`build_assets: plotly.js ${geoVersion}`);

  // 1. geo-only bundle, copied as is.
  writeIfChanged(path.join(VENDOR, 'plotly-geo.min.js'), fs.readFileSync(GEO_BUNDLE_SRC));
  // plotly.js's own CSS as a file: under our strict CSP (no inline styles) plotly.js cannot
  // inject its style rules, so the pages link this stylesheet instead.
  writeIfChanged(path.join(VENDOR, 'plotly.css'), fs.readFileSync(PLOTLY_CSS_SRC));

  // 2. topojson: skip the (≈1 s) evaluation when every output is newer than
  //    every input and the fixture records the same plotly.js version.
  const inputs = [GEO_ASSETS_SRC, path.join(ROOT, 'package-lock.json'), fileURLToPath(import.meta.url)];
  const outputs = [...Object.values(WORLD_OUT), IDS_FIXTURE];
  const newestIn = Math.max(...inputs.map(mtime));
  const oldestOut = Math.min(...outputs.map(mtime));
  let fixtureVersion = null;
  try {
    fixtureVersion = readJSON(IDS_FIXTURE).plotly_js;
  } catch {
    /* missing or invalid */
  }
  if (oldestOut >= newestIn && fixtureVersion === fullVersion) {
    for (const p of outputs) console.log(`  up to date  ${rel(p)}  (${kb(fs.statSync(p).size)})`);
  } else {
    const { topojson, version } = loadGeoAssets();
    if (version !== fullVersion) die(`geo assets report version ${version}, package says ${fullVersion}`);
    const fixture = { plotly_js: version };
    for (const r of RESOLUTIONS) {
      validateTopology(`world_${r}`, topojson[r]);
      const merged = mergeDuplicateIds(topojson[r]);
      if (merged.length) console.log(`  world_${r}: merged split countries ${merged.join(', ')}`);
      // Compact JSON, like the files plotly.js's CDN serves.
      writeIfChanged(WORLD_OUT[r], JSON.stringify(topojson[r]));
      fixture[r] = countryIds(topojson[r]);
    }
    const fixtureText =
      '{\n' +
      Object.entries(fixture)
        .map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`)
        .join(',\n') +
      '\n}\n';
    writeIfChanged(IDS_FIXTURE, fixtureText);
    // Touch unchanged outputs so the mtime shortcut holds next time.
    const now = new Date();
    for (const p of outputs) fs.utimesSync(p, now, now);
  }
  console.log(`build_assets: done in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
}

main();
