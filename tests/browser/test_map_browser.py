"""What only a browser shows: the map drawn by Leaflet, offline, and imported text escaped."""

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import update
from sqlmodel import Session

from models.db import get_engine
from models.territory import Epci
from tests.browser.conftest import requests_leaving, serve

pytestmark = pytest.mark.browser
HOSTILE_NAME = '<img src=x onerror="window.__pwned=1">CC du Test'


@pytest.fixture(scope="module")
def app_url(demo_store_url, tmp_path_factory):
    # A copy of the demo store where one EPCI carries a hostile name, as an import could bring.
    source = Path(demo_store_url.removeprefix("sqlite:///"))
    target = tmp_path_factory.mktemp("browser") / "store.db"
    shutil.copy(source, target)
    url = f"sqlite:///{target}"
    with Session(get_engine(url)) as session:
        session.execute(update(Epci).where(Epci.epci_code == "200093201").values(name=HOSTILE_NAME))
        session.commit()
    with serve(url, target.parent) as base:
        yield base


def _open_map(browser, url):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    outside = requests_leaving(page)
    page.goto(url, wait_until="domcontentloaded")
    # The map is drawn in streamlit-folium's iframe: wait for Leaflet's shapes there.
    shapes = page.frame_locator('iframe[title="streamlit_folium.st_folium"]').locator("path.leaflet-interactive")
    expect(shapes.nth(20)).to_be_attached(timeout=90_000)
    frame = next((candidate for candidate in page.frames if candidate.locator("path.leaflet-interactive").count()),
                 None)
    return page, frame, outside


def test_map_draws_polygons_with_nothing_from_outside(app_url, browser):
    page, frame, outside = _open_map(browser, app_url + "/carte")
    assert frame is not None, "Leaflet n'a dessiné aucun polygone"
    expect(frame.locator("path.leaflet-interactive").nth(89)).to_be_attached()  # the région's EPCI
    expect(frame.locator(".maillage-legend")).to_have_count(1)
    page.wait_for_timeout(2_000)  # late requests (tiles, fonts) would show up here
    assert outside == [], f"requêtes sorties de la machine : {outside[:5]}"
    page.close()


def test_hostile_names_are_shown_as_text_not_run(app_url, browser):
    page, frame, _ = _open_map(browser, app_url + "/carte")
    assert frame is not None
    # Hover every shape (events sent to the shape itself: points may lie over a polygon's centre)
    # until the hostile EPCI's tooltip shows: its name must appear as text.
    text = frame.evaluate("""() => {
        for (const shape of document.querySelectorAll("path.leaflet-interactive")) {
            const box = shape.getBoundingClientRect();
            const at = {bubbles: true, clientX: box.x + box.width / 2, clientY: box.y + box.height / 2};
            shape.dispatchEvent(new MouseEvent("mouseover", at));
            shape.dispatchEvent(new MouseEvent("mousemove", at));
            const tooltip = document.querySelector(".leaflet-tooltip");
            if (tooltip && tooltip.innerText.includes("CC du Test")) { return tooltip.innerText; }
            shape.dispatchEvent(new MouseEvent("mouseout", at));
        }
        return null;
    }""")
    assert text is not None, "l'infobulle du territoire au nom piégé n'a pas été trouvée"
    assert '<img src=x onerror="window.__pwned=1">' in text
    assert frame.evaluate("() => window.__pwned") is None
    assert frame.locator("img[src='x']").count() == 0
    page.close()
