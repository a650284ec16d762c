"""Retention: `purge_store` and `python -m loaders purge` anonymise ambassadors who left long ago and delete
old refused rows with personal data; nothing else moves, a dry run writes nothing, a second run changes nothing."""

import json
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlmodel import Session

from loaders.purge import LAST_PURGE_KEY, months_before, purge_store, read_last_purge, years_before
from loaders.store import get_meta
from models.audit import ImportBatch, ImportRefusal
from models.db import get_engine, transaction
from models.resources import Ambassador, Mobilisation
from models.territory import Commune, Departement, Region
from tests.loaders.test_cli import run_cli

TODAY = date(2026, 11, 25)
FIELDS = ["full_name", "email", "phone", "job_title", "sector", "employer", "recruitment_channel", "commune_code",
          "joined_date", "left_date", "is_demo"]


def ambassador(email: str, left: date | None, is_demo: bool = False) -> Ambassador:
    return Ambassador(region_code="32", full_name=f"Nom {email}", email=email, phone="06 00 00 00 00",
                      job_title="Soudeuse", sector="Industrie", employer="Forges du Nord", recruitment_channel="CCI",
                      commune_code="59350", joined_date=date(2019, 9, 1), left_date=left, is_demo=is_demo)


def batch(kind: str, started: date, refused: int) -> ImportBatch:
    return ImportBatch(kind=kind, file_name=f"{kind}.csv", rows_read=refused, rows_refused=refused, status="partiel",
                       started_at=datetime(started.year, started.month, started.day, 10, tzinfo=UTC))


def fill(engine, today: date = TODAY) -> None:
    """Four ambassadors, one mobilisation, and refused rows of three imports of different kinds and ages."""
    with transaction(engine) as session:
        for place in [Region(region_code="32", name="Hauts-de-France"),
                      Departement(departement_code="59", name="Nord", region_code="32"),
                      Commune(commune_code="59350", name="Lille", departement_code="59", region_code="32")]:
            session.add(place)
            session.flush()
        session.add_all([ambassador("parti.il.y.a.4.ans@example.org", years_before(today, 4)),
                         ambassador("parti.il.y.a.1.an@example.org", years_before(today, 1)),
                         ambassador("actif@example.org", None),
                         ambassador("demo@example.org", years_before(today, 4), is_demo=True)])
        session.flush()
        gone = session.execute(select(Ambassador.id).where(
            Ambassador.email == "parti.il.y.a.4.ans@example.org")).scalar_one()
        session.add(Mobilisation(ambassador_id=gone, mobilisation_date=date(2021, 3, 4)))
        long_ago, last_year = years_before(today, 4), years_before(today, 1)
        for kind, started, refused in [("ambassadors", long_ago, 2), ("events", long_ago, 1),
                                       ("referents", last_year, 1)]:
            row = batch(kind, started, refused)
            session.add(row)
            session.flush()
            session.add_all([ImportRefusal(batch_id=row.id, line_number=line + 2, reasons="commune inconnue",
                                           row_json=json.dumps({"Nom": "Dominique Martin"}))
                             for line in range(refused)])


def ambassadors(engine) -> dict[str, dict]:
    """Each ambassador's fields, by joined order (ids)."""
    with Session(engine) as session:
        rows = session.execute(select(Ambassador.id, *(getattr(Ambassador, f) for f in FIELDS))
                               .order_by(Ambassador.id)).all()
    return {row.id: dict(row._mapping) for row in rows}


def refusals(engine) -> list[str]:
    with Session(engine) as session:
        return sorted(session.execute(select(ImportBatch.kind).join(ImportRefusal)).scalars())


@pytest.fixture
def store(store_url):
    engine = get_engine(store_url)
    fill(engine)
    return engine


def test_ambassadors_who_left_before_the_retention_are_anonymised_and_others_kept(store):
    before = ambassadors(store)
    report = purge_store(store, TODAY, retention_years=3)
    after = ambassadors(store)
    assert report.ambassadors_anonymised == 1
    gone_id = next(i for i, row in before.items() if row["email"] == "parti.il.y.a.4.ans@example.org")
    gone = after[gone_id]
    assert (gone["full_name"], gone["email"], gone["phone"], gone["job_title"], gone["employer"]) == ("", None, None,
                                                                                                    "", None)
    kept = ["sector", "recruitment_channel", "commune_code", "joined_date", "left_date", "is_demo"]
    assert {f: gone[f] for f in kept} == {f: before[gone_id][f] for f in kept}, "past years' counts stay right"
    assert {i: row for i, row in after.items() if i != gone_id} == {i: row for i, row in before.items()
                                                                    if i != gone_id}
    with Session(store) as session:
        assert session.execute(select(Mobilisation.ambassador_id)).scalars().all() == [gone_id]


