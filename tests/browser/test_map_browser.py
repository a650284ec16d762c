"""What only a browser shows: the Carte page's map drawn by Leaflet in the page, offline, text escaped, clicks.

The map is a components-v2 element (views/choropleth.js), drawn on a canvas: its root element says what is
drawn (data-level, data-shapes, data-geometry-loads, data-paint, data-measure) and its `maillage` handle
where a territory's centre is on screen; tests hover and click there with the real mouse.
"""

import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select, update
from sqlmodel import Session

from models.db import get_engine
from models.measures import INDICATORS
from models.territory import Departement, Epci
from tests.browser.conftest import (
    map_root,
    open_app_page,
    requests_leaving,
    serve,
    settled,
    territory_spot,
    websocket_messages,
)
from views.formatting import format_number

pytestmark = pytest.mark.browser
HOSTILE_NAME = '<img src=x onerror="window.__pwned=1">CC du Test'
HOSTILE_EPCI = "200093201"
TOOLTIP = ".leaflet-tooltip:not(.maillage-place)"  # the one under the mouse, not a place name
CODE_OF = {indicator.label: code for code, indicator in INDICATORS.items()}
CHANGE_BUDGET = 400_000  # bytes the map may receive for a change of indicator at commune level


@pytest.fixture(scope="module")
def map_store_url(demo_store_url, tmp_path_factory):
    # A copy of the demo store where one EPCI carries a hostile name, as an import could bring.
    source = Path(demo_store_url.removeprefix("sqlite:///"))
    target = tmp_path_factory.mktemp("browser") / "store.db"
    shutil.copy(source, target)
    url = f"sqlite:///{target}"
    with Session(get_engine(url)) as session:
        session.execute(update(Epci).where(Epci.epci_code == HOSTILE_EPCI).values(name=HOSTILE_NAME))
        session.commit()
    return url


@pytest.fixture(scope="module")
def app_url(map_store_url):
    with serve(map_store_url, Path(map_store_url.removeprefix("sqlite:///")).parent) as base:
        yield base


def _scalar(url: str, statement):
    with Session(get_engine(url)) as session:
        return session.execute(statement).scalar_one()


def _departement(url: str, code: str) -> tuple[str, int]:
    with Session(get_engine(url)) as session:
        return session.execute(select(Departement.name, Departement.population_count).where(
            Departement.departement_code == code)).one()


