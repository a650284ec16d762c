"""Map builders: measures in, a folium.Map out. No data access, no Streamlit.

Leaflet and its plugins are served by the app itself (see loaders.assets): folium's
class attributes are pointed at those local files when this module is imported, so
no map ever asks a CDN.

Every text that reaches the map goes through `map_text` here: escaped for HTML (tooltips, legend
and layer names are HTML), and with no `{`, `}` or `%` left, because branca renders each map's
script through Jinja a second time: data that reached it as `{{ … }}` or `{% … %}` would run on
the server. As HTML entities, the browser still shows those characters as typed.
"""

import html
import json
import re
from dataclasses import dataclass, field

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import MacroElement
from folium.plugins import FastMarkerCluster, MarkerCluster
from jinja2 import Template

from models.disclosure import HIDDEN
from models.measures import Indicator
from views.formatting import format_number

ASSET_URL = "/app/static/vendor"
# Colours, chosen to stay apart for colour-blind viewers. The classes are five steps of ColorBrewer's
# YlGnBu (9-class scheme, steps 3, 4, 6, 7 and 9), a sequence ColorBrewer rates colour-blind safe: it
# runs from light yellow-green to dark blue, so its order is read from lightness alone (L* 89, 77, 56,
# 40, 13), which every kind of colour vision keeps. A gap (none where more is better, a zone blanche
# for distances) is orange, a hue on the blue-orange axis that deuteranopes and protanopes still see,
# never a red against a green. "No inhabitant" is a very light grey, a secret (hidden small count)
# a dark grey with no hue. tests/views/test_maps.py simulates deuteranopia, protanopia and
# tritanopia (Machado et al., 2009) and checks that every two of these colours stay at least 12
# CIELAB units apart (the former palette fell to 9, its lightest blue beside the grey).
CLASS_COLOURS = ["#c7e9b4", "#7fcdbb", "#1d91c0", "#225ea8", "#081d58"]  # worst to best
GAP_COLOUR = "#e66101"
ZERO_COLOUR = GAP_COLOUR  # "Aucun (0)" where more is better
WHITE_ZONE_COLOUR = GAP_COLOUR  # farther than the zone blanche threshold
MISSING_COLOUR = "#f0f0f0"  # no inhabitant: no value to show
HIDDEN_COLOUR = "#737373"  # a small count hidden from CODIR: darker than "no inhabitant", not a class colour
NBSP = "\u00a0"
UNITLESS = {"indice"}  # units a label does not repeat after the figures ("80 à 100", not "80 à 100 indice")
MIN_ZOOM, MAX_ZOOM = 5, 18  # MarkerCluster needs a maxZoom on the map when no tile layer brings one
# Characters a template engine or a JavaScript template literal could read as code, as HTML entities.
_INERT = str.maketrans({"{": "&#123;", "}": "&#125;", "%": "&#37;", "$": "&#36;", "`": "&#96;"})
_PLAIN_CODE = re.compile(r"^[0-9A-Za-z_.\-]+$")


def map_text(value) -> str:
    """Any text shown on a map: HTML-escaped, and inert for Jinja and template literals."""
    return html.escape(str(value)).translate(_INERT)


def map_code(value) -> str:
    """A territory code sent with its shape (and returned on click): plain codes as they are, others inert."""
    text = str(value)
    return text if _PLAIN_CODE.match(text) else map_text(text)


def use_local_assets(prefix: str = ASSET_URL) -> None:
    """Point folium at the Leaflet files the app serves (no CDN, no jQuery, no Bootstrap)."""
    folium.Map.default_js = [("leaflet", f"{prefix}/leaflet/leaflet.js")]
    folium.Map.default_css = [("leaflet_css", f"{prefix}/leaflet/leaflet.css")]
    for plugin in (MarkerCluster, FastMarkerCluster):
        plugin.default_js = [("markerclusterjs", f"{prefix}/markercluster/leaflet.markercluster.js")]
        plugin.default_css = [("markerclustercss", f"{prefix}/markercluster/MarkerCluster.css"),
                              ("markerclusterdefaultcss", f"{prefix}/markercluster/MarkerCluster.Default.css")]


use_local_assets()


@dataclass
class LegendClass:
    """One class of a choropleth: colour, French label and the bounds of the values it holds.

    `lower` and `upper` are values as displayed (rounded to `decimals`): the smallest and the largest
    of the class. Classes without bounds (no inhabitant, secret) hold no value.
    """

    colour: str
    label: str
    lower: float | None = None
    upper: float | None = None
    decimals: int | None = None


