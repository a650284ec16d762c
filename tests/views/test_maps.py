"""Map builders, checked without a browser: the folium objects and the Leaflet code they render.

As streamlit-folium does in its own tests, the generated HTML/JavaScript is read as text.
"""

import dataclasses
import itertools
import json
import re

import folium
import numpy as np
import pandas as pd
import pytest
from folium.plugins import FastMarkerCluster
from streamlit_folium import _get_map_string

from models.measures import INDICATORS as MEASURES
from models.measures import compute_measures
from tests.fixtures import tiny_events, tiny_inputs, tiny_remediation, tiny_shapes
from views.formatting import format_number
from views.maps import (
    CLASS_COLOURS,
    HIDDEN_COLOUR,
    MAX_ZOOM,
    MISSING_COLOUR,
    WHITE_ZONE_COLOUR,
    ZERO_COLOUR,
    AreaOverlay,
    LegendClass,
    PointLayer,
    class_index,
    colour_for,
    coverage_map,
    legend_classes,
    map_text,
)

RATE = MEASURES["events_per_10k"]
HOSTILE_TERRITORY = "<script>alert(1)</script>"
HOSTILE_LABEL = "<img src=x onerror=alert(1)>"
CDN_MARKERS = ("cdn", "jsdelivr", "cdnjs", "unpkg", "code.jquery", "bootstrapcdn", "d3js", "googleapis",
               "openstreetmap")


def commune_values() -> pd.DataFrame:
    return compute_measures(tiny_inputs(), levels=("commune",))["commune"]


def point_layers(label: str | None = None) -> list[PointLayer]:
    events = tiny_events().assign(label=lambda e: label or e.title + " – " + e.event_type)
    structures = tiny_remediation().assign(
        label=lambda s: label or s.name + " – places libres : " + s.free_count.astype(str))
    return [PointLayer("Événements", events, "#e6550d"),
            PointLayer("Structures de remédiation", structures, "#756bb1", clustered=False, radius=8)]


def children_of(element, kind) -> list:
    found = []
    for child in element._children.values():
        if isinstance(child, kind):
            found.append(child)
        found += children_of(child, kind)
    return found


def features_by_code(fmap: folium.Map) -> dict[str, dict]:
    (geojson,) = children_of(fmap, folium.GeoJson)
    return {f["properties"]["territory_code"]: f["properties"] for f in geojson.data["features"]}


def render(fmap: folium.Map) -> str:
    return fmap.get_root().render()


# --- no internet -------------------------------------------------------------------------------------------------

def test_rendered_map_asks_no_external_host():
    page = render(coverage_map(tiny_shapes(), commune_values(), RATE, point_layers()))
    assert re.findall(r"https?://", page) == []
    assert re.findall(r"""(?:src|href)\s*=\s*["']?//|url\(\s*["']?//""", page) == []  # nor protocol-relative
    lowered = page.lower()
    assert [marker for marker in CDN_MARKERS if marker in lowered] == []


def test_leaflet_and_plugins_come_from_the_app():
    page = render(coverage_map(tiny_shapes(), commune_values(), RATE, point_layers()))
    assert '<script src="/app/static/vendor/leaflet/leaflet.js"></script>' in page
    sources = re.findall(r'<script[^>]+src="([^"]+)"', page) + re.findall(r'<link[^>]+href="([^"]+)"', page)
    assert "/app/static/vendor/markercluster/leaflet.markercluster.js" in sources
    assert sources and all(source.startswith("/app/static/vendor/") for source in sources), sources


def test_tile_layer_only_when_a_tile_url_is_set():
    without = coverage_map(tiny_shapes(), commune_values(), RATE)
    assert children_of(without, folium.TileLayer) == []
    assert "L.tileLayer(" not in render(without)

    url = "https://tiles.example.test/{z}/{x}/{y}.png"
    with_tiles = coverage_map(tiny_shapes(), commune_values(), RATE, tile_url=url, tile_attribution="© Essai")
    (tiles,) = children_of(with_tiles, folium.TileLayer)
    assert tiles.tiles == url
    page = render(with_tiles)
    assert "L.tileLayer(" in page and f'"{url}"' in page
    assert re.findall(r"https?://[^\"']+", page) == [url]


