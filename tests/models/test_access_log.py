"""The access log of personal data: written by the app and the command line, read by administration only,
purged after a while."""

from datetime import UTC, date, datetime, timedelta

import pytest

from loaders.purge import purge_store
from models.access import ROLES, Viewer
from models.audit import AccessLog, log_access, read_access_log
from models.db import data_version, get_engine, transaction
from tests.loaders.test_cli import run_cli
from tests.loaders.test_purge import fill

ADMIN = Viewer("admin")


def test_an_entry_is_written_and_read_back_newest_first(store_url):
    engine = get_engine(store_url)
    log_access(engine, "camille@example.org", "direction", "affichage", "Liste des ambassadeurs (59)", 42)
    log_access(engine, "mode local (referent)", "referent", "export", "Ambassadeurs : export au format du modèle", 7)
    log = read_access_log(engine, ADMIN)
    assert list(log.columns) == ["at", "person", "role", "action", "what", "rows_count"]
    assert log[["person", "role", "action", "what", "rows_count"]].values.tolist() == [
        ["mode local (referent)", "referent", "export", "Ambassadeurs : export au format du modèle", 7],
        ["camille@example.org", "direction", "affichage", "Liste des ambassadeurs (59)", 42]]
    assert str(log["at"].dt.tz) == "UTC"
    assert (datetime.now(UTC) - log["at"].iloc[0].to_pydatetime()) < timedelta(minutes=5)


def test_since_keeps_the_recent_entries(store_url):
    engine = get_engine(store_url)
    with transaction(engine) as session:
        session.add(AccessLog(at=datetime(2024, 1, 10, 9, tzinfo=UTC), person="a@example.org", role="admin",
                              action="export", what="ancien", rows_count=1))
    log_access(engine, "b@example.org", "admin", "affichage", "récent", 2)
    assert read_access_log(engine, ADMIN, since=datetime(2025, 1, 1, tzinfo=UTC)).what.tolist() == ["récent"]
    assert read_access_log(engine, ADMIN).what.tolist() == ["récent", "ancien"]


@pytest.mark.parametrize("role", [role for role in ROLES if role != "admin"])
def test_only_administration_reads_the_log(store_url, role):
    engine = get_engine(store_url)
    log_access(engine, "camille@example.org", "direction", "affichage", "Liste des référents", 3)
    with pytest.raises(PermissionError, match="réservé au profil administration"):
        read_access_log(engine, Viewer(role, ("59",)))


def test_an_unknown_action_is_refused(store_url):
    with pytest.raises(ValueError, match="affichage ou export"):
        log_access(get_engine(store_url), "camille@example.org", "direction", "lecture", "Liste", 1)


def test_logging_leaves_the_cached_reads_alone(store_url):
    """An entry is a trace, not data: the store's data version (which every cached read follows) stays."""
    engine = get_engine(store_url)
    before = data_version(engine)
    log_access(engine, "camille@example.org", "direction", "affichage", "Liste des ambassadeurs", 3)
    assert data_version(engine) == before


def test_entries_older_than_the_retention_are_purged(store_url):
    engine = get_engine(store_url)
    today = date(2026, 11, 25)
    with transaction(engine) as session:
        for day, what in [(date(2025, 11, 20), "trop ancien"), (date(2025, 11, 26), "dans l'année")]:
            session.add(AccessLog(at=datetime(day.year, day.month, day.day, 12, tzinfo=UTC), person="a@example.org",
                                  role="admin", action="export", what=what, rows_count=1))
    log_access(engine, "b@example.org", "admin", "affichage", "aujourd'hui", 2)
    report = purge_store(engine, today, access_log_months=12)
    assert report.access_entries_deleted == 1
    assert "1 entrée du journal des accès antérieure au 25/11/2025 supprimée" in report.summary()
    assert read_access_log(engine, ADMIN).what.tolist() == ["aujourd'hui", "dans l'année"]


def test_an_export_from_the_command_line_is_logged_too(tmp_path):
    url = f"sqlite:///{tmp_path}/store.db"
    engine = get_engine(url)
    fill(engine)
    result = run_cli(url, "export", "ambassadors", str(tmp_path / "ambassadeurs.csv"))
    assert result.returncode == 0, result.stderr
    assert run_cli(url, "export", "events", str(tmp_path / "evenements.csv")).returncode == 0
    log = read_access_log(engine, ADMIN)
    assert log[["role", "action", "what", "rows_count"]].values.tolist() == [
        ["direction", "export", "Ambassadeurs : export en ligne de commande (ambassadeurs.csv)", 4]]
    assert log.person.iloc[0].startswith("ligne de commande (")
    engine.dispose()
