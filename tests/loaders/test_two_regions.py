"""A store holding two régions: Hauts-de-France (32) then Normandie (28), each with its demo data.

Each région reads its own départements, measures (at every level), load history and computation date, and
loading the second région changes nothing of the first's figures. Built once per backend (SQLite and
PostgreSQL), about twenty seconds each: the real geography of both régions.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pandas as pd
import pytest
from sqlalchemy import select
from sqlmodel import Session

from loaders.build import init_store
from models import queries
from models.access import Viewer
from models.audit import ImportBatch, now_utc
from models.db import get_engine, is_schema_outdated
from models.measures import LEVELS
from models.resources import Ambassador, Event, EventSchool, Mobilisation, School
from models.territory import Region
from tests.conftest import BACKENDS, _isolated_store_url

SEED = 20261125
TODAY = date(2026, 11, 25)
PERIOD = "2026-2027"
DEPARTEMENTS = {"32": {"02", "59", "60", "62", "80"}, "28": {"14", "27", "50", "61", "76"}}
DIRECTION = Viewer("direction")


@dataclass(frozen=True)
class TwoRegions:
    url: str
    changed: dict[str, dict[str, bool]]
    hdf_before: pd.DataFrame  # Hauts-de-France's région measures before Normandie was loaded


@pytest.fixture(scope="module", params=BACKENDS)
def two_regions(request, tmp_path_factory) -> Iterator[TwoRegions]:
    with _isolated_store_url(request.param, tmp_path_factory.mktemp("two_regions")) as url:
        engine = get_engine(url)
        changed = {"32": init_store(engine, "32", with_demo=True, seed=SEED, today=TODAY)}
        before = queries.read_stored_measures(engine, "32", "region", PERIOD)
        changed["28"] = init_store(engine, "28", with_demo=True, seed=SEED, today=TODAY)
        yield TwoRegions(url, changed, before)


def _region_communes(engine, region_code: str) -> pd.DataFrame:
    return queries.read_communes(engine, region_code)


def test_the_second_region_is_initialised_with_its_demo(two_regions):
    assert two_regions.changed["32"] == {"reference": True, "demo": True, "measures": True}
    assert two_regions.changed["28"] == {"reference": True, "demo": True, "measures": True}
    engine = get_engine(two_regions.url)
    with Session(engine) as session:
        assert set(session.execute(select(Region.region_code)).scalars()) == {"32", "28"}
    assert queries.count_demo_rows(engine, "28")["referents"] == 5
    assert queries.count_demo_rows(engine, "32")["referents"] == 6


@pytest.mark.parametrize("region_code", ["32", "28"])
def test_each_region_reads_its_own_departements(two_regions, region_code):
    engine = get_engine(two_regions.url)
    assert set(queries.read_departements(engine, region_code).departement_code) == DEPARTEMENTS[region_code]


@pytest.mark.parametrize("region_code", ["32", "28"])
def test_each_region_reads_its_own_measures_at_every_level(two_regions, region_code):
    engine = get_engine(two_regions.url)
    communes = _region_communes(engine, region_code)
    zonings = queries.read_zoning_members(engine, region_code)
    own = {"region": {region_code}, "departement": DEPARTEMENTS[region_code],
           "epci": set(communes.epci_code.dropna()), "commune": set(communes.commune_code),
           "zoning": set(zonings.zoning_code)}
    for level in LEVELS:
        codes = set(queries.read_stored_measures(engine, region_code, level, PERIOD).territory_code)
        assert codes and codes <= own[level], level
    departements = set(queries.read_stored_measures(engine, region_code, "departement", PERIOD).territory_code)
    assert departements == DEPARTEMENTS[region_code]


def test_loading_a_second_region_changes_nothing_of_the_first(two_regions):
    after = queries.read_stored_measures(get_engine(two_regions.url), "32", "region", PERIOD)
    pd.testing.assert_frame_equal(after, two_regions.hdf_before)


@pytest.mark.parametrize("region_code", ["32", "28"])
def test_each_region_reads_its_own_load_history(two_regions, region_code):
    engine = get_engine(two_regions.url)
    batches = queries.read_import_batches(engine, DIRECTION, region_code)
    assert sorted(batches.kind) == ["demo", "geographie", "lycees"]
    assert set(batches.region_code) == {region_code}
    assert len(queries.read_import_batches(engine, DIRECTION)) == 6
    sources = queries.read_sources(engine, region_code).set_index("what")
    demo = batches.loc[batches.kind == "demo", "started_at"].iloc[0]
    assert pd.to_datetime(sources.loaded_at["Événements"]) == pd.to_datetime(demo)


def test_each_region_has_its_own_computation_date(two_regions):
    engine = get_engine(two_regions.url)
    hdf, normandie = (queries.read_computed_at(engine, code, PERIOD) for code in ("32", "28"))
    assert hdf and normandie and hdf < normandie


def test_demo_rows_point_to_their_own_region(two_regions):
    """The second demo's rows were given ids of their own: links stay within each région."""
    engine = get_engine(two_regions.url)
    with Session(engine) as session:
        event_links = session.execute(select(Event.region_code, School.region_code).join(
            EventSchool, EventSchool.event_id == Event.id).join(School, School.uai == EventSchool.uai)).all()
        mobilisations = session.execute(select(Ambassador.region_code, Event.region_code).join(
            Mobilisation, Mobilisation.ambassador_id == Ambassador.id).join(
            Event, Event.id == Mobilisation.event_id)).all()
    assert {pair for pair in event_links} == {("32", "32"), ("28", "28")}
    assert {pair for pair in mobilisations} == {("32", "32"), ("28", "28")}
    for region_code in ("32", "28"):
        referents = queries.read_referents(engine, DIRECTION, region_code)
        assert set(referents.departement_code) == DEPARTEMENTS[region_code]
        communes = set(_region_communes(engine, region_code).commune_code)
        assert set(queries.read_zoning_members(engine, region_code).commune_code) <= communes


