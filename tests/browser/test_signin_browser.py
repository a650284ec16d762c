"""Sign-in in Chromium against a local OpenID Connect provider (oidc-provider-mock, in this process).

A référent of 62 signs in and lands on their département, an e-mail that is not a user's sees only whom
to ask, and signing out brings back the sign-in screen. The provider runs on 127.0.0.1 like the app;
its pages link a stylesheet on a CDN, which the browser is kept from fetching: nothing leaves the machine.
"""

import shutil
import threading
import urllib.parse
from pathlib import Path

import oidc_provider_mock
import pytest
import werkzeug.serving
from playwright.sync_api import expect

from models.db import get_engine
from models.users import add_user
from tests.browser.conftest import open_app_page, serve, settled

pytestmark = pytest.mark.browser
PROVIDER_STYLESHEET = "https://cdn.jsdelivr.net/npm/@picocss/pico@2/css/pico.min.css"  # the mock's pages only


@pytest.fixture(scope="module")
def provider() -> str:
    """The OpenID Connect provider on a free port of 127.0.0.1 (any client id and secret; a nonce required)."""
    server = werkzeug.serving.make_server("127.0.0.1", 0, oidc_provider_mock.app(require_nonce=True),
                                          threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    server.server_close()


@pytest.fixture(scope="module")
def app_home(provider, tmp_path_factory) -> Path:
    """A home folder whose ~/.streamlit/secrets.toml configures sign-in with that provider."""
    home = tmp_path_factory.mktemp("signin-home")
    (home / ".streamlit").mkdir()
    (home / ".streamlit" / "secrets.toml").write_text(f'''[auth]
redirect_uri = "http://127.0.0.1:{{port}}/oauth2callback"
cookie_secret = "un-secret-de-test-de-plus-de-trente-deux-caracteres"
client_id = "maillage"
client_secret = "secret-du-client-maillage"
server_metadata_url = "{provider}/.well-known/openid-configuration"
''', encoding="utf-8")
    return home


@pytest.fixture(scope="module")
def store_url(demo_store_url, tmp_path_factory) -> str:
    """A copy of the demo store with one user: a référent of the Pas-de-Calais."""
    target = tmp_path_factory.mktemp("signin-store") / "store.db"
    shutil.copy(Path(demo_store_url.removeprefix("sqlite:///")), target)
    url = f"sqlite:///{target}"
    add_user(get_engine(url), "camille.referente@example.fr", "referent", "62")
    return url


@pytest.fixture(scope="module")
def app(store_url, app_home) -> str:
    with serve(store_url, app_home, role="admin") as base:  # local mode would be admin: sign-in must win
        yield base


@pytest.fixture
def page(browser):
    """A fresh browser (no cookie) that may reach 127.0.0.1 only; what it tried elsewhere is in page.blocked."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    blocked = []

    def is_outside(url: str) -> bool:
        return urllib.parse.urlparse(url).hostname not in ("127.0.0.1", "localhost") and url.startswith("http")

    def block(route) -> None:
        blocked.append(route.request.url)
        route.abort()

    context.route(is_outside, block)
    page = context.new_page()
    yield page
    assert set(blocked) <= {PROVIDER_STYLESHEET}, blocked
    context.close()


def sign_in(page, base: str, email: str) -> None:
    """From the sign-in screen, through the provider's form, back to the app."""
    open_app_page(page, base)
    expect(page.locator("h1")).to_have_text("Maillage")
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_placeholder("sub").fill(email)  # the provider's form: the subject, given as the e-mail
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{base}/**", timeout=60_000)
    settled(page)


def test_a_referent_signs_in_lands_on_their_departement_and_signs_out(app, page):
    sign_in(page, app, "Camille.Referente@example.fr")
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_role("combobox", name="Département")).to_have_value("62 – Pas-de-Calais",
                                                                               timeout=120_000)
    expect(sidebar.get_by_text("Connecté :")).to_contain_text("profil Référent départemental (62)")
    assert "camille.referente@example.fr" in sidebar.get_by_text("Connecté :").inner_text().replace("\u2060", "")
    expect(page.locator("h1").first).to_have_text("Vue d'ensemble")
    expect(page.get_by_test_id("stMainBlockContainer")).to_contain_text("Pas-de-Calais (62) · année scolaire")

    sidebar.get_by_role("button", name="Se déconnecter").click()
    page.get_by_role("button", name="End session").click()  # the provider confirms, then sends back to the app
    expect(page.get_by_role("button", name="Se connecter")).to_be_visible(timeout=60_000)
    expect(page.locator("h1")).to_have_text("Maillage")
    expect(page.get_by_test_id("stSidebar")).to_have_count(0)
    page.goto(app + "/carte")  # signed out means signed out, also on a deep link
    expect(page.get_by_role("button", name="Se connecter")).to_be_visible(timeout=60_000)
    settled(page)
    expect(page.get_by_test_id("stSidebar")).to_have_count(0)


def test_an_email_that_is_not_a_user_sees_only_whom_to_ask(app, page):
    sign_in(page, app, "inconnu@example.fr")
    main = page.get_by_test_id("stMainBlockContainer")
    expect(main.get_by_text("Accès impossible")).to_be_visible(timeout=120_000)
    expect(main.get_by_test_id("stAlertContentError")).to_contain_text("n'a pas de profil dans Maillage")
    expect(main.get_by_role("button", name="Se déconnecter")).to_be_visible()
    settled(page)
    expect(page.get_by_test_id("stSidebar")).to_have_count(0)  # no menu, no département list
    for test_id in ("stMetric", "stDataFrame", "stSelectbox", "stHeading"):
        expect(page.get_by_test_id(test_id)).to_have_count(0)
    assert "Pas-de-Calais" not in page.content()
