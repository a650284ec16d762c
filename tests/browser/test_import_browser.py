"""The import as a user does it in Chromium: drop a file, read the problems, keep the valid rows, import."""

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from models.db import get_engine
from models.resources import Event
from tests.browser.conftest import dismiss_page_not_found, serve

pytestmark = pytest.mark.browser
UPLOAD = ("Intitulé;Type;Date;Commune;Participants\r\n"
          "Forum des métiers de la mer;Forum des métiers;12/03/2026;Boulogne-sur-Mer;250\r\n"
          "<img src=x onerror=\"window.__pwned=1\">Salon;Salon;05/02/2026;St Omer;180\r\n"
          "Visite d'entreprise;Visite;30/02/2026;Amiens;25\r\n").encode("cp1252")


@pytest.fixture(scope="module")
def store_url(demo_store_url, tmp_path_factory) -> str:
    target = tmp_path_factory.mktemp("import-browser") / "store.db"
    shutil.copy(Path(demo_store_url.removeprefix("sqlite:///")), target)
    return f"sqlite:///{target}"


def test_drop_a_file_read_its_problems_and_import_the_valid_rows(store_url, browser, tmp_path):
    upload = tmp_path / "evenements.csv"
    upload.write_bytes(UPLOAD)
    with serve(store_url, tmp_path) as base:
        page = browser.new_page(viewport={"width": 1400, "height": 2000})
        page.goto(base + "/donnees")
        main = page.get_by_test_id("stMainBlockContainer")
        main.get_by_text("Nature des données").wait_for(timeout=90_000)
        dismiss_page_not_found(page)
        main.get_by_test_id("stSelectbox").filter(has_text="Nature des données").click()
        page.get_by_role("option", name="Événements info-métiers").click()
        main.get_by_text("Colonnes attendues (Événements info-métiers)").wait_for(timeout=30_000)
        page.wait_for_function("() => document.querySelectorAll('input[type=file]').length === 1")  # rerun done
        page.locator("input[type=file]").set_input_files(str(upload))
        main.get_by_text("Lu comme : CSV, Windows-1252, séparateur point-virgule.").wait_for(timeout=60_000)
        main.get_by_test_id("stMetricValue").nth(3).wait_for(timeout=30_000)
        labels = main.get_by_test_id("stMetricLabel").all_inner_texts()
        metrics = dict(zip(labels, main.get_by_test_id("stMetricValue").all_inner_texts()))
        assert metrics == {"Lignes lues": "3", "Acceptées": "2", "Refusées": "1", "Doublons ignorés": "0"}
        assert main.get_by_text("Par défaut l'import est tout ou rien").is_visible()
        assert main.get_by_role("button", name="Importer", exact=True).is_disabled()

        main.get_by_text("Importer quand même 2 lignes acceptées").click()
        button = main.get_by_role("button", name="Importer", exact=True)
        button.wait_for(state="visible")
        page.wait_for_function("() => ![...document.querySelectorAll('button')].find("
                               "b => b.innerText.trim() === 'Importer').disabled", timeout=30_000)
        button.click()
        main.get_by_text("Import partiel : 2 lignes enregistrées (2 ajoutées").wait_for(timeout=120_000)
        assert main.get_by_text("Lignes refusées d'un import, à corriger et réimporter").is_visible()
        assert page.evaluate("() => window.__pwned") is None
        assert page.locator("img[src='x']").count() == 0
        page.close()
    with Session(get_engine(store_url)) as session:
        titles = session.execute(select(Event.title).where(Event.region_code == "32").order_by(Event.title)).scalars()
        assert list(titles) == ['<img src=x onerror="window.__pwned=1">Salon', "Forum des métiers de la mer"]
        assert session.execute(select(func.count()).select_from(Event)).scalar_one() == 2
