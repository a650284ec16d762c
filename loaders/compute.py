"""Compute the coverage measures from the store and write them back as indicator values.

One snapshot per school year: recomputing a year replaces that year's computed values
(source "calcul Maillage") in one transaction, so pages always read a whole snapshot.

A write that changes what the measures count marks them stale in its own transaction
(loaders.store.mark_measures_stale); only a complete recompute clears the mark. A process killed in between
leaves the mark, and the next start, command or import finishes the recompute.
"""

from datetime import date
from itertools import repeat

import pandas as pd
from sqlalchemy import Engine, delete

from loaders.store import Progress, _no_progress, clear_measures_stale, measures_stale_mark, set_meta, upsert
from models import queries
from models.access import Viewer
from models.audit import now_utc
from models.db import transaction
from models.indicators import Indicator, IndicatorValue
from models.measures import INDICATORS, CoverageInputs, compute_measures, indicator_rows

SOURCE = "calcul Maillage"
_SYSTEM = Viewer("direction")  # the computation reads everything; what it writes carries no personal data


def read_inputs(engine: Engine, region_code: str, school_year: str, today: date) -> CoverageInputs:
    """Everything the computation needs for one région and school year, read from the store."""
    referents = queries.read_referents(engine, _SYSTEM, region_code)
    indicators = queries.read_indicator_values(engine, region_code)
    dropouts = indicators[(indicators.indicator_code == "decrocheurs_16_25") & (indicators.period == school_year)]
    return CoverageInputs(
        communes=queries.read_communes(engine, region_code),
        schools=queries.read_schools(engine, _SYSTEM, region_code),
        events=queries.read_events(engine, _SYSTEM, region_code, None, school_year),
        event_schools=queries.read_event_schools(engine, region_code, school_year),
        ambassadors=queries.read_ambassadors(engine, _SYSTEM, region_code, None, school_year),
        remediation=queries.read_remediation(engine, _SYSTEM, region_code, None, school_year, today),
        referents=referents[["id", "fte", "departement_code", "epci_code", "start_date", "end_date"]],
        zonings=queries.read_zoning_members(engine, region_code),
        dropouts=dropouts.rename(columns={"territory_code": "departement_code"})[["departement_code", "value"]],
        sectors=queries.read_sectors(engine, region_code),
        region_code=region_code,
        school_year=school_year,
    )


def _db_time(engine: Engine, moment):
    """SQLite keeps datetimes as ISO text (as SQLAlchemy writes them); PostgreSQL takes them as they are."""
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f") if engine.dialect.name == "sqlite" else moment


def write_snapshot(engine: Engine, rows: pd.DataFrame, period: str, is_demo: bool,
                   region_code: str | None = None) -> int:
    """Replace one school year's computed values by `rows`; return how many were written."""
    computed_at = now_utc()
    columns = ["indicator_code", "territory_level", "territory_code", "period", "value"]
    stamp = _db_time(engine, computed_at)
    # Column lists, not itertuples: iterating Arrow-backed strings value by value is most of the time.
    records = list(zip(*(rows[column].tolist() for column in columns), repeat(stamp), repeat(is_demo)))
    table = IndicatorValue.__table__
    placeholder = "?" if engine.dialect.name == "sqlite" else "%s"
    statement = (f"INSERT INTO {table.name} ({', '.join(columns)}, computed_at, is_demo) "
                 f"VALUES ({', '.join([placeholder] * (len(columns) + 2))})")
    with transaction(engine, region_code) as session:
        upsert(session, Indicator, [{
            "indicator_code": code, "label": item.label, "unit": item.unit, "source": SOURCE,
            "periodicity": "annuelle (année scolaire)", "is_higher_better": item.is_higher_better, "is_demo": False,
        } for code, item in INDICATORS.items()])
        session.execute(delete(IndicatorValue).where(IndicatorValue.period == period,
                                                     IndicatorValue.indicator_code.in_(list(INDICATORS)),
                                                     IndicatorValue.territory_code.in_(
                                                         rows.territory_code.unique().tolist())))
        # Plain DB-API executemany: the ORM's per-row bookkeeping is most of the time for 100,000 rows.
        cursor = session.connection().connection.cursor()
        cursor.executemany(statement, records)
        when = computed_at.isoformat(timespec="seconds")
        if region_code is not None:
            set_meta(session, queries.computed_at_key(region_code, period), when)
        # Also the store-wide key of before (whichever région was computed last), still read by views.ui's map
        # credit and loaders.deck: drop it once they read queries.read_computed_at.
        set_meta(session, f"computed_at:{period}", when)
    return len(records)


def compute_store(engine: Engine, region_code: str, threshold_km: float, today: date | None = None,
                  school_years: list[str] | None = None, progress: Progress = _no_progress) -> dict[str, int]:
    """Compute and store every school year's measures for a région; return rows written per year.

    Computing every year (no `school_years`) clears the stale mark, unless a write marked it again meanwhile.
    """
    today = today or date.today()
    stale_mark = measures_stale_mark(engine, region_code) if school_years is None else None
    years = school_years or queries.read_school_years_with_data(engine, region_code, today)
    is_demo = any(queries.count_demo_rows(engine, region_code).values())
    written = {}
    for index, year in enumerate(years):
        progress(index / max(len(years), 1), f"Calcul des indicateurs {year.replace('-', '–')}…")
        measures = compute_measures(read_inputs(engine, region_code, year, today), threshold_km)
        written[year] = write_snapshot(engine, indicator_rows(measures, year), year, is_demo, region_code)
    if stale_mark is not None:
        clear_measures_stale(engine, region_code, stale_mark)
    return written
