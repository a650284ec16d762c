"""The engine: one per URL, tables created, SQLite tuned, transactions all or nothing."""

import pytest
from sqlalchemy import func, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from models.db import get_engine, transaction
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
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10000


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