def is_distance(measure: Indicator) -> bool:
    """Whether a measure is a distance to the nearest resource (its code ends with `_distance_km`)."""
    return measure.code.endswith("_distance_km")


def displayed_values(values: pd.Series, decimals: int) -> pd.Series:
    """Values as the screen shows them: rounded exactly as `format_number` rounds (NaN stays NaN)."""
    return pd.Series([float(f"{v:.{decimals}f}") if pd.notna(v) else np.nan for v in values],
                     index=values.index, dtype=float)


def unit_label(value: float, unit: str) -> str:
    """The unit after a figure, in the singular below 2 ("1 lycée", "0 place", "3 places")."""
    if not unit or unit in UNITLESS:
        return ""
    if unit.startswith("pour ") or unit in ("%", "km", "ETP") or abs(value) >= 2:
        return NBSP + unit
    return NBSP + " ".join(word[:-1] if word.endswith("s") else word for word in unit.split(" "))


def range_label(lower: float, upper: float, measure: Indicator) -> str:
    """« 12,5 à 20,0 km », or one figure when both bounds display the same: « 0,70 km »."""
    low, high = format_number(lower, measure.decimals), format_number(upper, measure.decimals)
    figures = low if low == high else f"{low} à {high}"
    return figures + unit_label(upper, measure.unit)


def _quantile_groups(values: pd.Series, class_count: int) -> list[pd.Series]:
    """Split displayed values into at most `class_count` quantile groups; equal values stay together."""
    if values.empty:
        return []
    breaks = np.quantile(values, np.linspace(0, 1, class_count + 1))[1:-1]
    groups = np.searchsorted(np.unique(breaks), values.to_numpy(), side="left")
    return [values[groups == group] for group in np.unique(groups)]


def legend_classes(values: pd.Series, measure: Indicator, class_count: int = 5,
                   white_zone_km: float | None = None) -> list[LegendClass]:
    """Classes for a measure, computed on values as displayed, so that equal figures share a colour.

    In order: "Aucun (0)" where more is better and some territory has none (a gap, orange); quantile
    classes from the worst colour to the best, each labelled by its smallest and largest figure and the
    unit (one figure when they are equal); for a distance given `white_zone_km`, the territories
    farther than that threshold in a class of their own, « plus de 20 km (zone blanche) » (a gap too);
    "Sans objet (pas d'habitant)" for missing values.
    """
    shown = displayed_values(values, measure.decimals)
    decimals = measure.decimals
    classes = []
    if measure.is_higher_better:  # zero is a gap only where more is better (0 km to a resource is not)
        ranked = shown[shown > 0]
        if (shown == 0).any():
            classes.append(LegendClass(ZERO_COLOUR, "Aucun (0)", 0.0, 0.0, decimals))
    else:
        ranked = shown[shown >= 0]
    beyond = ranked.iloc[0:0]
    if white_zone_km is not None and is_distance(measure):
        beyond, ranked = ranked[ranked > white_zone_km], ranked[ranked <= white_zone_km]
    groups = _quantile_groups(ranked, class_count)
    colours = CLASS_COLOURS if measure.is_higher_better else CLASS_COLOURS[::-1]
    picks = np.linspace(0, len(colours) - 1, len(groups)).round().astype(int) if groups else []
    for group, pick in zip(groups, picks):
        low, high = float(group.min()), float(group.max())
        classes.append(LegendClass(colours[pick], range_label(low, high, measure), low, high, decimals))
    if not beyond.empty:
        label = f"plus de {format_number(white_zone_km, 0 if float(white_zone_km).is_integer() else 1)}" \
                f"{NBSP}km (zone blanche)"
        classes.append(LegendClass(WHITE_ZONE_COLOUR, label, float(beyond.min()), float(beyond.max()), decimals))
    if values.isna().any():  # a distance is missing where no resource is located, a rate where nobody lives
        classes.append(LegendClass(MISSING_COLOUR, "Aucune ressource localisée" if is_distance(measure)
                                   else "Sans objet (pas d'habitant)"))
    return classes


