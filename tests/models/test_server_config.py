"""The server's effective configuration, as Streamlit reads it from the project's .streamlit/config.toml."""

import pytest
from streamlit import config

from loaders.reading import MAX_FILE_MB, SERVER_CONFIG
from models.settings import PROJECT_DIR


@pytest.fixture
def effective(monkeypatch):
    """Streamlit's options read afresh from the project folder, as `streamlit run app.py` does there."""
    monkeypatch.chdir(PROJECT_DIR)
    for name in ("STREAMLIT_SERVER_ENABLE_CORS", "STREAMLIT_SERVER_ENABLE_XSRF_PROTECTION",
                 "STREAMLIT_SERVER_MAX_UPLOAD_SIZE"):
        monkeypatch.delenv(name, raising=False)
    config.get_config_options(force_reparse=True)
    yield config.get_option
    config.get_config_options(force_reparse=True)


def test_xsrf_protection_and_cors_stay_on(effective):
    assert effective("server.enableXsrfProtection") is True
    assert effective("server.enableCORS") is True
    assert config.get_where_defined("server.enableXsrfProtection") == str(SERVER_CONFIG)


def test_the_upload_limit_is_read_from_one_place(effective):
    assert effective("server.maxUploadSize") == MAX_FILE_MB == 50


def test_nothing_leaves_the_machine_and_no_traceback_reaches_users(effective):
    assert effective("browser.gatherUsageStats") is False
    assert effective("client.showErrorDetails") == "none"
    assert effective("server.address") == "127.0.0.1"