# A store from before ImportBatch.region_code, opened by this version.

def test_an_older_store_gives_its_loads_their_region(store_url):
    engine = get_engine(store_url)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP INDEX ix_importbatch_region_code")
        connection.exec_driver_sql("ALTER TABLE importbatch DROP COLUMN region_code")
        connection.exec_driver_sql("INSERT INTO region (region_code, name, population_count) "
                                   "VALUES ('32', 'Hauts-de-France', 0)")
        connection.exec_driver_sql("INSERT INTO importbatch (kind, file_name, file_sha256, imported_by, started_at, "
                                   "rows_read, rows_written, rows_refused, status, note) VALUES ('events', "
                                   "'evenements.csv', '', 'camille', '2026-03-12 10:00:00', 1, 1, 0, 'ok', '')")
    assert is_schema_outdated(engine)
    upgraded = get_engine.__wrapped__(store_url)  # a new engine, as a new process makes
    try:
        assert not is_schema_outdated(upgraded)
        batches = queries.read_import_batches(upgraded, region_code="32")
        assert list(batches.region_code) == ["32"] and list(batches.kind) == ["events"]
        with Session(upgraded) as session:
            assert session.execute(select(ImportBatch.region_code)).scalars().all() == ["32"]
    finally:
        upgraded.dispose()


def test_loads_of_unknown_region_are_listed_for_every_region(store_url):
    engine = get_engine(store_url)
    with engine.begin() as connection:
        connection.execute(Region.__table__.insert(), [{"region_code": "32", "name": "Hauts-de-France"},
                                                        {"region_code": "28", "name": "Normandie"}])
        connection.execute(ImportBatch.__table__.insert(), [
            {"kind": "events", "region_code": code, "started_at": now_utc(),
             "file_name": f"{code or 'ancien'}.csv"} for code in ("32", "28", None)])
    assert sorted(queries.read_import_batches(engine, region_code="28").file_name) == ["28.csv", "ancien.csv"]
    assert sorted(queries.read_import_batches(engine).file_name) == ["28.csv", "32.csv", "ancien.csv"]