def class_index(value: float, classes: list[LegendClass]) -> int | None:
    """The index of the class a value falls in (None without value, or without any bounded class).

    The value is rounded as the classes' values were, so that it lands where an equal figure on screen
    does. A value between two classes goes to the upper one; beyond the last, to the last.
    """
    if value is None or pd.isna(value):
        return None
    bounded = [(index, c) for index, c in enumerate(classes) if c.lower is not None and c.upper is not None]
    if not bounded:
        return None
    decimals = bounded[0][1].decimals
    shown = float(f"{float(value):.{decimals}f}") if decimals is not None else float(value)
    for index, legend_class in bounded:
        if legend_class.lower <= shown <= legend_class.upper:
            return index
    for index, legend_class in sorted(bounded, key=lambda pair: pair[1].upper):
        if shown <= legend_class.upper:
            return index
    return max(bounded, key=lambda pair: pair[1].upper)[0]


def colour_for(value: float, classes: list[LegendClass]) -> str:
    """The fill colour of a value among legend classes (grey without value)."""
    index = class_index(value, classes)
    return MISSING_COLOUR if index is None else classes[index].colour


class Legend(MacroElement):
    """A legend drawn by Leaflet itself (branca's colour maps would pull d3 from a CDN)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: "bottomright"});
        {{ this.get_name() }}.onAdd = function () {
            var div = L.DomUtil.create("div", "maillage-legend");
            div.style.cssText = "background: white; padding: 6px 8px; border-radius: 4px; "
                + "font: 12px sans-serif; box-shadow: 0 0 4px rgba(0,0,0,.3); line-height: 18px;";
            div.innerHTML = {{ this.html_json }};
            return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, title: str, classes: list[LegendClass], points: list["PointLayer"] = ()):
        """Build the legend's HTML from escaped texts."""
        super().__init__()
        self._name = "Legend"
        rows = [f"<b>{map_text(title)}</b>"]
        rows += [f'<div><span style="display:inline-block;width:14px;height:12px;margin-right:6px;'
                 f'background:{map_text(c.colour)};border:1px solid #888"></span>{map_text(c.label)}</div>'
                 for c in classes]
        rows += [f'<div><span style="display:inline-block;width:10px;height:10px;margin:0 8px 0 2px;'
                 f'border-radius:50%;background:{map_text(p.colour)}"></span>{map_text(p.name)}</div>'
                 for p in points]
        self.html_json = json.dumps("".join(rows))


@dataclass
class PointLayer:
    """Points to draw: a frame with latitude, longitude and label columns."""

    name: str
    frame: pd.DataFrame
    colour: str
    clustered: bool = True
    radius: int = 6
    show: bool = True
    labels: list[str] = field(default_factory=list)


_CIRCLE_CALLBACK = """
function (row) {
    var marker = L.circleMarker(new L.LatLng(row[0], row[1]),
        {radius: %(radius)d, color: "#333", weight: 1, fillColor: "%(colour)s", fillOpacity: 0.85});
    marker.bindTooltip(row[2]);
    return marker;
}
"""


class _PlainPoints(MacroElement):
    """Circle markers drawn from JSON rows by the same callback as the clustered layers.

    folium's own CircleMarker tooltips are written inside a JavaScript template literal,
    where `${...}` in a label would run: data only ever reaches the page as JSON here.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var rows = {{ this.rows_json }};
            var draw = {{ this.callback }};
            for (var i = 0; i < rows.length; i++) { draw(rows[i]).addTo({{ this._parent.get_name() }}); }
        })();
        {% endmacro %}
    """)

    def __init__(self, rows: list, callback: str):
        """Keep the rows as JSON (with "</" broken so that no text can close the script)."""
        super().__init__()
        self._name = "PlainPoints"
        self.rows_json = json.dumps(rows).replace("</", "<\\/")
        self.callback = callback


def _add_points(fmap: folium.Map, layer: PointLayer) -> None:
    frame = layer.frame.dropna(subset=["latitude", "longitude"])
    rows = [[round(lat, 5), round(lon, 5), map_text(text)]
            for lat, lon, text in zip(frame.latitude, frame.longitude, frame.label)]
    callback = _CIRCLE_CALLBACK % {"radius": layer.radius, "colour": layer.colour}
    group = folium.FeatureGroup(name=map_text(f"{layer.name} ({format_number(len(frame))})"), show=layer.show)
    if layer.clustered:
        FastMarkerCluster(rows, callback=callback,
                          options={"maxClusterRadius": 40, "disableClusteringAtZoom": 12}).add_to(group)
    else:
        _PlainPoints(rows, callback).add_to(group)
    group.add_to(fmap)


