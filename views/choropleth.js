// The Carte page's map: Leaflet drawn in the page (a Streamlit components-v2 element, no iframe).
//
// Streamlit calls the default export at mount and again at every rerun with new `data`, on the same
// element: the map is created once and then only updated. A level's geometry (quantised TopoJSON) is
// decoded once and kept in `GEOMETRIES` for the life of the page; the data of later reruns carries only
// colours, value labels, points and legend. Every text comes from data and is put in the page with
// textContent, never parsed as HTML.
//
// The root element tells tests and the benchmark what is drawn: data-level, data-shapes (polygons drawn),
// data-geometry-loads (geometries decoded), data-paint (recolours), data-measure (indicator painted).

const GEOMETRIES = new Map(); // geometry id -> {codes, names, rings}
const MAPS = new WeakMap(); // Streamlit's element -> the map drawn in it
const QUEUES = new WeakMap(); // Streamlit's element -> its pending update (updates run one after the other)
let leafletLoading = null;

function loadLeaflet(assetUrl) {
  if (window.L) return Promise.resolve(window.L);
  if (!leafletLoading) {
    leafletLoading = new Promise((resolve, reject) => {
      const css = document.createElement("link");
      css.rel = "stylesheet";
      css.href = `${assetUrl}/leaflet/leaflet.css`;
      document.head.appendChild(css);
      const script = document.createElement("script");
      script.src = `${assetUrl}/leaflet/leaflet.js`;
      script.onload = () => resolve(window.L);
      script.onerror = () => reject(new Error("Leaflet n'a pas pu être chargé."));
      document.head.appendChild(script);
    });
  }
  return leafletLoading;
}

// TopoJSON (delta-encoded, quantised arcs) to rings of [lat, lng] per geometry.
function decode(topology) {
  const [sx, sy] = topology.transform.scale;
  const [tx, ty] = topology.transform.translate;
  const arcs = topology.arcs.map((arc) => {
    let x = 0;
    let y = 0;
    return arc.map(([dx, dy]) => {
      x += dx;
      y += dy;
      return [y * sy + ty, x * sx + tx];
    });
  });
  const ring = (indexes) => {
    const points = [];
    for (const index of indexes) {
      const arc = index >= 0 ? arcs[index] : arcs[~index].slice().reverse();
      points.push(...(points.length ? arc.slice(1) : arc));
    }
    return points;
  };
  const geometries = topology.objects.data.geometries;
  return {
    codes: topology.codes,
    names: topology.names,
    rings: geometries.map((geometry) => {
      if (geometry.type === "Polygon") return [geometry.arcs.map(ring)];
      if (geometry.type === "MultiPolygon") return geometry.arcs.map((polygon) => polygon.map(ring));
      return [];
    }),
  };
}

function textBlock(lines) {
  const block = document.createElement("div");
  lines.forEach(([text, bold]) => {
    const line = document.createElement(bold ? "strong" : "div");
    line.textContent = text;
    block.appendChild(line);
    if (bold) block.appendChild(document.createElement("br"));
  });
  return block;
}

function create(L, parentElement, data, setTriggerValue) {
  const root = document.createElement("div");
  root.className = "maillage-map";
  root.setAttribute("data-testid", "maillage-map");
  root.setAttribute("data-geometry-loads", "0");
  root.setAttribute("data-paint", "0");
  root.style.height = `${data.height}px`;
  parentElement.appendChild(root);
  const map = L.map(root, {
    preferCanvas: true, zoomSnap: 0.25, minZoom: 5, maxZoom: 18, attributionControl: false,
  });
  L.control.scale({ imperial: false, position: "bottomleft" }).addTo(map);
  const state = {
    root, map, geometryId: null, viewKey: null, shapes: [], visible: [], values: null,
    renderer: L.canvas({ padding: 0.2 }),
    shapesLayer: L.layerGroup().addTo(map),
    overlayLayer: L.layerGroup().addTo(map),
    pointsLayer: L.layerGroup().addTo(map),
    placesLayer: L.layerGroup().addTo(map),
    setTriggerValue,
    sequence: 0,
  };
  state.legendBox = L.DomUtil.create("div", "maillage-legend");
  if (data.legend_below) {  // a small map: the legend under it, not over its territories
    state.legendBox.classList.add("maillage-legend-below");
    parentElement.appendChild(state.legendBox);
  } else {
    const legend = L.control({ position: "bottomright" });
    legend.onAdd = () => state.legendBox;
    legend.addTo(map);
  }
  map.on("zoomend", () => showPlaces(state));
  // The user's own view (drag, wheel, buttons) is kept: only the app's fits are not the user's.
  map.on("dragstart zoomstart", () => { if (!state.fitting) state.moved = true; });
  // A map laid out before its column had its width: refit once it has it. A few pixels (a scrollbar coming
  // as the page grows under the map) only tell Leaflet its new size: the view stays as it is.
  state.fittedWidth = 0;
  new ResizeObserver(() => {
    map.invalidateSize({ pan: false });
    const width = root.clientWidth;
    if (!state.moved && Math.abs(width - state.fittedWidth) > 0.2 * state.fittedWidth) fit(state);
  }).observe(root);
  // For tests and the benchmark: where a territory or a point is on screen (client coordinates).
  const onScreen = (latLng) => {
    const point = map.latLngToContainerPoint(latLng);
    const box = root.getBoundingClientRect();
    return { x: box.left + point.x, y: box.top + point.y };
  };
  root.maillage = {
    centre: (code) => {
      const index = state.geometry.codes.indexOf(code);
      return index < 0 ? null : onScreen(state.shapes[index].getBounds().getCenter());
    },
    points: () => state.pointsLayer.getLayers().map((marker) => onScreen(marker.getLatLng())),
  };
  return state;
}

