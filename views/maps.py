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
CLASS_COLOURS = ["#d0e4f2", "#9ecae1", "#6baed6", "#3182bd", "#08519c"]
ZERO_COLOUR = "#f4a582"
MISSING_COLOUR = "#d9d9d9"
HIDDEN_COLOUR = "#969696"  # a small count hidden from CODIR: darker than "no inhabitant", not a class colour
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
    """One class of a choropleth: colour, bounds and the French label shown."""

    colour: str
    label: str
    lower: float | None = None
    upper: float | None = None


def legend_classes(values: pd.Series, measure: Indicator, class_count: int = 5) -> list[LegendClass]:
    """Classes for a measure: "none" (zero, a gap), then quantile classes of positive values."""
    classes = []
    if measure.is_higher_better:  # zero is a gap only where more is better (0 km to a resource is not)
        positive = values[values > 0].dropna()
        if (values == 0).any():
            classes.append(LegendClass(ZERO_COLOUR, "Aucun (0)", 0.0, 0.0))
    else:
        positive = values[values >= 0].dropna()
    if not positive.empty:
        breaks = np.quantile(positive, np.linspace(0, 1, class_count + 1))
        if measure.decimals == 0:  # counts: whole-number bounds, so labels never read "2 à 2"
            breaks = np.concatenate([[np.floor(breaks[0])], np.ceil(breaks[1:])])
        breaks = np.unique(breaks)
        if len(breaks) == 1:
            breaks = np.array([breaks[0], breaks[0]])
        colours = CLASS_COLOURS if measure.is_higher_better else CLASS_COLOURS[::-1]
        picks = np.linspace(0, len(colours) - 1, len(breaks) - 1).round().astype(int)
        for index, (low, high) in enumerate(zip(breaks[:-1], breaks[1:])):
            label = f"{format_number(low, measure.decimals)} à {format_number(high, measure.decimals)}"
            classes.append(LegendClass(colours[picks[index]], label, float(low), float(high)))
    if values.isna().any():
        classes.append(LegendClass(MISSING_COLOUR, "Sans objet (pas d'habitant)"))
    return classes


def colour_for(value: float, classes: list[LegendClass]) -> str:
    """The fill colour of a value among legend classes."""
    if value is None or pd.isna(value):
        return MISSING_COLOUR
    for legend_class in classes:
        if legend_class.lower is not None and legend_class.lower <= value <= legend_class.upper:
            return legend_class.colour
    return classes[-1].colour if classes else MISSING_COLOUR


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
                 level_label: str = "Territoire", overlays: list[AreaOverlay] = ()) -> folium.Map:
    """A choropleth of one measure over territories, with optional point layers and a legend.

    `shapes` has territory_code, name and geometry; `values` has territory_code and the
    measure's column. Territories without a value are drawn grey.
    """
    hidden_column = measure.column + HIDDEN
    kept = [c for c in ("territory_code", measure.column, hidden_column) if c in values.columns]
    merged = shapes.merge(values[kept], on="territory_code", how="left")
    hidden = merged[hidden_column].notna() if hidden_column in merged.columns else pd.Series(False, merged.index)
    classes = legend_classes(merged.loc[~hidden, measure.column], measure)
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