# --- escaping ------------------------------------------------------------------------------------------------------

def test_hostile_names_and_labels_reach_the_page_only_escaped():
    shapes = tiny_shapes()
    shapes.loc[shapes.territory_code == "59001", "name"] = HOSTILE_TERRITORY
    page = render(coverage_map(shapes, commune_values(), RATE, point_layers(HOSTILE_LABEL)))
    assert "<script>alert" not in page
    assert "<img" not in page

    # The territory's tooltip text, once the GeoJSON is parsed by the browser, is escaped HTML.
    geojson = json.loads(re.search(r"geo_json_\w+_add\((\{.*\})\);", page).group(1))
    labels = {f["properties"]["territory_code"]: f["properties"]["label"] for f in geojson["features"]}
    assert labels["59001"] == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert labels["59002"] == "Saint-Éloi"

    # Clustered points: the rows handed to the callback carry escaped labels.
    rows = json.loads(re.search(r"var data = (\[.*?\]);", page).group(1))
    assert {row[2] for row in rows} == {"&lt;img src=x onerror=alert(1)&gt;"}

    # Plain circle markers: their rows are JSON too, with escaped labels.
    plain = json.loads(re.search(r"var rows = (\[.*?\]);", page).group(1))
    assert len(plain) == 3 and {row[2] for row in plain} == {"&lt;img src=x onerror=alert(1)&gt;"}


TEMPLATE_ATTACKS = ["E2C {{ 7*191 }}", "Atelier {% raw %} relais", "{{ lipsum.__globals__ }}", "{# note",
                    "{{ lipsum.__globals__.os.mkdir(%r) }}", "${7*191} `tick` 100 %"]


def hostile_map(text: str, tmp_path) -> folium.Map:
    """A map where every text that can come from data (or settings) carries `text`."""
    text = text % str(tmp_path / "pwned") if "%r" in text else text
    shapes = tiny_shapes().assign(name=text)
    overlay = AreaOverlay(text, tiny_shapes().assign(label=text))
    measure = dataclasses.replace(RATE, label=text)
    layers = [dataclasses.replace(layer, name=text) for layer in point_layers(text)]
    return coverage_map(shapes, commune_values(), measure, layers, tile_url="https://tiles.example.test/{z}/{x}/{y}",
                        tile_attribution=text, level_label=text, overlays=[overlay])


@pytest.mark.parametrize("text", TEMPLATE_ATTACKS)
def test_data_never_becomes_template_source(text, tmp_path):
    fmap = hostile_map(text, tmp_path)
    page = render(fmap)  # streamlit-folium renders the whole figure, then each element's script
    script = _get_map_string(fmap)
    for output in (page, script):
        # folium names elements with random hex ids ("feature_group_e72b…1337…"): only the rest may not say 1337.
        assert "1337" not in re.sub(r"_[0-9a-f]{32}", "_id", output)
        assert "lipsum" not in output or "&#123;&#123; lipsum" in output
    assert not (tmp_path / "pwned").exists()
    # The browser shows the characters as typed: HTML entities, decoded by innerHTML.
    shown = map_text(text % str(tmp_path / "pwned") if "%r" in text else text)
    assert "{" not in shown and "%" not in shown and "`" not in shown and "$" not in shown
    assert shown in page


def test_map_text_keeps_what_a_browser_shows():
    import html as html_module

    for text in TEMPLATE_ATTACKS:
        assert html_module.unescape(map_text(text)) == text


