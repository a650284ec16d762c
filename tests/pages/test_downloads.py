"""Downloads of charts and maps: each page offers them, and what they build is a picture of what it shows."""

import io
from xml.etree import ElementTree

import pytest
from PIL import Image
from streamlit.elements.widgets.button import ButtonMixin

from models.access import Viewer
from models.audit import read_access_log
from models.settings import get_settings
from tests.pages.test_pages import run_page
from views.maps import HIDDEN_COLOUR

PNG = b"\x89PNG\r\n\x1a\n"
MAP_LABEL = "Télécharger la carte (PNG)"


@pytest.fixture
def builders(monkeypatch) -> dict[str, object]:
    """What each download button would send, by key: the callable a click runs (or the bytes given)."""
    found = {}
    original = ButtonMixin.download_button

    def recording(self, label, data, file_name=None, *args, **kwargs):
        found[kwargs.get("key")] = (file_name, data)
        return original(self, label, data, file_name, *args, **kwargs)

    monkeypatch.setattr(ButtonMixin, "download_button", recording)
    return found


def built(builders: dict, key: str) -> tuple[str, bytes]:
    """The file name and bytes of one download, built as a click builds it."""
    file_name, data = builders[key]
    return file_name, data() if callable(data) else data


def labels(app) -> dict[str, str]:
    return {button.key: button.label for button in app.download_button}


def as_role(monkeypatch, role: str, departements: str = "") -> None:
    monkeypatch.setenv("VIEWER_ROLE", role)
    monkeypatch.setenv("VIEWER_DEPARTEMENTS", departements)
    get_settings.cache_clear()


def test_carte_offers_its_map_as_a_png(app_env, builders):
    app = run_page("pages/map.py")
    assert not app.exception, [e.message for e in app.exception]
    assert labels(app)["map-png"] == MAP_LABEL
    file_name, data = built(builders, "map-png")
    assert file_name.startswith("maillage-carte-epci-events_per_10k") and file_name.endswith(".png")
    assert data.startswith(PNG)
    assert len(Image.open(io.BytesIO(data)).convert("RGB").getcolors(maxcolors=1_000_000)) > 20  # a map, not blank


def test_carte_at_commune_level_too(app_env, builders):
    app = run_page("pages/map.py", "59")  # a département opens the map at commune level
    assert app.radio(key="map_level").value == "commune"
    assert not app.exception, [e.message for e in app.exception]
    assert labels(app)["map-png"] == MAP_LABEL
    file_name, data = built(builders, "map-png")
    assert file_name.startswith("maillage-carte-commune-") and data.startswith(PNG)


def hidden_pixels(png: bytes) -> int:
    """How many pixels of a picture have the colour of « Secret statistique » (antialiased outlines have a few)."""
    grey = tuple(int(HIDDEN_COLOUR[i:i + 2], 16) for i in (1, 3, 5))
    return dict((colour, count) for count, colour in
                Image.open(io.BytesIO(png)).convert("RGB").getcolors(maxcolors=1_000_000)).get(grey, 0)


def ambassadors_map(builders, monkeypatch, role: str) -> bytes:
    as_role(monkeypatch, role)
    app = run_page("pages/map.py", "59")
    app.radio(key="map_level").set_value("epci").run()
    app.selectbox(key="map_measure_area").select("ambassadors_count").run()
    assert not app.exception, [e.message for e in app.exception]
    return built(builders, "map-png")[1]


def test_carte_for_codir_draws_hidden_small_counts_as_secret(app_env, builders, monkeypatch):
    direction = hidden_pixels(ambassadors_map(builders, monkeypatch, "direction"))
    codir = hidden_pixels(ambassadors_map(builders, monkeypatch, "codir"))
    assert codir > direction + 1000  # EPCI drawn « Secret statistique », and the legend's patch


@pytest.mark.parametrize(("page", "key"), [("pages/territory.py", "sheet-map-png"),
                                           ("pages/next_steps.py", "next-map-png")])
def test_other_maps_offer_a_png(app_env, builders, page, key):
    app = run_page(page, "62")
    assert not app.exception, [e.message for e in app.exception]
    assert labels(app)[key] == MAP_LABEL
    assert built(builders, key)[1].startswith(PNG)


def test_events_charts_offer_png_and_svg(app_env, builders):
    app = run_page("pages/events.py")
    assert not app.exception, [e.message for e in app.exception]
    shown = labels(app)
    for chart in ("events-month-chart", "events-type-chart", "events-sector-chart"):
        assert (shown[f"{chart}-png"], shown[f"{chart}-svg"]) == ("Graphique (PNG)", "Graphique (SVG)")
    file_name, png = built(builders, "events-month-chart-png")
    assert file_name.startswith("maillage-evenements-par-mois-") and png.startswith(PNG)
    file_name, svg = built(builders, "events-month-chart-svg")
    assert file_name.endswith(".svg")
    texts = {"".join(n.itertext()) for n in ElementTree.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")}
    assert "Événements par mois et par type" in texts  # the title the screen gives in its heading
    assert any("année scolaire" in text for text in texts)


def test_a_chart_naming_referents_is_logged_when_downloaded(own_store):
    app = run_page("pages/referents.py")
    assert not app.exception, [e.message for e in app.exception]
    before = len(read_access_log(own_store, Viewer("admin")))
    app.download_button(key="referents-chart-svg").click().run()
    assert not app.exception, [e.message for e in app.exception]
    log = read_access_log(own_store, Viewer("admin"))
    assert len(log) == before + 1
    assert log.sort_values("at").iloc[-1][["action", "what"]].tolist() == ["export",
                                                                            "Charge des référents, par nom (région)"]
