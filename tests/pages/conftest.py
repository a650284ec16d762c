"""Pages run with AppTest on the session's demo store (Hauts-de-France), as the direction unless told."""

import pytest

from models.settings import get_settings


@pytest.fixture
def app_env(demo_store_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", demo_store_url)
    monkeypatch.setenv("REGION_CODE", "32")
    monkeypatch.setenv("VIEWER_ROLE", "direction")
    get_settings.cache_clear()
    yield demo_store_url
    get_settings.cache_clear()