def test_points_draw_without_a_base_map():
    """MarkerCluster refuses a map without maxZoom ("Map has no maxZoom specified"): the map sets one."""
    page = render(coverage_map(tiny_shapes(), commune_values(), RATE, point_layers()))
    options = re.search(r"L\.map\(\s*\"map_\w+\",\s*(\{.*?\})\s*\);", page, re.S).group(1)
    assert f'"maxZoom": {MAX_ZOOM}' in options


def test_plain_marker_labels_cannot_run_script_in_a_template_literal():
    structures = tiny_remediation().assign(label="Structure ${alert(document.cookie)}")
    layer = PointLayer("Structures de remédiation", structures, "#756bb1", clustered=False)
    page = render(coverage_map(tiny_shapes(), commune_values(), RATE, [layer]))
    template_literals = re.findall(r"`([^`]*)`", page)
    assert not [text for text in template_literals if "${alert" in text]


# --- choropleth and legend ------------------------------------------------------------------------------------------

def test_each_territory_gets_the_colour_and_french_value_of_its_class():
    fmap = coverage_map(tiny_shapes(), commune_values(), RATE)
    features = features_by_code(fmap)
    assert features["59002"]["fill"] == features["62002"]["fill"] == ZERO_COLOUR  # no event
    assert features["59004"]["fill"] == MISSING_COLOUR  # no inhabitant
    assert features["62001"]["fill"] == CLASS_COLOURS[0]  # 1,25: the lowest rate
    assert features["59003"]["fill"] == CLASS_COLOURS[-1]  # 2,00: the highest rate
    assert features["59001"]["value_label"] == "1,67"
    assert features["59004"]["value_label"] == "–"


def test_a_territory_without_value_is_drawn_grey():
    values = commune_values()
    fmap = coverage_map(tiny_shapes(), values[values.territory_code != "62001"], RATE)
    assert features_by_code(fmap)["62001"]["fill"] == MISSING_COLOUR
    assert features_by_code(fmap)["62001"]["value_label"] == "–"


def test_map_fits_the_territories():
    (bounds,) = children_of(coverage_map(tiny_shapes(), commune_values(), RATE), folium.FitBounds)
    west, south, east, north = tiny_shapes().total_bounds
    assert np.ravel(bounds.bounds).tolist() == pytest.approx([south, west, north, east])


def test_legend_lists_classes_and_point_layers_in_french():
    page = render(coverage_map(tiny_shapes(), commune_values(), RATE, point_layers()))
    legend = json.loads(re.search(r"div\.innerHTML = (\".*\");", page).group(1))
    assert legend.startswith("<b>Événements pour 10 000 habitants</b>")
    for text in ("Aucun (0)", "1,25\u00a0pour 10 000 hab.", "2,00\u00a0pour 10 000 hab.",
                 "Sans objet (pas d&#x27;habitant)", "Événements", "Structures de remédiation"):
        assert text in legend


VALUES = pd.Series([0.0, np.nan, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 0.0])


def test_legend_classes_zero_first_missing_last_quantiles_between():
    classes = legend_classes(VALUES, RATE)
    assert (classes[0].label, classes[0].colour) == ("Aucun (0)", ZERO_COLOUR)
    assert (classes[-1].colour, classes[-1].lower) == (MISSING_COLOUR, None)
    quantiles = classes[1:-1]
    assert [c.colour for c in quantiles] == CLASS_COLOURS
    assert [(c.lower, c.upper) for c in quantiles] == [(1.0, 2.0), (3.0, 4.0), (5.0, 6.0), (7.0, 8.0), (9.0, 10.0)]
    assert quantiles[0].label == "1,00 à 2,00\u00a0pour 10 000 hab."


def test_legend_classes_without_zero_nor_missing():
    classes = legend_classes(pd.Series([1.0, 2.0, 3.0]), RATE)
    assert "Aucun (0)" not in [c.label for c in classes]
    assert MISSING_COLOUR not in [c.colour for c in classes]


