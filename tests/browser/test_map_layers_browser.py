"""Every combination of point layers and white zones draws, in Chromium, from a server on this machine.

The Carte page's map (views/choropleth.js) is mounted in a plain page as Streamlit mounts it: the module's
default export called with the data `map_payload` builds, at mount and again at each rerun. The folium
maps `coverage_map` builds (Où agir, Fiche territoire) are loaded as the full pages folium writes, with and
without a base map. Leaflet comes from the app's own static files, tiles from the same local server:
nothing leaves the machine.
"""

import functools
import http.server
import io
import itertools
import json
import re
import shutil
import threading

import pytest
from PIL import Image
from playwright.sync_api import expect

from loaders.assets import install_map_assets
from models.measures import INDICATORS, compute_measures
from models.settings import PROJECT_DIR
from tests.browser.conftest import hover_every_point, map_root, territory_spot
from tests.fixtures import tiny_communes, tiny_events, tiny_inputs, tiny_remediation, tiny_schools, tiny_shapes
from views.choropleth import CSS, MapOverlay, map_payload, topology
from views.maps import PointLayer, coverage_map

pytestmark = pytest.mark.browser
RATE = INDICATORS["events_per_10k"]


def _layers() -> dict[str, PointLayer]:
    events, structures, schools = tiny_events(), tiny_remediation(), tiny_schools()
    ambassadors = events.assign(label="Ambassadeur – Industrie")
    return {
        "events": PointLayer("Événements", events.assign(label=events.title), "#e6550d"),
        "ambassadors": PointLayer("Ambassadeurs", ambassadors, "#31a354"),
        "remediation": PointLayer("Structures de remédiation", structures.assign(label=structures.name),
                                  "#756bb1", clustered=False, radius=8),
        "schools": PointLayer("Lycées", schools.assign(label=schools.name), "#636363", radius=4),
    }


COMBINATIONS = [combo for size in range(5) for combo in itertools.combinations(
    ["events", "ambassadors", "remediation", "schools"], size)]


# The component as Streamlit mounts it: its module's default export, called with {data, parentElement,
# setTriggerValue} at mount and at every rerun on the same element; trigger values are kept for the test.
HARNESS = """<!doctype html>
<html><head><meta charset="utf-8"><style>/*CSS*/</style></head>
<body style="margin: 20px"><div id="parent" style="width: 820px"></div>
<script type="module">
import mount from "./choropleth.js";
window.triggers = [];
const component = (data) => ({data, parentElement: document.getElementById("parent"),
                               setTriggerValue: (name, value) => window.triggers.push([name, value])});
window.drawMap = (data) => { mount(component(data)); };
</script></body></html>"""
WHITE_ZONE = MapOverlay("Zones blanches – essai (> 20 km)", ["59004", "62002"],
                        ["Fleury-Désert : zone blanche, aucune ressource", "Les Deux-Rives : zone blanche, 25,0 km"])


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Files of the site folder; any /tiles/ path answers one grey PNG tile."""

    tile = b""

    def do_GET(self):  # noqa: N802  (http.server's name)
        if self.path.startswith("/tiles/"):
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(self.tile)))
            self.end_headers()
            self.wfile.write(self.tile)
            return
        super().do_GET()

    def log_message(self, *_args):
        return


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A local web server: /app/static/vendor as the app serves it, the component's page, folium's pages, tiles."""
    root = tmp_path_factory.mktemp("map-site")
    shutil.copytree(install_map_assets(), root / "app" / "static" / "vendor")
    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), (220, 220, 220)).save(buffer, "PNG")
    _Handler.tile = buffer.getvalue()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Handler, directory=str(root)))
    shutil.copy(PROJECT_DIR / "views" / "choropleth.js", root / "choropleth.js")
    (root / "component.html").write_text(HARNESS.replace("/*CSS*/", CSS), encoding="utf-8")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def _geometries() -> dict[str, dict]:
    return {f"tiny-{level}": topology(tiny_shapes(level)) for level in ("commune", "departement")}


def _payload(combo, white_zones: bool, level: str = "commune", values=None, with_geometries: bool = True) -> dict:
    """What `show_map` sends for one rerun: `map_payload`'s data, with the geometries the browser lacks."""
    geometries = _geometries()
    values = compute_measures(tiny_inputs(), levels=(level,))[level] if values is None else values
    overlays = [(WHITE_ZONE, geometries["tiny-commune"], "tiny-commune")] if white_zones else []
    places = tiny_communes().head(2).assign(rank=["prefecture", "commune"])
    layers = _layers()
    data = map_payload(geometries[f"tiny-{level}"], f"tiny-{level}", level, values, RATE,
                       [layers[name] for name in combo], overlays, places, view_key=level, height=600)
    sent = {gid: geometries[gid] for gid in data.geometry_ids} if with_geometries else {}
    return json.loads(json.dumps(dict(data.payload, geometries=sent)))


