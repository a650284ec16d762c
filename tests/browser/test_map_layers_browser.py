"""Every combination of point layers draws, with and without a base map, in Chromium.

The maps the builders make are loaded as the full pages folium writes, served with Leaflet from the
app's own static files and, for the base map, tiles from a server on this machine: nothing leaves it.
"""

import functools
import http.server
import io
import itertools
import re
import shutil
import threading

import pytest
from PIL import Image
from playwright.sync_api import expect

from loaders.assets import install_map_assets
from models.measures import INDICATORS, compute_measures
from tests.fixtures import tiny_events, tiny_inputs, tiny_remediation, tiny_schools, tiny_shapes
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
    """A local web server: /app/static/vendor as the app serves it, the map pages, and tiles."""
    root = tmp_path_factory.mktemp("map-site")
    shutil.copytree(install_map_assets(), root / "app" / "static" / "vendor")
    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), (220, 220, 220)).save(buffer, "PNG")
    _Handler.tile = buffer.getvalue()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Handler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.mark.parametrize("with_tiles", [False, True], ids=["sans-fond", "fond-local"])
def test_every_combination_of_layers_draws(site, browser, with_tiles):
    root, base = site
    values = compute_measures(tiny_inputs(), levels=("commune",))["commune"]
    layers = _layers()
    page = browser.new_page(viewport={"width": 900, "height": 700})
    errors, outside = [], []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: None if request.url.startswith((base, "data:", "about:"))
            else outside.append(request.url))
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
