"""Imports at the same time, and imports cut short before their recompute, on SQLite and PostgreSQL.

Each test has a store of its own on both backends: the six communes of tests/fixtures, written in a few
statements and their measures computed once (a second or two), instead of a whole région. Threads meet
at barriers with bounded waits; no assertion depends on how long anything takes.
"""

import threading
from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

import loaders.compute
import loaders.imports as imports
from loaders.build import init_store, is_store_ready
from loaders.compute import compute_store
from loaders.imports import check_file, import_file, write_check
from loaders.store import frame_records, reference_version, set_meta, upsert
from models.db import get_engine, transaction
from models.resources import Ambassador, Event
from models.territory import Commune, Departement, Epci, Region
from tests.fixtures import DEPARTEMENT_NAMES, EPCI_NAMES, REGION_CODE, tiny_communes
from tests.loaders.import_files import kind_csv
from tests.loaders.test_imports import event, region_events_count, run_cli, url_of

YEAR = "2025-2026"
EVENTS_COUNT = 120
RECORDS = [event(f"Forum des métiers n° {n}", f"{1 + n % 28:02d}/03/2026", ["59001", "59002", "62001"][n % 3])
           for n in range(EVENTS_COUNT)]
WAIT_S = 180  # bound of every wait for a thread: reached only if something hangs


def write_tiny_region(engine: Engine) -> None:
    """The six communes of tests/fixtures as région 32, its reference data marked as loaded (no lycée)."""
    communes = tiny_communes()
    with transaction(engine) as session:
        upsert(session, Region, [{"region_code": REGION_CODE, "name": "Région d'essai",
                                  "population_count": int(communes.population_count.sum())}])
        upsert(session, Departement, [
            {"departement_code": code, "name": name, "region_code": REGION_CODE,
             "population_count": int(communes[communes.departement_code == code].population_count.sum())}
            for code, name in DEPARTEMENT_NAMES.items()])
        upsert(session, Epci, [{"epci_code": code, "name": name, "region_code": REGION_CODE, "departement_code": "59"}
                               for code, name in EPCI_NAMES.items()])
        upsert(session, Commune, frame_records(communes, [
            "commune_code", "name", "departement_code", "region_code", "epci_code", "population_count", "latitude",
            "longitude"]))
        set_meta(session, f"reference:{REGION_CODE}", reference_version())  # init_store loads no real geography


@pytest.fixture
def tiny(store_url) -> Engine:
    """A store of its own with the tiny région, its measures computed (it is ready)."""
    engine = get_engine(store_url)
    write_tiny_region(engine)
    init_store(engine, REGION_CODE, with_demo=False, seed=0)
    assert is_store_ready(engine, REGION_CODE)
    return engine


def run_together(*calls: Callable):
    """Start every call in a thread at the same moment; return their results (or raise the first error)."""
    start = threading.Barrier(len(calls), timeout=WAIT_S)
    results, errors = [None] * len(calls), []

    def run(index: int, call: Callable) -> None:
        try:
            start.wait()
            results[index] = call()
        except BaseException as error:  # noqa: B036  (reported to the test's thread below)
            errors.append(error)

    threads = [threading.Thread(target=run, args=(index, call), daemon=True) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT_S)
    assert not any(thread.is_alive() for thread in threads), "a call never finished"
    if errors:
        raise errors[0]
    return results


def events_and_keys(engine: Engine) -> tuple[int, int]:
    with engine.connect() as connection:
        rows = connection.execute(select(Event.title, Event.start_date, Event.commune_code)).all()
    return len(rows), len({(" ".join(title.split()).casefold(), day, commune) for title, day, commune in rows})


# Two imports at once.

def test_two_imports_of_one_file_at_once_write_it_once(tiny, monkeypatch):
    """Both have read the rows stored before either writes: the second must wait for the first, then find its rows."""
    content = kind_csv("events", RECORDS)
    checks = [check_file(tiny, "events", content, "evenements.csv", REGION_CODE) for _ in range(2)]
    window = threading.Barrier(2, timeout=3)
    original = imports._sync

    def synced(*args, **kwargs):
        # Between reading the stored rows and inserting the new ones, wait (a little) for the other import:
        # without a lock both get here having found nothing, and both insert everything.
        try:
            window.wait()
        except threading.BrokenBarrierError:
            pass  # the other import waits for this one to commit: it cannot come
        return original(*args, **kwargs)

    monkeypatch.setattr(imports, "_sync", synced)
    reports = run_together(*(lambda check=check: write_check(tiny, check) for check in checks))
    assert sorted((report.rows_added, report.rows_unchanged) for report in reports) == [
        (0, EVENTS_COUNT), (EVENTS_COUNT, 0)]
    assert events_and_keys(tiny) == (EVENTS_COUNT, EVENTS_COUNT)


