"""The Carte page's map: a Streamlit component (components v2) drawing Leaflet in the page itself.

What it costs is what issue 12 measured: a level's geometry goes to the browser once per session, as
quantised TopoJSON (neighbours share their borders, coordinates are small integers), and every later
rerun sends only each territory's colour class and value label, which the browser paints in place. A
click on a territory comes back as a trigger value, in the same rerun as the figures it asks for.

Builders here are pure (DataFrames in, JSON-ready dicts out) and tested without a browser; `show_map`
mounts the component. Every text reaches the page through `textContent` (views/choropleth.js): nothing
from data is parsed as HTML or as a template.
"""

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import streamlit as st
import topojson

from models.disclosure import HIDDEN
from models.measures import Indicator
from models.settings import PROJECT_DIR
from views.formatting import format_number
from views.maps import (
    ASSET_URL,
    HIDDEN_COLOUR,
    MISSING_COLOUR,
    LegendClass,
    PointLayer,
    class_index,
    legend_classes,
    map_text,
)

QUANTISATION = 10_000  # steps across the région's extent: about 25 m in Hauts-de-France, finer than the outlines
SENT_KEY = "map-geometries-sent"  # session state: geometry ids this browser session already holds
MISSING_CLASS, HIDDEN_CLASS = -1, -2

CSS = """
.maillage-map { width: 100%; border-radius: 4px; background: #f2f2f2; }
.maillage-map .leaflet-container { font: 12px sans-serif; }
.maillage-legend { background: white; padding: 6px 8px; border-radius: 4px; box-shadow: 0 0 4px rgba(0,0,0,.3);
  line-height: 18px; font: 12px sans-serif; max-width: 260px; }
.maillage-legend-below { box-shadow: none; max-width: none; padding: 4px 0; }
.maillage-legend-below div { display: inline-block; margin-right: 10px; }
.maillage-swatch { display: inline-block; width: 14px; height: 12px; margin-right: 6px; border: 1px solid #888;
  vertical-align: middle; }
.maillage-dot { width: 10px; height: 10px; border-radius: 50%; margin: 0 8px 0 2px; }
.maillage-place { background: transparent; border: none; box-shadow: none; padding: 0; color: #222;
  font: 600 11px sans-serif; text-shadow: 0 0 3px #fff, 0 0 3px #fff, 0 0 3px #fff; }
.maillage-place::before { display: none; }
.maillage-place-prefecture { font-size: 13px; }
.maillage-map-error { padding: 1rem; color: #8a1c1c; }
"""

_COMPONENT = st.components.v2.component(
    "maillage_map", js=(PROJECT_DIR / "views" / "choropleth.js").read_text(encoding="utf-8"), css=CSS,
    isolate_styles=False)


@dataclass
class MapOverlay:
    """Communes outlined over the map (zones blanches): their codes and a tooltip each."""

    name: str
    codes: list[str]
    labels: list[str]
    colour: str = "#b2182b"


@dataclass
class MapData:
    """Everything one rerun sends, but the geometries the browser already holds."""

    payload: dict
    geometry_ids: list[str] = field(default_factory=list)


def topology(shapes: gpd.GeoDataFrame) -> dict:
    """Quantised TopoJSON of a level's outlines, with the territories' codes and names in the same order.

    Shared borders are one arc, drawn once; the arcs are delta-encoded integers.
    """
    shapes = shapes.reset_index(drop=True)
    data = topojson.Topology(shapes[["geometry"]], prequantize=QUANTISATION, topology=True).to_dict()
    return {"type": "Topology", "transform": data["transform"], "arcs": data["arcs"],
            "objects": {"data": {"geometries": [{"type": g["type"], "arcs": g.get("arcs", [])}
                                                for g in data["objects"]["data"]["geometries"]]}},
            "codes": shapes.territory_code.astype(str).tolist(), "names": shapes.name.astype(str).tolist()}


def colour_classes(values: pd.Series, hidden: pd.Series | None, classes: list[LegendClass]) -> list[int]:
    """Each territory's legend class index (MISSING_CLASS without value, HIDDEN_CLASS for a secret)."""
    indexes = []
    for position, value in enumerate(values):
        if hidden is not None and isinstance(hidden.iloc[position], str):
            indexes.append(HIDDEN_CLASS)
        elif value is None or pd.isna(value):
            indexes.append(MISSING_CLASS)
        else:
            index = class_index(float(value), classes)
            indexes.append(MISSING_CLASS if index is None else index)
    return indexes