function drawShapes(L, state, geometry, geometryId) {
  state.shapesLayer.clearLayers();
  state.shapes = geometry.rings.map((rings, index) => {
    const shape = L.polygon(rings, {
      renderer: state.renderer, color: "#555", weight: state.outline, fillOpacity: 1, fillColor: "#f0f0f0",
    });
    shape.bindTooltip(() => {
      const label = state.values ? state.values.labels[index] : "";
      return textBlock([[geometry.names[index], true], [`${state.values.measure} : ${label}`, false]]);
    }, { sticky: true });
    shape.on("mouseover", () => shape.setStyle({ weight: 2.5, color: "#000" }));
    shape.on("mouseout", () => shape.setStyle({ weight: state.outline, color: "#555" }));
    shape.on("click", () => state.setTriggerValue("clicked", geometry.codes[index]));
    return shape;
  });
  state.geometry = geometry;
  state.geometryId = geometryId;
  state.visible = [];
}

function showVisible(state, visible) {
  state.shapesLayer.clearLayers();
  for (const index of visible) state.shapesLayer.addLayer(state.shapes[index]);
  state.visible = visible;
}

function paint(state, data) {
  const { classes, palette } = data.values;
  const opacity = data.tiles ? 0.75 : 1;  // over tiles, let the places show through
  for (const index of state.visible) {
    const colour = palette[classes[index]] || "#f0f0f0";
    state.shapes[index].setStyle({ fillColor: colour, fillOpacity: opacity });
  }
  state.values = data.values;
  const root = state.root;
  root.setAttribute("data-paint", String(Number(root.getAttribute("data-paint")) + 1));
  root.setAttribute("data-measure", data.values.code);
}

// The territories in view, beside the legend (bottom right) rather than under it.
function fit(state) {
  if (!state.bounds) return;
  state.map.invalidateSize({ pan: false });
  const legend = state.legendBox && !state.legendBox.classList.contains("maillage-legend-below")
    ? state.legendBox.offsetWidth + 12 : 0;
  const room = state.root.clientWidth > 2 * legend + 100 ? legend : 0;
  state.fitting = true;
  state.map.fitBounds(state.bounds, { paddingTopLeft: [16, 16], paddingBottomRight: [room + 8, 16] });
  state.fitting = false;
  state.fittedWidth = state.root.clientWidth;
}

function drawLegend(state, data) {
  const box = state.legendBox;
  box.replaceChildren();
  const title = document.createElement("strong");
  title.textContent = data.legend.title;
  box.appendChild(title);
  for (const item of data.legend.items) {
    const line = document.createElement("div");
    const swatch = document.createElement("span");
    swatch.className = item.round ? "maillage-swatch maillage-dot" : "maillage-swatch";
    swatch.style.background = item.colour;
    line.appendChild(swatch);
    line.appendChild(document.createTextNode(item.label));
    box.appendChild(line);
  }
}

function drawOverlays(L, state, data) {
  state.overlayLayer.clearLayers();
  for (const overlay of data.overlays) {
    const geometry = GEOMETRIES.get(overlay.geometry_id);
    if (!geometry) continue;
    overlay.indexes.forEach((index, position) => {
      const shape = L.polygon(geometry.rings[index], {
        renderer: state.renderer, color: "#b2182b", weight: 1.4, fill: true, fillColor: "#b2182b",
        fillOpacity: 0.18, interactive: true,
      });
      shape.bindTooltip(() => textBlock([[overlay.labels[position], false]]), { sticky: true });
      state.overlayLayer.addLayer(shape);
    });
  }
}

