"""The engine: one per URL, tables created, SQLite tuned, transactions all or nothing."""

from datetime import date

import pytest
from sqlalchemy import func, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from models.db import WRITE_WAIT_S, get_engine, transaction
from models.resources import (
    Ambassador,
    CapacitySnapshot,
    Event,
    EventSchool,
    Mobilisation,
    Referent,
    ReferentArea,
    RemediationStructure,
)
from models.territory import Commune, Region


def test_engine_is_shared_per_url(store_url):
    assert get_engine(store_url) is get_engine(store_url)


def test_engine_creates_the_tables(store_url):
    tables = set(inspect(get_engine(store_url)).get_table_names())
    assert {"region", "departement", "epci", "commune", "communealias", "postalcode", "school", "referent",
            "referentarea", "event", "ambassador", "mobilisation", "remediationstructure", "capacitysnapshot",
            "indicator", "indicatorvalue", "zoning", "zoningcommune", "storemeta", "importbatch"} <= tables


def test_sqlite_store_directory_is_created(tmp_path):
    url = f"sqlite:///{tmp_path}/new/dir/store.db"
    get_engine(url)
    assert (tmp_path / "new" / "dir" / "store.db").exists()


def test_sqlite_connections_enforce_foreign_keys_and_use_wal(tmp_path):
    engine = get_engine(f"sqlite:///{tmp_path}/store.db")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == WRITE_WAIT_S * 1000


def test_foreign_keys_are_enforced(store_url):
    engine = get_engine(store_url)
    with pytest.raises(IntegrityError), transaction(engine) as session:
        session.add(Commune(commune_code="59350", name="Lille", departement_code="59", region_code="32"))
    with Session(engine) as session:
        assert session.execute(select(func.count()).select_from(Commune)).scalar_one() == 0


def test_transaction_commits_or_rolls_back(store_url):
    engine = get_engine(store_url)
    with transaction(engine) as session:
        session.add(Region(region_code="32", name="Hauts-de-France"))
    with pytest.raises(RuntimeError), transaction(engine) as session:
        session.add(Region(region_code="28", name="Normandie"))
        session.flush()
        raise RuntimeError("interrompu")
    with Session(engine) as session:
        assert session.execute(select(Region.region_code)).scalars().all() == ["32"]


# Stores created before the natural keys were unique.

UNIQUE_INDEXES = ["uq_referent_email", "uq_event_key", "uq_ambassador_email", "uq_remediation_key"]


def _as_built_before(engine) -> None:
    """Take the schema back to what create_all made before: no stored keys, no unique indexes."""
    with engine.begin() as connection:
        for index in UNIQUE_INDEXES:
            connection.exec_driver_sql(f"DROP INDEX {index}")
        connection.exec_driver_sql("ALTER TABLE event DROP COLUMN title_key")
        connection.exec_driver_sql("ALTER TABLE remediationstructure DROP COLUMN name_key")