def map_payload(geometry: dict, geometry_id: str, level: str, values: pd.DataFrame, measure: Indicator,
                points: list[PointLayer] = (), overlays: list[tuple[MapOverlay, dict, str]] = (),
                places: pd.DataFrame | None = None, view_key: str = "", height: int = 620,
                legend_classes_of=legend_classes, tile_url: str = "", tile_attribution: str = "",
                legend_below: bool = False) -> MapData:
    """The component's data for one rerun: colours and labels by territory, points, overlays, places.

    `geometry` is the level's `topology`; `values` has territory_code, the measure's column and, for
    CODIR, its hidden labels. Territories of the geometry missing from `values` are not drawn (a
    département filter). `overlays` are (overlay, commune topology, its id). `legend_below` puts the
    legend under the map (a small map), not over it.
    """
    by_code = values.set_index("territory_code")
    codes = pd.Series(geometry["codes"])
    present = codes.isin(by_code.index)
    column = by_code[measure.code].reindex(codes)
    hidden = by_code[measure.code + HIDDEN].reindex(codes) if measure.code + HIDDEN in by_code.columns else None
    shown = column[present.to_numpy()] if hidden is None else column[present.to_numpy() & hidden.isna().to_numpy()]
    classes = legend_classes_of(shown.reset_index(drop=True), measure)
    labels = [_with_unit(format_number(value, measure.decimals), measure) for value in column]
    if hidden is not None:
        labels = [h if isinstance(h, str) else label for h, label in zip(hidden, labels)]
    palette = [c.colour for c in classes]
    class_indexes = colour_classes(column.reset_index(drop=True),
                                   None if hidden is None else hidden.reset_index(drop=True), classes)
    palette_of = {MISSING_CLASS: MISSING_COLOUR, HIDDEN_CLASS: HIDDEN_COLOUR}
    legend_items = [{"colour": c.colour, "label": c.label} for c in classes]
    if hidden is not None and (class_indexes.count(HIDDEN_CLASS)):
        legend_items.append({"colour": HIDDEN_COLOUR, "label": "Secret statistique (petit effectif)"})
    # Colours by index: the real classes first, then the two special ones at fixed places.
    palette = [*palette, palette_of[MISSING_CLASS], palette_of[HIDDEN_CLASS]]
    special = {MISSING_CLASS: len(palette) - 2, HIDDEN_CLASS: len(palette) - 1}
    class_indexes = [special.get(i, i) for i in class_indexes]
    legend_items += [{"colour": p.colour, "label": f"{p.name} ({format_number(len(p.frame))})", "round": True}
                     for p in points]
    sent_overlays, ids = [], [geometry_id]
    for overlay, commune_geometry, overlay_id in overlays:
        index_of = {code: i for i, code in enumerate(commune_geometry["codes"])}
        kept = [(index_of[c], label) for c, label in zip(overlay.codes, overlay.labels) if c in index_of]
        sent_overlays.append({"geometry_id": overlay_id, "name": overlay.name, "indexes": [i for i, _ in kept],
                              "labels": [label for _, label in kept]})
        legend_items.append({"colour": overlay.colour, "label": overlay.name})
        ids.append(overlay_id)
    payload = {
        "asset_url": ASSET_URL, "height": height, "legend_below": legend_below, "level": level,
        "geometry_id": geometry_id,
        "outline": 0.3 if level == "commune" else 0.7,
        # A tile server only if one is set (TILE_URL); Leaflet writes the attribution as HTML: escaped here.
        "tiles": {"url": tile_url, "attribution": map_text(tile_attribution or "Fond de carte")} if tile_url else None,
        "visible": np.flatnonzero(present.to_numpy()).tolist(), "view_key": view_key,
        "values": {"code": measure.code, "measure": measure.label, "classes": class_indexes, "palette": palette,
                   "labels": labels},
        "legend": {"title": measure.label, "items": legend_items},
        "overlays": sent_overlays,
        "points": [_points(layer) for layer in points],
        "places": [] if places is None else [
            [round(lat, 5), round(lon, 5), name, rank]
            for lat, lon, name, rank in zip(places.latitude, places.longitude, places.name, places["rank"])],
    }
    return MapData(payload, list(dict.fromkeys(ids)))


def _with_unit(text: str, measure: Indicator) -> str:
    """"12,5 km", "0,61 pour 10 000 hab.", "3 événements"; a dash alone."""
    return text if text == "–" or measure.unit == "indice" else f"{text} {measure.unit}"


def _points(layer: PointLayer) -> dict:
    frame = layer.frame.dropna(subset=["latitude", "longitude"])
    return {"name": layer.name, "colour": layer.colour, "radius": layer.radius,
            "rows": [[round(float(lat), 5), round(float(lon), 5), str(label)]
                     for lat, lon, label in zip(frame.latitude, frame.longitude, frame.label)]}


def show_map(key: str, data: MapData, geometries: dict[str, dict]) -> str | None:
    """Mount the map; return the code of the territory just clicked (None on other reruns).

    A geometry goes with the data only the first time this session draws it; if the browser lost it (a
    reload that kept the session), it says so and the next rerun sends it again.
    """
    sent = st.session_state.setdefault(SENT_KEY, set())
    payload = dict(data.payload, geometries={gid: geometries[gid] for gid in data.geometry_ids if gid not in sent})
    result = _COMPONENT(key=key, data=payload, on_clicked_change=lambda: None,
                        on_missing_geometry_change=lambda: None, height="content")
    sent.update(data.geometry_ids)
    missing = getattr(result, "missing_geometry", None)
    if missing:
        sent.difference_update(missing.split(" "))
        st.rerun()
    return getattr(result, "clicked", None)
