"""Sign-in mode (an [auth] section in the secrets): rights come from the users table, by the signed-in e-mail.

AppTest stands in for the provider (`AppTest.user`); tests/browser/test_signin_browser.py runs the real
flow in Chromium against a local OpenID Connect provider.
"""

import shutil
from pathlib import Path

import pytest
import streamlit
from streamlit import config
from streamlit.runtime.secrets import secrets_singleton
from streamlit.testing.v1 import AppTest

from models.db import get_engine
from models.settings import get_settings
from models.users import add_user
from tests.pages.test_pages import YEAR

APP = str(Path(__file__).resolve().parents[2] / "app.py")
AUTH = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "un-secret-de-test-assez-long",
        "client_id": "maillage", "client_secret": "secret",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}


@pytest.fixture
def users_env(app_env, tmp_path, monkeypatch):
    """app_env on a copy of the demo store with three users; local mode's settings say « direction » (ignored)."""
    target = tmp_path / "store.db"
    shutil.copy(app_env.removeprefix("sqlite:///"), target)
    url = f"sqlite:///{target}"
    engine = get_engine(url)
    add_user(engine, "camille@example.fr", "referent", "62")
    add_user(engine, "alix@example.fr", "admin", created_by="ligne de commande (root)")
    add_user(engine, "dominique@example.fr", "direction")
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("VIEWER_ROLE", "direction")
    get_settings.cache_clear()
    return url


def start(user: dict, page: str | None = None) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=120)
    app.secrets["auth"] = AUTH
    app.user = user
    app.query_params["annee"] = YEAR
    app.run()
    if page:
        app.switch_page(page)
        app.run()
    return app


def signed_in(email: str, **claims) -> dict:
    return {"is_logged_in": True, "email": email, **claims}


def plain(markdown: str) -> str:
    """Markdown as read on screen: escapes and word joiners removed."""
    return markdown.replace("\\", "").replace("\u2060", "")


def sidebar_captions(app: AppTest) -> list[str]:
    return [caption.value for caption in app.sidebar.caption]


def test_nobody_signed_in_sees_only_the_sign_in_screen(users_env):
    app = start({"is_logged_in": False})
    assert not app.exception, [e.message for e in app.exception]
    assert [title.value for title in app.title] == ["Maillage"]
    assert [button.label for button in app.button] == ["Se connecter"]
    assert not app.sidebar.selectbox and not app.metric and not app.dataframe and not app.error
    assert "departement" not in app.session_state


def test_a_referent_signs_in_on_their_departement_and_sees_who_they_are(users_env):
    app = start(signed_in("Camille@Example.fr"))
    assert not app.exception, [e.message for e in app.exception]
    assert app.sidebar.selectbox(key="departement").value == "62"
    assert ("Connecté : camille\u2060@example\\.fr · profil Référent départemental \\(62\\)"
            in sidebar_captions(app))
    assert not any(caption.startswith("Mode local") for caption in sidebar_captions(app))
    assert app.sidebar.button(key="sign-out").label == "Se déconnecter"


def test_an_unknown_email_sees_only_whom_to_ask_and_can_sign_out(users_env):
    app = start(signed_in("inconnu@example.fr"))
    assert not app.exception
    (message,) = [error.value for error in app.error]
    assert message.startswith("**Accès impossible**")
    assert "Le compte « inconnu@example.fr » n'a pas de profil dans Maillage." in plain(message)
    assert "Demandez à l'administrateur de Maillage" in message
    assert not app.title and not app.metric and not app.dataframe and not app.sidebar.selectbox
    assert app.button(key="sign-out").label == "Se déconnecter"
    app.button(key="sign-out").click().run()  # a browser follows Streamlit's redirect to the provider, then back
    app.run()
    assert [title.value for title in app.title] == ["Maillage"], "signed out: back to the sign-in screen"


def test_an_email_the_provider_did_not_verify_is_refused(users_env):
    app = start(signed_in("camille@example.fr", email_verified=False))
    (message,) = [error.value for error in app.error]
    assert "pas vérifié" in message
    assert not app.metric and not app.sidebar.selectbox


def test_settings_do_not_widen_a_signed_in_person_s_rights(users_env, monkeypatch):
    monkeypatch.setenv("VIEWER_ROLE", "admin")
    get_settings.cache_clear()
    app = start(signed_in("camille@example.fr"), "pages/data.py")
    assert not app.exception
    assert not [box for box in app.selectbox if box.key == "import-kind"]
    assert "Utilisateurs" not in [header.value for header in app.subheader]


def test_the_administration_sees_the_users_and_who_imported(users_env):
    app = start(signed_in("alix@example.fr"), "pages/data.py")
    assert not app.exception, [e.message for e in app.exception]
    assert "Utilisateurs" in [header.value for header in app.subheader]
    users = next(frame.value for frame in app.dataframe if "Courriel" in frame.value.columns)
    assert list(users.Courriel) == ["alix@example.fr", "camille@example.fr", "dominique@example.fr"]
    assert list(users.Profil) == ["Administration", "Référent départemental", "Direction"]
    assert list(users["Départements"]) == ["", "62", ""]
    assert users.Par.iloc[0] == "ligne de commande (root)"
    assert any("`python -m loaders users add COURRIEL PROFIL" in caption.value for caption in app.caption)


@pytest.mark.parametrize(("email", "sees_who"), [("dominique@example.fr", True), ("camille@example.fr", False)])
def test_only_whole_region_roles_see_who_imported(users_env, email, sees_who):
    app = start(signed_in(email), "pages/data.py")
    history = next(frame.value for frame in app.dataframe if {"Nature", "Par"} <= set(frame.value.columns))
    assert (set(history.Par) != {"–"}) is sees_who


def test_an_unreadable_secrets_file_keeps_the_app_closed(app_env, tmp_path, monkeypatch):
    broken = tmp_path / "secrets.toml"
    broken.write_text('[auth\nclient_id = "maillage"\n', encoding="utf-8")
    get_option = config.get_option

    def with_broken_secrets(key: str):
        return [str(broken)] if key == "secrets.files" else get_option(key)

    monkeypatch.setattr(config, "get_option", with_broken_secrets)
    monkeypatch.setattr(streamlit, "get_option", with_broken_secrets)
    secrets_singleton._reset()
    try:
        app = AppTest.from_file(APP, default_timeout=120)
        app.run()
    finally:
        secrets_singleton._reset()
    (message,) = [error.value for error in app.error]
    assert "Le fichier de configuration de la connexion (secrets.toml) est illisible" in plain(message)
    assert not app.title and not app.metric and not app.sidebar.selectbox, "not local mode: nothing shown"