@dataclass
class AreaOverlay:
    """Outlines drawn over the choropleth (e.g. zones blanches): geometry and a label column."""

    name: str
    shapes: gpd.GeoDataFrame
    colour: str = "#b2182b"


def _add_overlay(fmap: folium.Map, overlay: AreaOverlay) -> None:
    frame = overlay.shapes[overlay.shapes.geometry.notna()][["label", "geometry"]].copy()
    frame["label"] = frame.label.map(map_text)
    group = folium.FeatureGroup(name=map_text(f"{overlay.name} ({format_number(len(frame))})"))
    if not frame.empty:
        folium.GeoJson(json.loads(frame.to_json(drop_id=True)),
                       style_function=lambda _f, colour=overlay.colour: {
                           "fillColor": colour, "color": colour, "weight": 1.2, "fillOpacity": 0.45},
                       tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False, sticky=True)).add_to(group)
    group.add_to(fmap)


def coverage_map(shapes: gpd.GeoDataFrame, values: pd.DataFrame, measure: Indicator,
                 point_layers: list[PointLayer] = (), tile_url: str = "", tile_attribution: str = "",
                 level_label: str = "Territoire", overlays: list[AreaOverlay] = (),
                 white_zone_km: float | None = None) -> folium.Map:
    """A choropleth of one measure over territories, with optional point layers and a legend.

    `shapes` has territory_code, name and geometry; `values` has territory_code and the
    measure's column. Territories without a value are drawn grey. For a distance, `white_zone_km`
    makes the zone blanche threshold a class break (see legend_classes).
    """
    hidden_column = measure.column + HIDDEN
    kept = [c for c in ("territory_code", measure.column, hidden_column) if c in values.columns]
    merged = shapes.merge(values[kept], on="territory_code", how="left")
    hidden = merged[hidden_column].notna() if hidden_column in merged.columns else pd.Series(False, merged.index)
    classes = legend_classes(merged.loc[~hidden, measure.column], measure, white_zone_km=white_zone_km)
    merged["fill"] = [colour_for(v, classes) for v in merged[measure.column]]
    merged["value_label"] = [map_text(format_number(v, measure.decimals)) for v in merged[measure.column]]
    if hidden.any():  # small counts of people, hidden for CODIR (models.disclosure)
        classes.append(LegendClass(HIDDEN_COLOUR, "Secret statistique (petit effectif)"))
        merged.loc[hidden, "fill"] = HIDDEN_COLOUR
        merged.loc[hidden, "value_label"] = merged.loc[hidden, hidden_column].map(map_text)
    merged["territory_code"] = merged.territory_code.map(map_code)
    merged["label"] = merged.name.map(map_text)
    merged = merged[["territory_code", "label", "value_label", "fill", "geometry"]]
    merged = merged[merged.geometry.notna()]

    fmap = folium.Map(tiles=None, control_scale=True, prefer_canvas=False, zoom_snap=0.25,
                      minZoom=MIN_ZOOM, maxZoom=MAX_ZOOM)
    if tile_url:
        folium.TileLayer(tiles=tile_url, attr=map_text(tile_attribution or "Fond de carte"), name="Fond de carte",
                         control=False, max_zoom=MAX_ZOOM).add_to(fmap)
    folium.GeoJson(
        json.loads(merged.to_json(drop_id=True)),
        name=f"{map_text(level_label)} : {map_text(measure.label)}",
        style_function=lambda feature: {"fillColor": feature["properties"]["fill"], "color": "#555",
                                        "weight": 0.6, "fillOpacity": 0.75},
        highlight_function=lambda _feature: {"weight": 2.5, "color": "#000"},
        tooltip=folium.GeoJsonTooltip(fields=["label", "value_label"],
                                      aliases=[map_text(level_label), map_text(measure.label)],
                                      sticky=True),
    ).add_to(fmap)
    for overlay in overlays:
        _add_overlay(fmap, overlay)
    for layer in point_layers:
        _add_points(fmap, layer)
    Legend(measure.label, classes, list(point_layers)).add_to(fmap)
    if point_layers or overlays:
        folium.LayerControl(collapsed=False).add_to(fmap)
    if not merged.empty:
        west, south, east, north = merged.total_bounds
        fmap.fit_bounds([[south, west], [north, east]])
    return fmap
