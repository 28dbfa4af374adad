// The published view's script (incidents/publish.py): draws the map, the timeline and the
// table from the page's JSON and opens an incident's details on a click. Record text reaches
// the page only as textContent (never as markup) and plotly only as hover text that
// incidents/safe_text.py escaped; links are made only from http(s) URLs.
(function () {
  "use strict";
  // MapLibre runs its worker as a module worker from a blob: URL that plotly makes of the
  // worker's code. In a file:// page (an opaque origin) Chromium refuses to load a module from
  // a blob: URL, so the map would never draw. The page remembers the code of each script blob
  // and, from file://, starts that worker from a data: URL of the same code instead (MapLibre
  // first wraps a blob it deems cross-origin in a blob of `import "<url>"`: that is followed).
  // tests/e2e/test_publish_browser.py opens the file from disk and checks the map draws.
  const NativeBlob = window.Blob;
  const blobSources = new WeakMap();
  const urlSources = new Map();
  window.Blob = class extends NativeBlob {
    constructor(parts, options) {
      super(parts, options);
      if (options && options.type === "text/javascript" && parts && parts.length === 1 && typeof parts[0] === "string") {
        blobSources.set(this, parts[0]);
      }
    }
  };
  const objectUrl = URL.createObjectURL.bind(URL);
  URL.createObjectURL = (object) => {
    const url = objectUrl(object);
    if (blobSources.has(object)) urlSources.set(url, blobSources.get(object));
    return url;
  };
  const NativeWorker = window.Worker;
  window.Worker = class extends NativeWorker {
    constructor(url, options) {
      let source = urlSources.get(String(url));
      const wrapped = source && /^import ("blob:[^"]+")$/.exec(source);
      if (wrapped) source = urlSources.get(JSON.parse(wrapped[1]));
      const local = location.protocol === "file:" && source !== undefined;
      super(local ? "data:text/javascript;charset=utf-8," + encodeURIComponent(source) : url, options);
    }
  };
  const data = JSON.parse(document.getElementById("atlas-data").textContent);
  const basemap = JSON.parse(document.getElementById("atlas-basemap").textContent);
  const rows = data.rows;
  const count = rows.id.length;
  const indexOf = new Map(rows.id.map((id, i) => [id, i]));
  const mapDiv = document.getElementById("map");
  const timelineDiv = document.getElementById("timeline");
  const config = { scrollZoom: true, displaylogo: false, responsive: true };
  let openTrace = -1;

  function element(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function isWebUrl(url) {
    return typeof url === "string" && /^https?:\/\//i.test(url);
  }

  // --- the map -------------------------------------------------------------------------------
  function fitted(bounds, width, height) {
    // Web-mercator centre and zoom that show the box at this size (MapLibre: 512 px at zoom 0).
    if (!bounds) return { center: { lat: 30, lon: 20 }, zoom: 0.8 };
    const [west, south, east, north] = bounds;
    const y = (lat) => Math.log(Math.tan(Math.PI / 4 + (Math.max(Math.min(lat, 85), -85) * Math.PI) / 360));
    const zoomX = Math.log2(((width - 32) / 512) * (360 / Math.max(east - west, 0.05)));
    const zoomY = Math.log2(((height - 32) / 512) * ((2 * Math.PI) / Math.max(y(north) - y(south), 0.001)));
    const centreY = (y(north) + y(south)) / 2;
    const lat = ((2 * Math.atan(Math.exp(centreY)) - Math.PI / 2) * 180) / Math.PI;
    return { center: { lat: lat, lon: (west + east) / 2 }, zoom: Math.max(0.3, Math.min(zoomX, zoomY, 9)) };
  }

  function pick(column, indices) {
    return indices.map((i) => column[i]);
  }

  const RING_LIMIT = 3000;

  function mapTraces() {
    const all = [...Array(count).keys()];
    // A white ring under every marker keeps it visible on the mid-blue water (as on the
    // dashboard). Past RING_LIMIT markers they overlap anyway, and the rings would double the
    // circles MapLibre draws (10,000 incidents opened 1.43x slower than a bare plotly map).
    const traces = count > RING_LIMIT ? [] : [{
      type: "scattermap", mode: "markers", lat: rows.lat, lon: rows.lon, hoverinfo: "skip", uid: "ring",
      marker: { size: 13, color: "#FFFFFF", opacity: 0.9 }, name: "ring", showlegend: false,
    }];
    data.categories.forEach((category, c) => {
      const members = all.filter((i) => rows.category[i] === c);
      if (!members.length) return;
      traces.push({
        type: "scattermap", mode: "markers", name: category.name, uid: "incidents-" + c,
        lat: pick(rows.lat, members), lon: pick(rows.lon, members), customdata: members,
        hovertext: pick(rows.hover, members), hoverinfo: "text",
        marker: { size: 10, color: category.colour, opacity: 0.85 },
      });
    });
    traces.push({
      type: "scattermap", mode: "markers", name: "Open incident", uid: "open", lat: [], lon: [], customdata: [],
      hoverinfo: "skip", marker: { size: 16, color: "#FFD400" }, showlegend: false,
    });
    return traces;
  }

  // Place names come once the incidents and the land are drawn: their glyphs and placement
  // took 0.6 s of a 2 s open (bench/results.md, "Published view"), and the incidents are what
  // a reader opens the page for. Without MapLibre's map object (plotly internals), the whole
  // style is set again instead.
  const isLabel = (layer) => layer.type === "symbol";

  function addLabels() {
    const subplot = mapDiv._fullLayout && mapDiv._fullLayout.map && mapDiv._fullLayout.map._subplot;
    const map = subplot && subplot.map;
    if (!map || typeof map.addLayer !== "function") {
      Plotly.relayout(mapDiv, { "map.style": basemap });
      return;
    }
    const add = () => {
      const first = map.getStyle().layers.find((layer) => layer.id.startsWith("plotly-"));
      basemap.layers.filter(isLabel).forEach((layer) => {
        if (!map.getLayer(layer.id)) map.addLayer(layer, first && first.id);  // under the incidents
      });
    };
    if (map.loaded()) add(); else map.once("idle", add);
  }

  function drawMap() {
    const traces = mapTraces();
    openTrace = traces.length - 1;
    const view = fitted(data.bounds, mapDiv.clientWidth || 800, mapDiv.clientHeight || 420);
    const unlabelled = Object.assign({}, basemap, { layers: basemap.layers.filter((layer) => !isLabel(layer)) });
    const layout = {
      map: { style: unlabelled, center: view.center, zoom: view.zoom },
      margin: { l: 0, r: 0, t: 0, b: 0 }, showlegend: false, height: mapDiv.clientHeight || 420,
    };
    return Plotly.newPlot(mapDiv, traces, layout, config).then(() => {
      mapDiv.on("plotly_click", (event) => clicked(event, true));
      addLabels();
    });
  }

  // --- the timeline --------------------------------------------------------------------------
  function drawTimeline() {
    const all = [...Array(count).keys()];
    const lanes = [];
    const traces = [];
    data.categories.forEach((category, c) => {
      const members = all.filter((i) => rows.category[i] === c);
      if (!members.length) return;
      lanes.push(category.name);
      traces.push({
        type: "scatter", mode: "markers", name: category.name, x: pick(rows.date, members),
        y: members.map(() => category.name), customdata: members, hovertext: pick(rows.hover, members),
        hoverinfo: "text", marker: { size: 9, color: category.colour, opacity: 0.85 },
      });
    });
    const layout = {
      height: 90 + 24 * lanes.length, margin: { l: 170, r: 10, t: 10, b: 40 }, showlegend: false,
      xaxis: { type: "date" }, yaxis: { fixedrange: true, automargin: true, categoryorder: "array", categoryarray: lanes.slice().reverse() },
      dragmode: "zoom",
    };
    return Plotly.newPlot(timelineDiv, traces, layout, { displaylogo: false, responsive: true }).then(() => {
      timelineDiv.on("plotly_click", (event) => clicked(event, false));
    });
  }

  function clicked(event, onMap) {
    const point = event && event.points && event.points[0];
    if (!point || typeof point.customdata !== "number") return;
    const i = point.customdata;
    if (onMap) {
      const here = samePlace(i);
      if (here.length > 1) { showList(here); return; }
    }
    openIncident(i);
  }

  function samePlace(i) {
    // Incidents at one published position (0.01°, as the dashboard groups them) share a marker.
    const key = (j) => rows.lat[j].toFixed(2) + "," + rows.lon[j].toFixed(2);
    const target = key(i);
    const found = [];
    for (let j = 0; j < count; j++) if (key(j) === target) found.push(j);
    return found;
  }

  // --- the table -----------------------------------------------------------------------------
  function drawTable() {
    // date and title come from the rows; a labelled column holds its labels once and an
    // index per row (incidents/publish.py, _table).
    const table = document.getElementById("table");
    const columns = [["date", (i) => rows.date[i]], ["title", (i) => rows.title[i]]];
    Object.entries(data.table).forEach(([name, column]) => {
      columns.push([name, Array.isArray(column) ? (i) => column[i] : (i) => column.labels[column.index[i]]]);
    });
    const head = element("tr");
    columns.forEach(([name]) => head.appendChild(element("th", name)));
    table.tHead.appendChild(head);
    const body = document.createDocumentFragment();
    for (let i = count - 1; i >= 0; i--) {  // newest first, as on the dashboard
      const row = element("tr");
      row.dataset.row = String(i);
      columns.forEach(([name, value]) => {
        const cell = element("td");
        if (name === "title") {
          const button = element("button", value(i), "link");
          button.type = "button";
          button.addEventListener("click", () => openIncident(i));
          cell.appendChild(button);
        } else {
          const shown = value(i);
          cell.textContent = shown === null || shown === undefined ? "" : String(shown);
        }
        row.appendChild(cell);
      });
      body.appendChild(row);
    }
    table.tBodies[0].appendChild(body);
  }

  // --- the details ---------------------------------------------------------------------------
  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function showList(members) {
    const pane = document.getElementById("details");
    clear(pane);
    pane.appendChild(element("h2", members.length + " incidents at this point"));
    pane.appendChild(element("p", "They share one published position.", "hint"));
    const list = element("ul");
    members.sort((a, b) => (rows.date[a] < rows.date[b] ? -1 : 1)).forEach((i) => {
      const item = element("li");
      const button = element("button", rows.date[i] + " · " + rows.title[i], "link");
      button.type = "button";
      button.addEventListener("click", () => openIncident(i));
      item.appendChild(button);
      list.appendChild(item);
    });
    pane.appendChild(list);
  }

  function openIncident(i) {
    const [facts, summary, claims, notes, sources, related] = data.details[i];
    const pane = document.getElementById("details");
    clear(pane);
    pane.dataset.incident = rows.id[i];
    pane.appendChild(element("h2", rows.title[i]));
    pane.appendChild(element("p", rows.id[i], "hint"));
    const list = element("dl");
    facts.forEach((value, f) => {
      if (!value) return;
      list.appendChild(element("dt", data.facts[f]));
      list.appendChild(element("dd", value));
    });
    pane.appendChild(list);
    pane.appendChild(element("h3", "Summary"));
    pane.appendChild(element("p", summary));
    if (claims.length) {
      pane.appendChild(element("h3", "Each side's account"));
      const accounts = element("ul");
      claims.forEach(([party, speaker, statement, source]) => {
        const who = speaker ? party + " (" + speaker + ")" : party;
        accounts.appendChild(element("li", who + ": " + statement + " [source " + source + "]"));
      });
      pane.appendChild(accounts);
    }
    if (notes) {
      pane.appendChild(element("h3", "Notes"));
      pane.appendChild(element("p", notes));
    }
    pane.appendChild(element("h3", "Sources"));
    const numbered = element("ol");
    sources.forEach(([publisher, title, url, published]) => {
      const item = element("li", publisher + ": ");
      if (isWebUrl(url)) {
        const link = element("a", title);
        link.href = url;
        link.rel = "noopener noreferrer";
        link.target = "_blank";
        item.appendChild(link);
        item.appendChild(document.createTextNode(published ? ", " + published : ""));
        item.appendChild(element("div", url, "hint"));
      } else {
        item.appendChild(document.createTextNode(title + (published ? ", " + published : "")));
      }
      numbered.appendChild(item);
    });
    pane.appendChild(numbered);
    if (related.length) {
      pane.appendChild(element("h3", "Related incidents"));
      const linked = element("ul");
      related.forEach((id) => {
        const item = element("li");
        if (indexOf.has(id)) {
          const button = element("button", rows.title[indexOf.get(id)], "link");
          button.type = "button";
          button.addEventListener("click", () => openIncident(indexOf.get(id)));
          item.appendChild(button);
        } else {
          item.textContent = id + " (not in this view)";
        }
        linked.appendChild(item);
      });
      pane.appendChild(linked);
    }
    document.querySelectorAll("#table tr.open").forEach((row) => row.classList.remove("open"));
    const row = document.querySelector('#table tr[data-row="' + i + '"]');
    if (row) row.classList.add("open");
    if (openTrace >= 0 && mapDiv.data) {
      Plotly.restyle(mapDiv, { lat: [[rows.lat[i]]], lon: [[rows.lon[i]]], customdata: [[i]] }, [openTrace]);
    }
  }

  // --- the page ------------------------------------------------------------------------------
  document.getElementById("summary").textContent =
    data.count.toLocaleString("en") + " incidents · " + data.description + " · coloured by " +
    data.colour_by.toLowerCase() + " · dataset version " + data.version;
  document.getElementById("citation").textContent = data.citation;
  document.getElementById("bibtex").textContent = data.bibtex;
  // The map first: the timeline (SVG, one element per incident) and the table would hold the
  // main thread while MapLibre draws, so they are drawn once the map has drawn its points.
  function afterMapDrawn(callback) {
    const layout = mapDiv._fullLayout;
    const map = layout && layout.map && layout.map._subplot && layout.map._subplot.map;
    if (map && !map.loaded()) map.once("idle", () => setTimeout(callback, 0));
    else setTimeout(callback, 0);
  }
  drawMap().then(() => new Promise((resolve) => afterMapDrawn(resolve))).then(() => {
    drawTable();
    return drawTimeline();
  }).then(() => {
    if (data.open && indexOf.has(data.open)) openIncident(indexOf.get(data.open));
    document.body.dataset.ready = "true";
  });
})();
