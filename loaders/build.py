"""Build or update the store: reference data, then (optionally) demo data."""

from datetime import date

from sqlalchemy import Engine

from loaders.compute import compute_store
from loaders.demo import load_demo
from loaders.store import Progress, _no_progress, are_measures_stale, count_rows, load_reference
from models.audit import ImportBatch
from models.indicators import IndicatorValue
from models.resources import Ambassador, Event, Referent, RemediationStructure, School
from models.territory import Commune, Departement, Epci, Region

STATS_TABLES = {
    "regions": Region, "departements": Departement, "epci": Epci, "communes": Commune, "schools": School,
    "referents": Referent, "events": Event, "ambassadors": Ambassador,
    "remediation_structures": RemediationStructure, "indicator_values": IndicatorValue,
    "import_batches": ImportBatch,
}


def init_store(engine: Engine, region_code: str, with_demo: bool, seed: int, today: date | None = None,
               progress: Progress = _no_progress, white_zone_km: float = 20.0) -> dict[str, bool]:
    """Create or update the store for a région; running it twice changes nothing.

    After any load, the coverage measures are recomputed (and computed once if never done, or
    if a recompute was interrupted: a process killed after a write and before its recompute).
    """
    changed = {"reference": load_reference(engine, region_code, progress)}
    if with_demo:
        changed["demo"] = load_demo(engine, region_code, seed, today, progress)
    if any(changed.values()) or not has_measures(engine, region_code) or are_measures_stale(engine, region_code):
        compute_store(engine, region_code, white_zone_km, today,
                      progress=lambda fraction, message: progress(0.9 + 0.1 * fraction, message))
        changed["measures"] = True
    else:
        changed["measures"] = False
    progress(1.0, "Entrepôt prêt.")
    return changed


def has_measures(engine: Engine, region_code: str) -> bool:
    """Whether the région's computed measures are in the store."""
    return count_rows(engine, IndicatorValue, IndicatorValue.territory_level == "region",
                      IndicatorValue.territory_code == region_code) > 0


def store_stats(engine: Engine) -> dict[str, int]:
    """Row count of each main table."""
    return {name: count_rows(engine, model) for name, model in STATS_TABLES.items()}


def is_store_ready(engine: Engine, region_code: str) -> bool:
    """Whether the région is loaded and its measures computed from its current data."""
    return (is_region_loaded(engine, region_code) and has_measures(engine, region_code)
            and not are_measures_stale(engine, region_code))


def is_region_loaded(engine: Engine, region_code: str) -> bool:
    """Whether the région's communes are in the store."""
    return count_rows(engine, Commune, Commune.region_code == region_code) > 0