def test_the_store_refuses_a_second_row_with_the_same_natural_key(tiny):
    """The unique keys hold whatever writes: an event differing only by case and spaces, an email twice."""
    row = {"region_code": REGION_CODE, "event_type": "Forum des métiers", "commune_code": "59001",
           "start_date": date(2026, 3, 12)}
    with transaction(tiny) as session:
        session.execute(Event.__table__.insert(), [{**row, "title": "Forum", "title_key": "forum"}])
    with pytest.raises(IntegrityError), transaction(tiny) as session:
        session.execute(Event.__table__.insert(), [{**row, "title": " FORUM ", "title_key": "forum"}])
    person = {"region_code": REGION_CODE, "full_name": "Dominique Exemple", "email": "dominique@example.org",
              "sector": "Industrie", "commune_code": "59001", "joined_date": date(2025, 1, 1)}
    with pytest.raises(IntegrityError), transaction(tiny) as session:
        session.execute(Ambassador.__table__.insert(), [person, {**person, "full_name": "Homonyme"}])
    assert events_and_keys(tiny) == (1, 1)


def test_a_write_waiting_too_long_says_so_in_french(store_url, monkeypatch):
    from models.db import StoreBusy

    monkeypatch.setattr("models.db.WRITE_WAIT_S", 0.3)
    engine = get_engine(store_url)  # its connections wait 0.3 s for a lock
    began, release = threading.Event(), threading.Event()

    def hold() -> None:
        with transaction(engine, REGION_CODE):
            began.set()
            release.wait(WAIT_S)

    holder = threading.Thread(target=hold, daemon=True)
    holder.start()
    try:
        assert began.wait(WAIT_S)
        with pytest.raises(StoreBusy, match="occupé par une autre écriture .* réessayez"), \
                transaction(engine, REGION_CODE):
            pass
    finally:
        release.set()
        holder.join(WAIT_S)
    with transaction(engine, REGION_CODE):  # once the first has committed, the next write goes through
        pass


# A recompute cut short.

def _killed_during_the_recompute(*_args, **_kwargs):
    raise KeyboardInterrupt  # the process dies once the write is committed, before the measures are stored


def _import_cut_short(engine: Engine, monkeypatch) -> None:
    with monkeypatch.context() as patch:
        patch.setattr(loaders.compute, "compute_store", _killed_during_the_recompute)
        with pytest.raises(KeyboardInterrupt):
            import_file(engine, "events", kind_csv("events", RECORDS), "evenements.csv", REGION_CODE)
    assert events_and_keys(engine) == (EVENTS_COUNT, EVENTS_COUNT), "the write was committed"
    assert region_events_count(engine).get(YEAR) != EVENTS_COUNT, "its measures were not"


def test_importing_again_finishes_the_recompute_an_interrupted_import_left(tiny, monkeypatch):
    _import_cut_short(tiny, monkeypatch)
    assert not is_store_ready(tiny, REGION_CODE), "stale measures: the app's first-start path must recompute"
    report = import_file(tiny, "events", kind_csv("events", RECORDS), "evenements.csv", REGION_CODE)
    assert (report.rows_added, report.rows_updated, report.rows_unchanged) == (0, 0, EVENTS_COUNT)
    assert region_events_count(tiny)[YEAR] == EVENTS_COUNT
    assert is_store_ready(tiny, REGION_CODE)


@pytest.mark.parametrize("next_start", ["app", "cli-init", "cli-compute"])
def test_the_next_start_finishes_the_recompute_an_interrupted_import_left(tiny, monkeypatch, next_start):
    """The app's first-start path (init_store, as ensure_store calls it), or the next command."""
    _import_cut_short(tiny, monkeypatch)
    if next_start == "app":
        assert init_store(tiny, REGION_CODE, with_demo=False, seed=0)["measures"]
    else:
        result = run_cli(url_of(tiny), next_start.removeprefix("cli-"), "--region", REGION_CODE)
        assert result.returncode == 0, result.stderr
    assert region_events_count(tiny)[YEAR] == EVENTS_COUNT
    assert is_store_ready(tiny, REGION_CODE)


def test_a_write_during_a_recompute_keeps_the_measures_stale(tiny, monkeypatch):
    """A recompute only clears the mark it started from: data written meanwhile may be missing from it."""
    from loaders.store import are_measures_stale

    assert write_check(tiny, check_file(tiny, "events", kind_csv("events", RECORDS[:10]), "a.csv",
                                        REGION_CODE)).rows_added == 10
    later = check_file(tiny, "events", kind_csv("events", RECORDS[10:]), "b.csv", REGION_CODE)
    original, writes = loaders.compute.compute_measures, []

    def with_a_write_meanwhile(*args, **kwargs):
        if not writes:  # after the inputs were read, another import writes
            writes.append(write_check(tiny, later))
        return original(*args, **kwargs)

    monkeypatch.setattr(loaders.compute, "compute_measures", with_a_write_meanwhile)
    compute_store(tiny, REGION_CODE, 20.0)
    assert writes[0].rows_added == EVENTS_COUNT - 10
    assert are_measures_stale(tiny, REGION_CODE) and not is_store_ready(tiny, REGION_CODE)
    monkeypatch.undo()
    compute_store(tiny, REGION_CODE, 20.0)
    assert region_events_count(tiny)[YEAR] == EVENTS_COUNT
    assert is_store_ready(tiny, REGION_CODE)