def _open_map(browser, url):
    """The Carte page, once the map has drawn its first level (EPCI for the whole région)."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    outside = requests_leaving(page)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    received = websocket_messages(page)
    open_app_page(page, url + "/carte")
    expect(map_root(page)).to_have_attribute("data-level", "epci", timeout=90_000)
    settled(page)
    return page, outside, errors, received


def _main(page):
    return page.get_by_test_id("stMainBlockContainer")


def _choose_level(page, label: str, level: str) -> None:
    _main(page).get_by_test_id("stRadio").get_by_text(label, exact=True).click()
    expect(map_root(page)).to_have_attribute("data-level", level, timeout=120_000)
    settled(page)


def _hover_territory(page, code: str, name: str) -> dict:
    """Put the mouse on a territory (its centre, or beside it clear of markers) and wait for its tooltip.

    Once its tooltip shows, a click at the same place lands on that territory.
    """
    centre = territory_spot(page, code)
    page.mouse.move(centre["x"], centre["y"])
    # Filtered by name: the tooltip just closed fades out for a moment beside the new one.
    expect(page.locator(TOOLTIP).filter(has_text=name)).to_be_visible(timeout=30_000)
    return centre


def test_map_draws_polygons_with_nothing_from_outside(app_url, map_store_url, browser):
    page, outside, errors, _ = _open_map(browser, app_url)
    epci_count = _scalar(map_store_url, select(func.count()).select_from(Epci).where(Epci.region_code == "32"))
    root = map_root(page)
    expect(root).to_have_attribute("data-shapes", str(epci_count), timeout=60_000)  # the région's EPCI
    expect(root).to_have_attribute("data-geometry-loads", "1")
    expect(root).to_have_attribute("data-measure", "events_per_10k")
    expect(root.locator(".maillage-legend")).to_contain_text("Événements pour 10 000 habitants")
    expect(root.locator("canvas")).not_to_have_count(0)  # drawn on a canvas, in the page: no iframe any more
    expect(page.locator("iframe")).to_have_count(0)
    expect(page.locator(".maillage-map-error")).to_have_count(0)
    page.wait_for_timeout(2_000)  # late requests (tiles, fonts) would show up here
    assert outside == [], f"requêtes sorties de la machine : {outside[:5]}"
    assert errors == []
    page.close()


def test_hostile_names_are_shown_as_text_not_run(app_url, browser):
    page, _, errors, _ = _open_map(browser, app_url)
    # The tooltip of the EPCI with the hostile name, under the real mouse: the name is text.
    _hover_territory(page, HOSTILE_EPCI, "CC du Test")
    expect(page.locator(TOOLTIP).filter(has_text="CC du Test")).to_contain_text(HOSTILE_NAME)
    expect(page.locator("img[src='x']")).to_have_count(0)
    assert page.evaluate("() => window.__pwned") is None
    assert errors == []
    page.close()


def test_first_click_on_a_fresh_map_shows_the_figures(app_url, map_store_url, browser):
    page, _, errors, _ = _open_map(browser, app_url)
    _choose_level(page, "Département", "departement")
    expect(map_root(page)).to_have_attribute("data-shapes", "5", timeout=60_000)
    main = _main(page)
    habitants = main.get_by_test_id("stMetric").filter(has_text="Habitants")
    expect(habitants).to_have_count(0)
    for code in ("59", "80"):  # the first click on this map, then another territory
        name, population = _departement(map_store_url, code)
        centre = _hover_territory(page, code, name)
        page.mouse.click(centre["x"], centre["y"])
        bold = main.get_by_test_id("stMarkdown").locator("strong").filter(has_text=re.compile(f"^{name}$"))
        expect(bold).to_be_visible(timeout=90_000)
        expect(main.get_by_test_id("stMarkdown").filter(has_text=f"({code})")).to_have_count(1)
        expect(habitants).to_contain_text(format_number(population), timeout=30_000)
    assert errors == []
    page.close()


def test_a_change_of_indicator_recolours_without_sending_the_geometry_again(app_url, browser):
    page, _, errors, received = _open_map(browser, app_url)
    root = map_root(page)
    received.clear()
    _choose_level(page, "Commune", "commune")
    expect(root).to_have_attribute("data-geometry-loads", "2", timeout=60_000)  # the communes' outlines, once
    commune_draw = [message for message in received if b"maillage_map" in message]
    commune_total = sum(map(len, received))
    paint = root.get_attribute("data-paint")  # read once the commune level is drawn
    received.clear()
    measure = root.get_attribute("data-measure")
    _main(page).get_by_test_id("stSelectbox").filter(has_text="Indicateur").click()
    other = page.get_by_role("option").filter(has_not_text=INDICATORS[measure].label).first
    chosen = other.inner_text().strip()
    other.click()
    expect(root).to_have_attribute("data-measure", CODE_OF[chosen], timeout=120_000)
    settled(page)
    expect(root).not_to_have_attribute("data-paint", paint)  # a counter: changed means recoloured
    expect(root).to_have_attribute("data-geometry-loads", "2")
    expect(root).to_have_attribute("data-level", "commune")
    # What the change cost on the websocket: the map's colours and labels, not its outlines.
    change = [message for message in received if b"maillage_map" in message]
    map_bytes, first_bytes = sum(map(len, change)), sum(map(len, commune_draw))
    assert change, "la carte n'a rien reçu pour le changement d'indicateur"
    assert map_bytes < CHANGE_BUDGET, f"{map_bytes} octets pour recolorer la carte ({first_bytes} au premier dessin)"
    assert first_bytes > 3 * map_bytes, f"premier dessin {first_bytes} octets, changement {map_bytes}"
    # The page around it (table included) costs less than the first commune draw too: no outlines in it.
    change_total = sum(map(len, received))
    assert change_total < commune_total, f"changement {change_total} octets, premier dessin {commune_total}"
    assert errors == []
    page.close()
