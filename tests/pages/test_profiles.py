"""Local mode: the profile comes from VIEWER_ROLE and VIEWER_DEPARTEMENTS, says who is looking, and denies by
default (an unknown profile sees only whom to ask)."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from models.settings import get_settings
from tests.pages.test_pages import YEAR

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def start(monkeypatch, role: str, departements: str = "", query: dict | None = None) -> AppTest:
    monkeypatch.setenv("VIEWER_ROLE", role)
    monkeypatch.setenv("VIEWER_DEPARTEMENTS", departements)
    get_settings.cache_clear()
    app = AppTest.from_file(APP, default_timeout=120)
    for key, value in (query or {}).items():
        app.query_params[key] = value
    app.run()
    return app


def sidebar_captions(app: AppTest) -> list[str]:
    return [caption.value for caption in app.sidebar.caption]


def test_a_referent_lands_on_their_own_departement_and_sees_who_is_looking(app_env, monkeypatch):
    app = start(monkeypatch, "referent", "62,59")
    assert not app.exception, [e.message for e in app.exception]
    assert app.session_state["departement"] == "62"
    assert app.sidebar.selectbox(key="departement").value == "62"
    assert "Mode local · profil Référent départemental \\(62, 59\\)" in sidebar_captions(app)
    assert any("Pas\\-de\\-Calais \\(62\\)" in caption.value for caption in app.main.caption)


def test_a_shared_link_still_opens_what_it_names(app_env, monkeypatch):
    app = start(monkeypatch, "referent", "62", {"dep": "80", "annee": YEAR})
    assert app.session_state["departement"] == "80"


@pytest.mark.parametrize("role", ["direction", "codir"])
def test_direction_and_codir_open_on_the_whole_region(app_env, monkeypatch, role):
    app = start(monkeypatch, role)
    assert not app.exception
    assert app.session_state["departement"] == ""
    assert any(caption.startswith("Mode local · profil") for caption in sidebar_captions(app))


@pytest.mark.parametrize(("role", "departements", "reason"), [
    ("stagiaire", "", "Profil inconnu : « stagiaire »"),
    ("referent", "", "Profil référent sans département"),
    ("referent", "Nord", "Département « Nord » illisible"),
])
def test_an_unknown_profile_sees_only_whom_to_ask(app_env, monkeypatch, role, departements, reason):
    app = start(monkeypatch, role, departements)
    assert not app.exception
    (message,) = [error.value for error in app.error]
    assert message.startswith("**Accès impossible**")
    assert reason in message.replace("\\", "")
    assert "Demandez à l'administrateur de Maillage" in message
    assert not app.title and not app.metric and not app.dataframe, "nothing of the data is shown"