def _topmost_labels(combo) -> set[str]:
    """The tooltip a person can reach at each marker's place: the last drawn there (layers in order, rows in order)."""
    layers, top = _layers(), {}
    for name in combo:
        frame = layers[name].frame.dropna(subset=["latitude", "longitude"])
        for lat, lon, label in zip(frame.latitude, frame.longitude, frame.label):
            top[(round(lat, 5), round(lon, 5))] = str(label)
    return set(top.values())


def _point_count(combo) -> int:
    return sum(len(_layers()[name].frame.dropna(subset=["latitude", "longitude"])) for name in combo)


def _watched_page(browser, base: str):
    """A page of the harness's size, with the errors it throws and the requests it sends off the harness."""
    page = browser.new_page(viewport={"width": 900, "height": 700})
    errors, outside = [], []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: None if request.url.startswith((base, "data:", "about:"))
            else outside.append(request.url))
    return page, errors, outside


def _open_harness(page, base):
    page.goto(f"{base}/component.html")
    page.wait_for_function("() => window.drawMap !== undefined", timeout=30_000)


def _draw(page, payload) -> None:
    page.evaluate("data => window.drawMap(data)", payload)


def _expect_points(page, count: int) -> None:
    page.wait_for_function("([selector, count]) => document.querySelector(selector).maillage.points().length "
                           "=== count", arg=['[data-testid="maillage-map"]', count], timeout=30_000)


@pytest.mark.parametrize("white_zones", [False, True], ids=["sans-zones-blanches", "zones-blanches"])
def test_every_combination_of_layers_draws_on_the_carte_map(site, browser, white_zones):
    _root, base = site
    page, errors, outside = _watched_page(browser, base)
    for combo in COMBINATIONS:
        name = "-".join(combo) or "aucun"
        _open_harness(page, base)  # a fresh page: the map mounted with this combination, its geometry decoded
        _draw(page, _payload(combo, white_zones))
        root = map_root(page)
        expect(root).to_have_attribute("data-shapes", str(len(tiny_shapes())), timeout=30_000)
        expect(root).to_have_attribute("data-geometry-loads", "1")
        expect(root).to_have_attribute("data-measure", RATE.code)
        legend = root.locator(".maillage-legend")
        expect(legend).to_contain_text(RATE.label)
        for layer in combo:
            expect(legend).to_contain_text(_layers()[layer].name)
        _expect_points(page, _point_count(combo))
        # Every marker answers the mouse with its own text (the topmost one where markers share a place).
        assert set(hover_every_point(page)) == _topmost_labels(combo), name
        if white_zones:  # the commune without any resource is outlined, with its own tooltip
            expect(legend).to_contain_text(WHITE_ZONE.name)
            spot = territory_spot(page, "59004")
            page.mouse.move(spot["x"], spot["y"])
            expect(page.locator(".leaflet-tooltip").filter(has_text="zone blanche")).to_have_text(
                WHITE_ZONE.labels[0], timeout=30_000)
            page.mouse.move(0, 0)
        expect(page.locator(".maillage-map-error")).to_have_count(0)
        assert errors == [], f"{name} : {errors}"
    assert outside == []
    page.close()


def test_one_map_follows_its_reruns_and_decodes_each_geometry_once(site, browser):
    """As on the page: a geometry travels once, later reruns send colours, labels and points only."""
    _root, base = site
    page = browser.new_page(viewport={"width": 900, "height": 700})
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    _open_harness(page, base)
    root = map_root(page)
    reruns = [*[(combo, index % 2 == 1) for index, combo in enumerate(COMBINATIONS)], *[((), False)]]
    for index, (combo, white_zones) in enumerate(reruns):
        _draw(page, _payload(combo, white_zones, with_geometries=index == 0))
        expect(root).to_have_attribute("data-paint", str(index + 1), timeout=30_000)
        _expect_points(page, _point_count(combo))
        expect(root).to_have_attribute("data-geometry-loads", "1")
        expect(root).to_have_attribute("data-shapes", str(len(tiny_shapes())))
    # A département filter: the same outlines, fewer drawn.
    values = compute_measures(tiny_inputs(), levels=("commune",))["commune"]
    _draw(page, _payload((), False, values=values[values.territory_code.str.startswith("59")], with_geometries=False))
    expect(root).to_have_attribute("data-shapes", "4", timeout=30_000)
    # Another level: its outlines come once; back to communes, nothing to decode again.
    _draw(page, _payload(("schools",), True, level="departement"))
    expect(root).to_have_attribute("data-level", "departement", timeout=30_000)
    expect(root).to_have_attribute("data-shapes", "2")
    expect(root).to_have_attribute("data-geometry-loads", "2")
    _draw(page, _payload(("remediation",), True, with_geometries=False))
    expect(root).to_have_attribute("data-level", "commune", timeout=30_000)
    expect(root).to_have_attribute("data-geometry-loads", "2")
    # A click on a territory comes back as its code.
    spot = territory_spot(page, "62001")
    page.mouse.move(spot["x"], spot["y"])
    expect(page.locator(".leaflet-tooltip").filter(has_text="Cité-Neuve")).to_be_visible(timeout=30_000)
    page.mouse.click(spot["x"], spot["y"])
    page.wait_for_function("() => window.triggers.some(([name, code]) => name === 'clicked' && code === '62001')",
                           timeout=30_000)
    expect(page.locator(".maillage-map-error")).to_have_count(0)
    assert errors == []
    page.close()