def test_legend_classes_of_one_positive_value():
    classes = legend_classes(pd.Series([4.0, 4.0, 0.0]), RATE)
    assert [(c.lower, c.upper) for c in classes] == [(0.0, 0.0), (4.0, 4.0)]
    assert classes[1].label == "4,00\u00a0pour 10 000 hab."
    assert colour_for(4.0, classes) == classes[1].colour


def test_colour_for_picks_the_class_of_a_value():
    classes = legend_classes(VALUES, RATE)
    assert colour_for(0.0, classes) == ZERO_COLOUR
    assert colour_for(np.nan, classes) == MISSING_COLOUR
    assert colour_for(None, classes) == MISSING_COLOUR
    assert colour_for(1.0, classes) == CLASS_COLOURS[0]
    assert colour_for(2.0, classes) == CLASS_COLOURS[0]
    assert colour_for(3.0, classes) == CLASS_COLOURS[1]
    assert colour_for(2.5, classes) == CLASS_COLOURS[1]  # between two classes: the upper one
    assert colour_for(9.5, classes) == CLASS_COLOURS[-1]
    assert colour_for(10.0, classes) == CLASS_COLOURS[-1]
    assert colour_for(12.0, classes) == CLASS_COLOURS[-1]


def test_colour_for_without_classes_is_grey():
    assert colour_for(3.0, []) == MISSING_COLOUR
    assert colour_for(3.0, [LegendClass("#000000", "x", 0.0, 1.0)]) == "#000000"


def test_class_index_finds_the_class_and_none_without_value():
    classes = legend_classes(VALUES, RATE)
    assert class_index(0.0, classes) == 0
    assert class_index(3.0, classes) == 2
    assert class_index(10.0, classes) == 5
    assert class_index(np.nan, classes) is None
    assert class_index(None, classes) is None
    assert class_index(1.0, [LegendClass(MISSING_COLOUR, "Sans objet (pas d'habitant)")]) is None


def test_lower_is_better_reverses_the_colours():
    measure = MEASURES["inhabitants_per_referent"]
    assert measure.is_higher_better is False
    classes = legend_classes(VALUES, measure)
    # Zero is no gap where less is better (0 km to a resource): no "Aucun" class, 0 is the best colour.
    assert "Aucun (0)" not in [c.label for c in classes]
    assert [c.colour for c in classes[:-1]] == CLASS_COLOURS[::-1]
    assert colour_for(0.0, classes) == CLASS_COLOURS[-1]
    assert colour_for(10.0, classes) == CLASS_COLOURS[0]
    assert classes[0].label == "0 à 1\u00a0habitant"  # the measure's 0 decimals, the unit in the singular


# --- legends that read right: equal figures, units, zone blanche, colour-blind viewers --------------------------------

def test_no_class_reads_the_same_figure_twice():
    """Quantiles of values close together used to give « 0,70 à 0,70 »: a class of one figure shows it once."""
    values = pd.Series([0.5, 0.6, 0.696, 0.704, 0.9, 1.0])  # quantile breaks fall at 0,696 and 0,704
    classes = legend_classes(values, RATE)
    for legend_class in classes:
        low, _, high = legend_class.label.partition(" à ")
        assert high == "" or low != high.split("\u00a0")[0], legend_class.label
    assert "0,70\u00a0pour 10 000 hab." in [c.label for c in classes]


def test_territories_that_display_the_same_figure_share_a_colour():
    """0,704 and 0,696 both read « 0,70 »: one colour, whatever the quantile breaks between them."""
    values = pd.Series([0.5, 0.6, 0.696, 0.704, 0.9, 1.0])  # a quantile break falls between them
    classes = legend_classes(values, RATE)
    shown = {}
    for value in values:
        shown.setdefault(format_number(value, RATE.decimals), set()).add(colour_for(value, classes))
    assert all(len(colours) == 1 for colours in shown.values()), shown
    counts = pd.Series([2.4, 2.6, 3.0, 2.5, 1.0, 7.0])  # counts of 0 decimals: 2,4 reads 2 and 2,6 reads 3
    count_classes = legend_classes(counts, MEASURES["events_count"])
    assert colour_for(2.6, count_classes) == colour_for(3.0, count_classes)
    assert colour_for(2.4, count_classes) == colour_for(2.0, count_classes)