def test_refused_rows_with_personal_data_older_than_the_retention_are_deleted(store):
    assert refusals(store) == ["ambassadors", "ambassadors", "events", "referents"]
    report = purge_store(store, TODAY, retention_years=3)
    assert report.refusals_deleted == 2
    assert refusals(store) == ["events", "referents"], "events have no personal data; référents are recent"
    with Session(store) as session:
        assert len(session.execute(select(ImportBatch.id)).all()) == 3, "the imports stay in the history"


def test_the_report_is_said_in_french_and_recorded(store):
    report = purge_store(store, TODAY, retention_years=3, access_log_months=12)
    assert report.summary() == (
        "Purge du 25/11/2026 : 1 ambassadeur sorti du réseau avant le 25/11/2023 anonymisé ; 2 lignes refusées "
        "d'imports de référents ou d'ambassadeurs antérieurs au 25/11/2023 supprimées ; aucune entrée du journal "
        "des accès antérieure au 25/11/2025 supprimée (conservation : 3 ans pour les données personnelles, 12 mois "
        "pour le journal des accès).")
    last = read_last_purge(store)
    assert last["summary"] == report.summary()
    assert last["ambassadors_anonymised"] == 1 and last["today"] == "2026-11-25"
    assert last["ran_at"].tzinfo is not None


def test_a_dry_run_counts_and_writes_nothing(store):
    before = (ambassadors(store), refusals(store))
    report = purge_store(store, TODAY, dry_run=True)
    assert (report.ambassadors_anonymised, report.refusals_deleted) == (1, 2)
    assert report.summary().startswith("Simulation de la purge, rien n'a été modifié : 1 ambassadeur sorti du "
                                       "réseau avant le 25/11/2023 à anonymiser ; 2 lignes refusées")
    assert (ambassadors(store), refusals(store)) == before
    assert get_meta(store, LAST_PURGE_KEY) is None and read_last_purge(store) is None


def test_running_it_again_changes_nothing(store):
    purge_store(store, TODAY)
    after_first = (ambassadors(store), refusals(store))
    again = purge_store(store, TODAY)
    assert again.changes_count == 0
    assert (ambassadors(store), refusals(store)) == after_first
    assert "aucun ambassadeur sorti du réseau avant le 25/11/2023 anonymisé" in again.summary()


def test_no_purge_yet_reads_none(store_url):
    assert read_last_purge(get_engine(store_url)) is None


@pytest.mark.parametrize(("day", "years", "expected"), [(date(2026, 11, 25), 3, date(2023, 11, 25)),
                                                        (date(2028, 2, 29), 3, date(2025, 2, 28))])
def test_years_before(day, years, expected):
    assert years_before(day, years) == expected


@pytest.mark.parametrize(("day", "months", "expected"), [(date(2026, 11, 25), 12, date(2025, 11, 25)),
                                                         (date(2026, 3, 31), 1, date(2026, 2, 28)),
                                                         (date(2026, 1, 15), 13, date(2024, 12, 15))])
def test_months_before(day, months, expected):
    assert months_before(day, months) == expected


def test_the_command_line_purges_and_says_so_in_french(tmp_path):
    url = f"sqlite:///{tmp_path}/store.db"
    engine = get_engine(url)
    fill(engine, date.today())
    dry = run_cli(url, "purge", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.startswith("Simulation de la purge, rien n'a été modifié : 1 ambassadeur sorti du réseau")
    assert "2 lignes refusées d'imports de référents ou d'ambassadeurs" in dry.stdout
    assert read_last_purge(engine) is None
    done = run_cli(url, "purge")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Purge du {date.today():%d/%m/%Y} : 1 ambassadeur sorti du réseau avant le ")
    assert "anonymisé ; 2 lignes refusées" in done.stdout
    assert refusals(engine) == ["events", "referents"]
    assert read_last_purge(engine)["summary"] == done.stdout.strip()
    engine.dispose()
