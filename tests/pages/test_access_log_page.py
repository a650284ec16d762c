"""The Données page and personal data: exports logged when clicked, the access log for administration,
the last purge for direction and administration."""

from datetime import date

import pytest

from loaders.purge import purge_store
from models.access import Viewer
from models.audit import log_access, read_access_log
from models.settings import get_settings
from tests.pages.test_pages import run_page

PAGE = "pages/data.py"
NO_PURGE = "Aucune purge encore effectuée : python -m loaders purge"


@pytest.fixture
def own_store(own_store, monkeypatch):
    """The store of tests/pages/conftest.py, opened as administration."""
    monkeypatch.setenv("VIEWER_ROLE", "admin")
    get_settings.cache_clear()
    return own_store


def as_role(monkeypatch, role: str) -> None:
    monkeypatch.setenv("VIEWER_ROLE", role)
    monkeypatch.setenv("VIEWER_DEPARTEMENTS", "59" if role == "referent" else "")
    get_settings.cache_clear()


def captions(app) -> list[str]:
    return [str(caption.value) for caption in app.caption]


def test_an_export_of_ambassadors_is_logged_when_clicked_and_not_before(own_store):
    app = run_page(PAGE)
    app.selectbox(key="export-kind").select("ambassadors").run()
    assert not app.exception, [e.message for e in app.exception]
    assert read_access_log(own_store, Viewer("admin")).empty, "choosing what to export shows no personal data"
    app.download_button(key="export-ambassadors-xlsx").click().run()
    assert not app.exception, [e.message for e in app.exception]
    log = read_access_log(own_store, Viewer("admin"))
    assert log[["person", "role", "action", "what"]].values.tolist() == [
        ["mode local (admin)", "admin", "export", "Ambassadeurs : export au format du modèle"]]
    assert log.rows_count.iloc[0] > 100, "every ambassador of the demo région"
    app.selectbox(key="export-kind").select("events").run()
    app.download_button(key="export-events-csv").click().run()
    assert len(read_access_log(own_store, Viewer("admin"))) == 1, "events hold no personal data"


def test_administration_reads_the_access_log_in_paris_time(own_store):
    log_access(own_store, "camille@example.org", "referent", "affichage", "Liste des ambassadeurs (59)", 12)
    app = run_page(PAGE)
    assert not app.exception, [e.message for e in app.exception]
    assert "Journal des accès aux données personnelles" in [header.value for header in app.subheader]
    table = next(frame.value for frame in app.dataframe if "Personne" in frame.value.columns)
    assert list(table.columns) == ["Date", "Personne", "Profil", "Action", "Quoi", "Lignes"]
    assert table.iloc[0, 1:].tolist() == ["camille@example.org", "Référent départemental", "affichage",
                                          "Liste des ambassadeurs (59)", "12"]
    assert table.Date.iloc[0][:10] == date.today().strftime("%d/%m/%Y")
    assert NO_PURGE in captions(app)


@pytest.mark.parametrize(("role", "sees_purge"), [("direction", True), ("referent", False), ("codir", False)])
def test_other_roles_never_see_the_log(own_store, monkeypatch, role, sees_purge):
    log_access(own_store, "camille@example.org", "referent", "affichage", "Liste des ambassadeurs (59)", 12)
    as_role(monkeypatch, role)
    app = run_page(PAGE)
    assert not app.exception, [e.message for e in app.exception]
    assert "Journal des accès aux données personnelles" not in [header.value for header in app.subheader]
    assert not [frame for frame in app.dataframe if "Personne" in frame.value.columns]
    assert (NO_PURGE in captions(app)) is sees_purge


def test_the_last_purge_is_shown_with_its_summary(own_store, monkeypatch):
    report = purge_store(own_store, date.today())
    as_role(monkeypatch, "direction")
    app = run_page(PAGE)
    assert not app.exception, [e.message for e in app.exception]
    shown = [caption.replace("\\", "") for caption in captions(app) if caption.startswith("Dernière purge : ")]
    assert len(shown) == 1 and shown[0].endswith(f" – {report.summary()}"), "(markdown escapes aside)"
    assert NO_PURGE not in captions(app)