def _rows_left_by_two_imports_at_once(engine) -> None:
    """Each resource written twice (the second copy with its own links), and one event of its own."""
    day = date(2026, 3, 12)
    with engine.begin() as connection:
        for statement in [
            "INSERT INTO region (region_code, name, population_count) VALUES ('32', 'Hauts-de-France', 0)",
            "INSERT INTO departement (departement_code, name, region_code, population_count) "
            "VALUES ('59', 'Nord', '32', 0)",
            "INSERT INTO commune (commune_code, name, departement_code, region_code, population_count) "
            "VALUES ('59350', 'Lille', '59', '32', 0)",
            "INSERT INTO school (uai, name, city_label, departement_code, region_code) "
            "VALUES ('0590117G', 'Lycée', 'Lille', '59', '32')",
        ]:
            connection.exec_driver_sql(statement)
        event = {"region_code": "32", "event_type": "Forum des métiers", "start_date": day, "commune_code": "59350",
                 "is_demo": False}
        connection.execute(Event.__table__.insert(), [
            {**event, "id": 1, "title": "Forum des métiers"}, {**event, "id": 2, "title": "forum  des MÉTIERS"},
            {**event, "id": 3, "title": "Café des parents"}])
        connection.execute(EventSchool.__table__.insert(), [{"event_id": 1, "uai": "0590117G"},
                                                            {"event_id": 2, "uai": "0590117G"}])
        person = {"region_code": "32", "email": "camille@example.org", "fte": 1.0, "is_demo": False}
        connection.execute(Referent.__table__.insert(), [{**person, "id": 1, "full_name": "Camille"},
                                                         {**person, "id": 2, "full_name": "Camille"}])
        connection.execute(ReferentArea.__table__.insert(), [{"id": 1, "referent_id": 1, "departement_code": "59"},
                                                             {"id": 2, "referent_id": 2, "departement_code": "59"}])
        ambassador = {"region_code": "32", "full_name": "Dominique", "email": "dominique@example.org",
                      "job_title": "", "sector": "Industrie", "has_sponsorship_agreement": False,
                      "commune_code": "59350", "joined_date": date(2025, 1, 1), "is_demo": False}
        connection.execute(Ambassador.__table__.insert(), [{**ambassador, "id": 1}, {**ambassador, "id": 2}])
        connection.execute(Mobilisation.__table__.insert(), [
            {"id": 1, "ambassador_id": 2, "event_id": 2, "mobilisation_date": day, "is_demo": False}])
        structure = {"region_code": "32", "structure_kind": "E2C", "commune_code": "59350", "is_demo": False}
        connection.execute(RemediationStructure.__table__.insert(), [{**structure, "id": 1, "name": "E2C Lille"},
                                                                     {**structure, "id": 2, "name": "E2C  lille"}])
        connection.execute(CapacitySnapshot.__table__.insert(), [
            {"structure_id": structure_id, "snapshot_date": day, "capacity_count": 20, "occupied_count": 10}
            for structure_id in (1, 2)])


def _contents(engine) -> dict[str, list[tuple]]:
    with engine.connect() as connection:
        return {model.__tablename__: sorted(tuple(row) for row in connection.execute(select(*columns)))
                for model, columns in [
                    (Event, [Event.id, Event.title, Event.title_key]), (EventSchool, [EventSchool.event_id]),
                    (Referent, [Referent.id]), (ReferentArea, [ReferentArea.referent_id]),
                    (Ambassador, [Ambassador.id]),
                    (Mobilisation, [Mobilisation.ambassador_id, Mobilisation.event_id]),
                    (RemediationStructure, [RemediationStructure.id, RemediationStructure.name_key]),
                    (CapacitySnapshot, [CapacitySnapshot.structure_id])]}


def test_a_store_built_before_the_unique_keys_is_brought_up_to_date(store_url):
    """Stored keys added and filled, duplicates removed (the first kept, links of the others gone, mobilisations
    moved to it), unique indexes created; opening the store again changes nothing."""
    from models.db import is_schema_outdated

    _as_built_before(get_engine(store_url))
    assert is_schema_outdated(get_engine(store_url))
    _rows_left_by_two_imports_at_once(get_engine(store_url))
    expected = {
        "event": [(1, "Forum des métiers", "forum des métiers"), (3, "Café des parents", "café des parents")],
        "eventschool": [(1,)], "referent": [(1,)], "referentarea": [(1,)], "ambassador": [(1,)],
        "mobilisation": [(1, 1)], "remediationstructure": [(1, "e2c lille")], "capacitysnapshot": [(1,)]}
    for _ in range(2):  # a process opening an older store, then another one
        engine = get_engine.__wrapped__(store_url)  # a new engine, as a new process makes
        try:
            assert not is_schema_outdated(engine)
            assert _contents(engine) == expected
        finally:
            engine.dispose()
    engine = get_engine(store_url)
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(Event.__table__.insert(), [{
            "region_code": "32", "title": "FORUM DES MÉTIERS", "title_key": "forum des métiers",
            "event_type": "Forum des métiers", "start_date": date(2026, 3, 12), "commune_code": "59350"}])