function drawPoints(L, state, data) {
  state.pointsLayer.clearLayers();
  for (const layer of data.points) {
    for (const [lat, lng, label] of layer.rows) {
      const marker = L.circleMarker([lat, lng], {
        renderer: state.renderer, radius: layer.radius, color: "#ffffff", weight: 1, fillColor: layer.colour,
        fillOpacity: 0.9,
      });
      marker.bindTooltip(() => textBlock([[label, false]]));
      state.pointsLayer.addLayer(marker);
    }
  }
  state.placesLayer.clearLayers();
  state.places = data.places.map(([lat, lng, name, rank]) => ({
    rank,
    label: L.tooltip({
      permanent: true, direction: "center", className: `maillage-place maillage-place-${rank}`, interactive: false,
    }).setLatLng([lat, lng]).setContent(textBlock([[name, false]])),
  }));
  showPlaces(state);
}

// Préfectures always; sous-préfectures and larger communes once zoomed in, so that names never pile up.
const PLACE_ZOOM = { prefecture: 0, "sous-prefecture": 8.5, commune: 10 };

function showPlaces(state) {
  if (!state.map._loaded) return;  // no view yet: placed once the map is fitted
  const zoom = state.map.getZoom();
  for (const place of state.places || []) {
    const wanted = zoom >= (PLACE_ZOOM[place.rank] ?? 10);
    const shown = state.placesLayer.hasLayer(place.label);
    if (wanted && !shown) state.placesLayer.addLayer(place.label);
    if (!wanted && shown) state.placesLayer.removeLayer(place.label);
  }
}

async function update(component) {
  const { data, parentElement, setTriggerValue } = component;
  const L = await loadLeaflet(data.asset_url);
  let state = MAPS.get(parentElement);
  if (!state) {
    state = create(L, parentElement, data, setTriggerValue);
    MAPS.set(parentElement, state);
  }
  state.setTriggerValue = setTriggerValue;
  for (const [id, topology] of Object.entries(data.geometries || {})) {
    if (!GEOMETRIES.has(id)) {
      GEOMETRIES.set(id, decode(topology));
      const root = state.root;
      root.setAttribute("data-geometry-loads", String(Number(root.getAttribute("data-geometry-loads")) + 1));
    }
  }
  const missing = [data.geometry_id, ...data.overlays.map((o) => o.geometry_id)].filter((id) => !GEOMETRIES.has(id));
  if (missing.length) {  // the page was reloaded while the session lived on: ask for the geometry again
    setTriggerValue("missing_geometry", missing.join(" "));
    return;
  }
  if (state.geometryId !== data.geometry_id) {
    state.outline = data.outline;
    drawShapes(L, state, GEOMETRIES.get(data.geometry_id), data.geometry_id);
  }
  const visibleKey = data.visible.join(",");
  if (state.visibleKey !== visibleKey) {
    showVisible(state, data.visible);
    state.visibleKey = visibleKey;
  }
  if (data.tiles && state.tileUrl !== data.tiles.url) {
    if (state.tiles) state.tiles.remove();
    if (!state.attribution) state.attribution = L.control.attribution({ prefix: false }).addTo(state.map);
    state.tiles = L.tileLayer(data.tiles.url, { maxZoom: 18, attribution: data.tiles.attribution }).addTo(state.map);
    state.tiles.bringToBack();
    state.tileUrl = data.tiles.url;
  }
  paint(state, data);
  drawLegend(state, data);
  drawOverlays(L, state, data);
  drawPoints(L, state, data);
  if (state.viewKey !== data.view_key && data.visible.length) {
    state.bounds = L.featureGroup(data.visible.map((i) => state.shapes[i])).getBounds();
    state.moved = false;
    fit(state);
    state.viewKey = data.view_key;
  }
  showPlaces(state);
  state.root.setAttribute("data-level", data.level);
  state.root.setAttribute("data-shapes", String(data.visible.length));
}

export default function (component) {
  const { parentElement } = component;
  const previous = QUEUES.get(parentElement) || Promise.resolve();
  const next = previous.then(() => update(component)).catch((error) => {
    const message = document.createElement("div");
    message.className = "maillage-map-error";
    message.textContent = `La carte n'a pas pu être dessinée : ${error.message}`;
    const state = MAPS.get(parentElement);
    if (state) state.map.remove();
    MAPS.delete(parentElement);
    parentElement.replaceChildren(message);
  });
  QUEUES.set(parentElement, next);
  return () => {
    const state = MAPS.get(parentElement);
    if (state) {
      state.map.remove();
      MAPS.delete(parentElement);
    }
  };
}
