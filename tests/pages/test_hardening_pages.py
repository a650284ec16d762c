"""What pages do with hostile data and unexpected errors: text stays text, tracebacks stay in the log."""

import shutil
import tomllib
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlmodel import Session

from loaders import read
from models.db import get_engine
from models.indicators import Indicator
from models.settings import get_settings
from tests.pages.test_pages import run_page

PROJECT = Path(__file__).resolve().parents[2]
OUTSIDE_IMAGE = "![](http://example.test/x.png) :red[rouge] **gras** $x$"


@pytest.fixture
def hostile_env(app_env, tmp_path, monkeypatch):
    """app_env on a copy of the demo store whose dropout indicator's source is Markdown pointing outside."""
    target = tmp_path / "store.db"
    shutil.copy(app_env.removeprefix("sqlite:///"), target)
    url = f"sqlite:///{target}"
    with Session(get_engine(url)) as session:
        session.execute(update(Indicator).where(Indicator.indicator_code == "decrocheurs_16_25")
                        .values(source=OUTSIDE_IMAGE))
        session.commit()
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    return url


def test_a_source_written_in_markdown_is_shown_as_text(hostile_env):
    app = run_page("pages/remediation.py")
    assert not app.exception
    (caption,) = [c.value for c in app.caption if c.value.startswith("Source")]
    assert "![](" not in caption and ":red[" not in caption and "**gras**" not in caption
    assert "\\!\\[\\]\\(http\\:\u2060//example\\.test/x\\.png\\)" in caption  # no image, no link either


def test_an_unexpected_error_shows_a_french_message_and_no_traceback(app_env, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("/srv/secret/path/queries.py exploded")

    monkeypatch.setattr(read, "sectors", broken)
    app = run_page("pages/overview.py")
    assert not app.exception, "the exception must not reach Streamlit's traceback display"
    (message,) = [e.value for e in app.error]
    assert message.startswith("Une erreur inattendue empêche d'afficher cette partie de la page.")
    assert "secret" not in message and "RuntimeError" not in message


def test_the_server_listens_on_this_machine_only_and_shows_no_error_details():
    config = tomllib.loads((PROJECT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["address"] == "127.0.0.1"
    assert config["client"]["showErrorDetails"] == "none"
    assert config["browser"]["gatherUsageStats"] is False
