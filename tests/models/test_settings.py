"""The settings and the README stay in step."""

from pathlib import Path

from models.settings import Settings

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented_in_the_readme():
    missing = [name.upper() for name in Settings.model_fields if f"`{name.upper()}`" not in README]
    assert missing == []


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("REGION_CODE", "28")
    monkeypatch.setenv("TILE_URL", "https://example.test/{z}/{x}/{y}.png")
    settings = Settings()
    assert settings.region_code == "28"
    assert settings.tile_url.endswith("{y}.png")


def test_default_store_is_sqlite_under_data(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert Settings(_env_file=None).database_url.endswith("data/maillage.db")
