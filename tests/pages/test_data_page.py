"""The Données page: who may import, the templates offered, exports that respect personal data.

AppTest cannot drop a file on st.file_uploader: the upload flow itself is exercised through the same
functions (loaders.imports) in tests/loaders/test_imports.py, and in Chromium by tests/browser/test_import_browser.py.
"""

import shutil
from pathlib import Path

import pytest

from loaders.imports import import_file
from models.db import get_engine
from models.settings import get_settings
from tests.pages.test_pages import run_page

PAGE = "pages/data.py"
PROJECT = Path(__file__).resolve().parents[2]


def texts(app) -> str:
    return "\n".join(str(element.value) for element in [*app.info, *app.caption, *app.markdown, *app.warning])


def test_admin_picks_a_kind_and_sees_its_columns_and_templates(app_env, monkeypatch):
    monkeypatch.setenv("VIEWER_ROLE", "admin")
    get_settings.cache_clear()
    app = run_page(PAGE)
    assert not app.exception, [e.message for e in app.exception]
    assert [tab.label for tab in app.tabs] == ["Importer", "Exporter", "Sources et contenu"]
    picker = app.selectbox(key="import-kind")
    assert picker.options == ["Référents départementaux", "Événements info-métiers", "Ambassadeurs",
                              "Places de remédiation", "Indicateurs", "Zonages"]
    picker.select("events").run()
    assert not app.exception
    columns = app.dataframe[0].value
    assert list(columns.columns) == ["Colonne", "Obligatoire", "Contenu et format", "Exemple"]
    assert {"Intitulé", "Date", "Commune", "UAI du lycée"} <= set(columns.Colonne)
    assert "Déposez un fichier pour le vérifier" in texts(app)
    assert "l'intitulé (sans tenir compte de la casse), la date et la commune" in texts(app)


@pytest.mark.parametrize("role", ["direction", "codir"])
def test_only_admin_imports(app_env, monkeypatch, role):
    monkeypatch.setenv("VIEWER_ROLE", role)
    get_settings.cache_clear()
    app = run_page(PAGE)
    assert not app.exception
    assert "L'import de fichiers est réservé au profil administration" in texts(app)
    assert not [box for box in app.selectbox if box.key == "import-kind"]


def test_codir_cannot_import_nor_export_contacts(app_env, monkeypatch):
    monkeypatch.setenv("VIEWER_ROLE", "codir")
    get_settings.cache_clear()
    app = run_page(PAGE)
    assert not app.exception
    assert "L'import de fichiers est réservé au profil administration" in texts(app)
    assert not [box for box in app.selectbox if box.key == "import-kind"]
    exported = app.selectbox(key="export-kind")
    exported.select("ambassadors").run()
    assert "données personnelles, réservées aux profils direction, administration et référent" in texts(app)
    exported.select("events").run()
    assert not app.exception
    assert "ce fichier se réimporte tel quel" in texts(app)


@pytest.mark.parametrize("role", ["direction", "referent"])
def test_who_sees_contacts_may_export_them(app_env, monkeypatch, role):
    monkeypatch.setenv("VIEWER_ROLE", role)
    monkeypatch.setenv("VIEWER_DEPARTEMENTS", "59")
    get_settings.cache_clear()
    app = run_page(PAGE)
    app.selectbox(key="export-kind").select("referents").run()
    assert not app.exception
    assert "lignes, au format du modèle" in texts(app)
    assert "données personnelles" not in texts(app)


def test_the_demo_warning_names_only_the_kinds_still_in_demo(demo_store_url, tmp_path, monkeypatch):
    """Once the région has imported its events, « Sources et contenu » no longer calls them demo data."""
    copy = tmp_path / "store.db"
    shutil.copy(demo_store_url.removeprefix("sqlite:///"), copy)
    url = f"sqlite:///{copy}"
    template = (PROJECT / "data" / "templates" / "events.csv").read_bytes()
    assert import_file(get_engine(url), "events", template, "evenements.csv", "32").status == "ok"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("REGION_CODE", "32")
    monkeypatch.setenv("VIEWER_ROLE", "direction")
    get_settings.cache_clear()
    app = run_page(PAGE)
    assert not app.exception
    warnings = [w.value for w in app.warning if "données de démonstration" in w.value]
    assert warnings == ["Encore en **données de démonstration**, tant que la région n'a pas importé les siennes : "
                        "référents départementaux, ambassadeurs, places de remédiation."]
    get_settings.cache_clear()
