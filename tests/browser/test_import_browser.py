"""The import as a user does it in Chromium: drop a file, read the problems, keep the valid rows, import."""

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select
from sqlmodel import Session

from models.db import get_engine
from models.resources import Event
from tests.browser.conftest import dismiss_page_not_found, serve

pytestmark = pytest.mark.browser
# An unknown column whose header is Markdown pointing outside: the notice must show it as typed.
UPLOAD = ("Intitulé;Type;Date;Commune;Participants;![](http://example.test/h.png)\r\n"
          "Forum des métiers de la mer;Forum des métiers;12/03/2026;Boulogne-sur-Mer;250;\r\n"
          "<img src=x onerror=\"window.__pwned=1\">Salon;Salon;05/02/2026;St Omer;180;\r\n"
          "Visite d'entreprise;Visite;30/02/2026;Amiens;25;\r\n").encode("cp1252")


@pytest.fixture(scope="module")
def store_url(demo_store_url, tmp_path_factory) -> str:
    target = tmp_path_factory.mktemp("import-browser") / "store.db"
    shutil.copy(Path(demo_store_url.removeprefix("sqlite:///")), target)
    return f"sqlite:///{target}"


def test_drop_a_file_read_its_problems_and_import_the_valid_rows(store_url, browser, tmp_path):
    upload = tmp_path / "evenements.csv"
    upload.write_bytes(UPLOAD)
    with serve(store_url, tmp_path, role="admin") as base:
        page = browser.new_page(viewport={"width": 1400, "height": 2000})
        outside = []
        page.on("request", lambda request: outside.append(request.url) if "example.test" in request.url else None)
        page.goto(base + "/donnees")
        main = page.get_by_test_id("stMainBlockContainer")
        main.get_by_text("Nature des données").wait_for(timeout=90_000)
        dismiss_page_not_found(page)
        main.get_by_test_id("stSelectbox").filter(has_text="Nature des données").click()
        page.get_by_role("option", name="Événements info-métiers").click()
        main.get_by_text("Colonnes attendues (Événements info-métiers)").wait_for(timeout=30_000)
        page.wait_for_function("() => document.querySelectorAll('input[type=file]').length === 1")  # rerun done
        page.locator("input[type=file]").set_input_files(str(upload))
        expect(main.get_by_text("Lu comme : CSV, Windows-1252, séparateur point-virgule.")).to_be_visible(
            timeout=60_000)
        expect(main.get_by_test_id("stMetricLabel")).to_have_text(
            ["Lignes lues", "Acceptées", "Refusées", "Doublons ignorés"], timeout=30_000)
        expect(main.get_by_test_id("stMetricValue")).to_have_text(["3", "2", "1", "0"], timeout=30_000)
        notice = main.get_by_test_id("stAlertContentInfo").filter(has_text="Colonnes ignorées")
        expect(notice).to_be_visible(timeout=30_000)
        assert "« ![](http://example.test/h.png) »" in notice.inner_text().replace("\u2060", "")
        expect(page.locator("img[src*='example.test'], a[href*='example.test']")).to_have_count(0)
        expect(main.get_by_text("Par défaut l'import est tout ou rien")).to_be_visible(timeout=30_000)
        button = main.get_by_role("button", name="Importer", exact=True)
        expect(button).to_be_disabled(timeout=30_000)

        main.get_by_text("Importer quand même 2 lignes acceptées").click()
        expect(button).to_be_enabled(timeout=30_000)
        button.click()
        expect(main.get_by_text("Import partiel : 2 lignes enregistrées (2 ajoutées")).to_be_visible(timeout=120_000)
        expect(main.get_by_text("Lignes refusées d'un import, à corriger et réimporter")).to_be_visible(
            timeout=30_000)
        assert page.evaluate("() => window.__pwned") is None
        assert outside == []
        expect(page.locator("img[src='x']")).to_have_count(0)
        page.close()
    with Session(get_engine(store_url)) as session:
        titles = session.execute(select(Event.title).where(Event.region_code == "32").order_by(Event.title)).scalars()
        assert list(titles) == ['<img src=x onerror="window.__pwned=1">Salon', "Forum des métiers de la mer"]
        assert session.execute(select(func.count()).select_from(Event)).scalar_one() == 2