@pytest.mark.parametrize(("code", "values", "expected"), [
    ("event_distance_km", [2.0, 5.0, 12.5, 20.0], "12,5\u00a0km"),
    ("remediation_occupancy_pct", [40.0, 60.0, 75.0], "75,0\u00a0%"),
    ("remediation_capacity_count", [0.0, 1.0, 12.0, 30.0], "30\u00a0places"),
    ("schools_count", [1.0, 3.0, 8.0], "1\u00a0lycée"),
    ("events_per_10k", [0.5, 1.0, 2.5], "2,50\u00a0pour 10 000 hab."),
])
def test_labels_carry_the_unit(code, values, expected):
    labels = [c.label for c in legend_classes(pd.Series(values), MEASURES[code])]
    assert expected in labels, labels


def test_ranges_carry_the_unit_once():
    classes = legend_classes(pd.Series(np.arange(0.5, 20.5, 0.5)), MEASURES["event_distance_km"], class_count=2)
    assert [c.label for c in classes] == ["0,5 à 10,0\u00a0km", "10,5 à 20,0\u00a0km"]


def test_an_index_shows_no_unit():
    labels = [c.label for c in legend_classes(pd.Series([50.0, 100.0, 150.0]), MEASURES["coverage_index"])]
    assert labels == ["50", "100", "150"]


def test_the_white_zone_threshold_is_a_class_break_for_distances():
    measure = MEASURES["event_distance_km"]
    values = pd.Series([0.0, 3.0, 8.0, 14.0, 19.0, 20.0, 23.0, 31.0, 45.0, np.nan])
    classes = legend_classes(values, measure, white_zone_km=20)
    white = classes[-2]
    assert white.label == "plus de 20\u00a0km (zone blanche)"
    assert (white.lower, white.upper, white.colour) == (23.0, 45.0, WHITE_ZONE_COLOUR)
    assert all(c.upper <= 20 for c in classes[:-2])
    assert {colour_for(v, classes) for v in (23.0, 31.0, 45.0)} == {WHITE_ZONE_COLOUR}
    assert colour_for(20.0, classes) != WHITE_ZONE_COLOUR  # 20 km is not beyond 20 km
    assert colour_for(0.0, classes) == CLASS_COLOURS[-1]  # a resource in the commune: the best colour
    assert classes[-1].label == "Aucune ressource localisée"  # a distance is missing where nothing is located
    # Without the threshold, 14 and 23 km could share a class: the threshold is what splits them.
    assert "zone blanche" not in " ".join(c.label for c in legend_classes(values, measure))
    # Only distances have a zone blanche.
    assert "zone blanche" not in " ".join(c.label for c in legend_classes(values, RATE, white_zone_km=20))


def test_the_white_zone_class_appears_only_when_some_territory_is_in_it():
    classes = legend_classes(pd.Series([1.0, 5.0, 12.0]), MEASURES["event_distance_km"], white_zone_km=20)
    assert "zone blanche" not in " ".join(c.label for c in classes)


def test_coverage_map_passes_the_white_zone_threshold():
    values = commune_values().assign(event_distance_km=[0.0, 5.0, 25.0, np.nan, 12.0, 30.0])
    features = features_by_code(coverage_map(tiny_shapes(), values, MEASURES["event_distance_km"], white_zone_km=20))
    assert features["59003"]["fill"] == features["62002"]["fill"] == WHITE_ZONE_COLOUR
    assert features["59001"]["fill"] == CLASS_COLOURS[-1]


