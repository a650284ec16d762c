"""Pages run with AppTest on the session's demo store (Hauts-de-France), as the direction unless told."""

import shutil

import pytest

from models.db import get_engine
from models.settings import get_settings


@pytest.fixture
def app_env(demo_store_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", demo_store_url)
    monkeypatch.setenv("REGION_CODE", "32")
    monkeypatch.setenv("VIEWER_ROLE", "direction")
    get_settings.cache_clear()
    yield demo_store_url
    get_settings.cache_clear()


@pytest.fixture
def own_store(demo_store_url, tmp_path, monkeypatch):
    """The app on a copy of the demo store of this test's own, as the direction: the test writes into it."""
    copy = tmp_path / "store.db"
    shutil.copy(demo_store_url.removeprefix("sqlite:///"), copy)
    url = f"sqlite:///{copy}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("REGION_CODE", "32")
    monkeypatch.setenv("VIEWER_ROLE", "direction")
    get_settings.cache_clear()
    yield get_engine(url)
    get_settings.cache_clear()
    get_engine(url).dispose()