def test_a_reloaded_page_asks_for_the_geometry_it_lost(site, browser):
    """The session thinks the browser holds the outlines; a reloaded page does not, says which, then draws them."""
    _root, base = site
    page = browser.new_page(viewport={"width": 900, "height": 700})
    _open_harness(page, base)
    _draw(page, _payload(("remediation",), True, with_geometries=False))
    asked = page.wait_for_function("() => window.triggers.find(([name]) => name === 'missing_geometry')",
                                   timeout=30_000).json_value()
    assert set(asked[1].split(" ")) == {"tiny-commune"}
    _draw(page, _payload(("remediation",), True))  # the next rerun sends it
    expect(map_root(page)).to_have_attribute("data-shapes", str(len(tiny_shapes())), timeout=30_000)
    _expect_points(page, _point_count(("remediation",)))
    expect(page.locator(".maillage-map-error")).to_have_count(0)
    page.close()


# The folium maps (`coverage_map`) the Où agir and Fiche territoire pages still show in streamlit-folium.


@pytest.mark.parametrize("with_tiles", [False, True], ids=["sans-fond", "fond-local"])
def test_every_combination_of_layers_draws_on_a_folium_map(site, browser, with_tiles):
    root, base = site
    values = compute_measures(tiny_inputs(), levels=("commune",))["commune"]
    layers = _layers()
    page, errors, outside = _watched_page(browser, base)
    for combo in COMBINATIONS:
        fmap = coverage_map(tiny_shapes(), values, RATE, [layers[name] for name in combo],
                            tile_url=f"{base}/tiles/{{z}}/{{x}}/{{y}}.png" if with_tiles else "",
                            tile_attribution="Fond d'essai")
        name = "-".join(combo) or "aucun"
        (root / f"{name}.html").write_text(fmap.get_root().render(), encoding="utf-8")
        page.goto(f"{base}/{name}.html")
        # The choropleth's communes and the legend: the map did not go blank.
        expect(page.locator("path.leaflet-interactive").nth(len(tiny_shapes()) - 1)).to_be_attached(timeout=30_000)
        expect(page.locator(".maillage-legend")).to_have_count(1)
        if "remediation" in combo:  # plain circle markers, one per structure
            expect(page.locator("path.leaflet-interactive").nth(len(tiny_shapes()) + len(tiny_remediation()) - 1)
                   ).to_be_attached(timeout=30_000)
        if {"events", "ambassadors", "schools"} & set(combo):  # clustered layers: circles, or clusters when zoomed out
            page.wait_for_function("shapes => document.querySelectorAll('path.leaflet-interactive').length "
                                   "+ document.querySelectorAll('.leaflet-marker-pane > *').length > shapes",
                                   arg=len(tiny_shapes()) + (len(tiny_remediation()) if "remediation" in combo else 0),
                                   timeout=30_000)
        if with_tiles:
            expect(page.locator("img.leaflet-tile-loaded").first).to_be_attached(timeout=30_000)
        assert errors == [], f"{name} : {errors}"
    assert outside == []
    page.close()


def test_a_map_without_max_zoom_would_go_blank(site, browser):
    """The failure this guards against, shown once: a cluster layer on a map with no maxZoom throws."""
    root, base = site
    values = compute_measures(tiny_inputs(), levels=("commune",))["commune"]
    fmap = coverage_map(tiny_shapes(), values, RATE, [_layers()["events"]])
    html = re.sub(r'"maxZoom": \d+,?', "", fmap.get_root().render())
    (root / "sans-maxzoom.html").write_text(html, encoding="utf-8")
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{base}/sans-maxzoom.html")
    for _ in range(100):  # the error is reported asynchronously: wait for it, up to 10 s
        if errors:
            break
        page.wait_for_timeout(100)
    assert any("maxZoom" in error for error in errors)
    page.close()