# Machado, Oliveira and Fernandes (2009), severity 1, applied to linear RGB.
CVD_MATRICES = {
    "vision ordinaire": np.eye(3),
    "deutéranopie": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "protanopie": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "tritanopie": np.array([[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}


def seen_lab(colour: str, matrix: np.ndarray) -> np.ndarray:
    """CIELAB (D65) of a colour as a viewer with the given colour vision sees it."""
    rgb = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)]) / 255
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ np.clip(
        matrix @ linear, 0, 1)
    f = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(f > 216 / 24389, np.cbrt(f), (24389 / 27 * f + 16) / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


@pytest.mark.parametrize("vision", list(CVD_MATRICES))
def test_map_colours_stay_apart_for_colour_blind_viewers(vision):
    colours = [*CLASS_COLOURS, ZERO_COLOUR, WHITE_ZONE_COLOUR, MISSING_COLOUR, HIDDEN_COLOUR]
    seen = {colour: seen_lab(colour, CVD_MATRICES[vision]) for colour in set(colours)}
    gaps = {(a, b): float(np.linalg.norm(seen[a] - seen[b])) for a, b in itertools.combinations(seen, 2)}
    closest = min(gaps, key=gaps.get)
    assert gaps[closest] >= 12, (vision, closest, gaps[closest])
    lightness = [seen[colour][0] for colour in CLASS_COLOURS]
    assert lightness == sorted(lightness, reverse=True)  # the sequence reads by lightness alone, worst to best


def test_special_classes_keep_their_own_colours():
    assert len({*CLASS_COLOURS, ZERO_COLOUR, MISSING_COLOUR, HIDDEN_COLOUR}) == len(CLASS_COLOURS) + 3


# --- point layers ---------------------------------------------------------------------------------------------------

def test_clustered_points_use_fast_marker_cluster_and_the_circle_callback():
    fmap = coverage_map(tiny_shapes(), commune_values(), RATE, point_layers())
    groups = {group.layer_name: group for group in children_of(fmap, folium.FeatureGroup)}
    assert set(groups) == {"Événements (4)", "Structures de remédiation (3)"}  # the event without position is left out
    (cluster,) = children_of(groups["Événements (4)"], FastMarkerCluster)
    assert len(cluster.data) == 4 and cluster.data[0][2] == "Forum des métiers – forum"
    assert "L.circleMarker(new L.LatLng(row[0], row[1])" in cluster.callback
    assert 'fillColor: "#e6550d"' in cluster.callback and "radius: 6" in cluster.callback
    page = render(fmap)
    assert "L.markerClusterGroup(" in page and "marker.bindTooltip(row[2]);" in page
    assert '"disableClusteringAtZoom": 12' in page


def test_unclustered_points_are_circle_markers():
    fmap = coverage_map(tiny_shapes(), commune_values(), RATE, point_layers())
    groups = {group.layer_name: group for group in children_of(fmap, folium.FeatureGroup)}
    structures = groups["Structures de remédiation (3)"]
    assert children_of(structures, FastMarkerCluster) == []
    page = render(fmap)
    rows = json.loads(re.search(r"var rows = (\[.*?\]);", page).group(1))
    assert len(rows) == 3
    assert 'fillColor: "#756bb1"' in page and "radius: 8" in page
    assert "draw(rows[i]).addTo(" in page


def test_layer_control_only_with_point_layers():
    assert children_of(coverage_map(tiny_shapes(), commune_values(), RATE), folium.LayerControl) == []
    with_points = coverage_map(tiny_shapes(), commune_values(), RATE, point_layers())
    assert len(children_of(with_points, folium.LayerControl)) == 1


@pytest.mark.parametrize("level", ["epci", "departement"])
def test_coverage_map_at_other_levels(level):
    values = compute_measures(tiny_inputs(), levels=(level,))[level]
    features = features_by_code(coverage_map(tiny_shapes(level), values, MEASURES["events_count"]))
    assert len(features) == 2
    assert {f["value_label"] for f in features.values()} == ({"2", "3"} if level == "epci" else {"4", "1"})
