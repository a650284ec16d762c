"""The Carte map component's data, built without a browser: geometry once, then colours and labels only."""

import json

import numpy as np
import pandas as pd
import pytest
import shapely

from models.disclosure import suppress_small_counts
from models.measures import INDICATORS, compute_measures
from models.settings import PROJECT_DIR
from tests.fixtures import tiny_inputs, tiny_remediation, tiny_shapes
from views.choropleth import MapOverlay, map_payload, topology
from views.maps import HIDDEN_COLOUR, MISSING_COLOUR, PointLayer

RATE = INDICATORS["events_per_10k"]
HOSTILE = "<img src=x onerror=alert(1)> {{ 7*191 }} ${x} `t` </script>"


def decode(topo: dict) -> list[shapely.Geometry]:
    """The reference TopoJSON decoding (what views/choropleth.js does), back to shapely polygons."""
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = [np.cumsum(np.array(arc), axis=0) * [sx, sy] + [tx, ty] for arc in topo["arcs"]]

    def ring(indexes):
        points = []
        for index in indexes:
            arc = arcs[index] if index >= 0 else arcs[~index][::-1]
            points.extend(arc[1:] if points else arc)
        return points

    shapes = []
    for geometry in topo["objects"]["data"]["geometries"]:
        polygons = [geometry["arcs"]] if geometry["type"] == "Polygon" else geometry["arcs"]
        shapes.append(shapely.MultiPolygon([shapely.Polygon(ring(p[0]), [ring(h) for h in p[1:]])
                                            for p in polygons]))
    return shapes


@pytest.fixture(scope="module")
def communes():
    return tiny_shapes("commune")


@pytest.fixture(scope="module")
def values():
    return compute_measures(tiny_inputs(), 20.0)["commune"]


def test_the_topology_gives_back_each_outline_within_the_quantisation(communes):
    topo = topology(communes)
    assert topo["codes"] == communes.territory_code.tolist()
    assert topo["names"] == communes.name.tolist()
    for original, decoded in zip(communes.geometry, decode(topo)):
        assert original.symmetric_difference(decoded).area < 0.02 * original.area


def test_neighbours_share_their_border_once(communes):
    topo = topology(communes)
    used = [abs(i if i >= 0 else ~i) for g in topo["objects"]["data"]["geometries"]
            for ring in g["arcs"] for i in (ring if g["type"] == "Polygon" else [j for r in ring for j in r])]
    # Six squares side by side: the inner borders are arcs used by two territories.
    assert max(pd.Series(used).value_counts()) == 2
    assert all(isinstance(v, int) for arc in topo["arcs"] for point in arc for v in point)


def test_each_territory_gets_its_class_and_label_and_the_geometry_is_not_repeated(communes, values):
    data = map_payload(topology(communes), "32-commune-1", "commune", values, RATE)
    payload = data.payload
    assert "geometries" not in payload and data.geometry_ids == ["32-commune-1"]
    assert payload["visible"] == list(range(len(communes)))
    classes, palette = payload["values"]["classes"], payload["values"]["palette"]
    by_code = values.set_index("territory_code")[RATE.code]
    legend = [item["colour"] for item in payload["legend"]["items"]]
    for code, index, label in zip(communes.territory_code, classes, payload["values"]["labels"]):
        value = by_code[code]
        assert palette[index] == MISSING_COLOUR if pd.isna(value) else palette[index] in legend
        assert label == ("–" if pd.isna(value) else f"{value:.2f}".replace(".", ",") + " pour 10 000 hab.")
    # Same value, same colour.
    pairs = {}
    for code, index in zip(communes.territory_code, classes):
        pairs.setdefault(round(by_code[code], 2), set()).add(index)
    assert all(len(indexes) == 1 for indexes in pairs.values())
    assert len(json.dumps(payload)) < 4_000


def test_a_departement_filter_draws_only_its_territories(communes, values):
    kept = values[values.territory_code.str.startswith("62")]
    payload = map_payload(topology(communes), "g", "commune", kept, RATE).payload
    assert [communes.territory_code.iloc[i] for i in payload["visible"]] == ["62001", "62002"]


def test_hidden_counts_are_painted_as_a_secret(communes, values):
    measure = INDICATORS["ambassadors_count"]
    hidden = suppress_small_counts(values, 5)
    payload = map_payload(topology(communes), "g", "commune", hidden, measure).payload
    palette = payload["values"]["palette"]
    secret = [label for index, label in zip(payload["values"]["classes"], payload["values"]["labels"])
              if palette[index] == HIDDEN_COLOUR]
    assert secret and set(secret) <= {"< 5", "secret"}
    assert "Secret statistique (petit effectif)" in [item["label"] for item in payload["legend"]["items"]]


def test_points_overlays_and_texts_travel_as_data(communes, values):
    structures = tiny_remediation().assign(label=HOSTILE)
    overlay = MapOverlay("Zones blanches", ["59004", "99999"], [HOSTILE, "hors région"])
    commune_topology = topology(communes)
    data = map_payload(commune_topology, "g", "commune", values, RATE,
                       [PointLayer(HOSTILE, structures, "#756bb1")], [(overlay, commune_topology, "g")])
    payload = data.payload
    assert payload["points"][0]["rows"][0][2] == HOSTILE  # as typed: views/choropleth.js sets it as textContent
    assert payload["overlays"] == [{"geometry_id": "g", "name": "Zones blanches",
                                    "indexes": [communes.territory_code.tolist().index("59004")],
                                    "labels": [HOSTILE]}]
    assert f"{HOSTILE} (3)" in [item["label"] for item in payload["legend"]["items"]]
    assert data.geometry_ids == ["g"]


def test_the_script_puts_data_in_the_page_as_text_only():
    source = (PROJECT_DIR / "views" / "choropleth.js").read_text(encoding="utf-8")
    assert "innerHTML" not in source and "insertAdjacentHTML" not in source and "eval(" not in source
    assert source.count("textContent") >= 3


def test_tiles_only_when_a_server_is_set_and_their_attribution_escaped(communes, values):
    assert map_payload(topology(communes), "g", "commune", values, RATE).payload["tiles"] is None
    payload = map_payload(topology(communes), "g", "commune", values, RATE, tile_url="http://127.0.0.1/{z}/{x}/{y}",
                          tile_attribution='<img src=x onerror=alert(1)> © IGN').payload
    assert payload["tiles"]["url"] == "http://127.0.0.1/{z}/{x}/{y}"
    assert "<img" not in payload["tiles"]["attribution"] and "IGN" in payload["tiles"]["attribution"]
