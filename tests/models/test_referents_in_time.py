"""Référents in time: a référent counts for a school year only while in post during it (FTE prorated by days in
post), `referent_change` compares a département the day before a change and on that day, and a store built
before the dates existed gets them in place.

Hand-worked on tests/fixtures.py: département 59 = 59001..59004 (20 000 inhabitants), référent 2 covers EPCI
200000001 (59001, 59002: 15 000) at 0,5 ETP, référent 3 EPCI 200000002 within 59 (59003: 5 000, 59004: 0) at
0,8 ETP; référent 1 covers the whole département 62 (10 000) at 1 ETP. School year 2025-2026 has 365 days; a
référent starting on 2 March 2026 is in post 183 of them (30 in March, then 30 + 31 + 30 + 31 + 31).
"""

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import inspect, select

from models.coverage import (
    REFERENT_TIME_METHOD,
    latest_referent_start,
    referent_active_share,
    referent_change,
    referents_during,
    referents_on,
)
from models.db import get_engine, is_schema_outdated, transaction
from models.measures import compute_measures
from models.resources import Referent
from models.territory import Region
from tests.fixtures import tiny_communes, tiny_inputs, tiny_referents

YEAR = "2025-2026"
YEAR_START, YEAR_END = date(2025, 9, 1), date(2026, 8, 31)
ARRIVAL = date(2026, 3, 2)
SHARE = 183 / 365
PROJECT = Path(__file__).resolve().parents[2]


def dated_referents(**dates: tuple[date | None, date | None]) -> pd.DataFrame:
    """The tiny référents (one row per area) with start and end dates by id ("r3": (start, end))."""
    frame = tiny_referents()[["id", "fte", "departement_code", "epci_code"]]
    frame["start_date"], frame["end_date"] = None, None
    for name, (start, end) in dates.items():
        rows = frame.id == int(name[1:])
        frame.loc[rows, "start_date"], frame.loc[rows, "end_date"] = start, end
    return frame


def departement_measures(referents: pd.DataFrame, school_year: str | None = YEAR) -> pd.DataFrame:
    measures = compute_measures(tiny_inputs(referents=referents, school_year=school_year), levels=("departement",))
    return measures["departement"].set_index("territory_code")


# --- who is in post, and for how much of a period ---------------------------------------------------------------

def test_share_of_a_period_in_post():
    """No date: the whole year; arriving on 2 March: 183 days of 365; left before the year or arriving after it:
    nothing; both bounds included (a one-day mission counts one day)."""
    referents = pd.DataFrame({
        "id": [1, 2, 3, 4, 5],
        "fte": 1.0,
        "start_date": [None, ARRIVAL, None, date(2026, 9, 1), date(2026, 1, 5)],
        "end_date": [None, None, date(2025, 8, 31), None, date(2026, 1, 5)],
    })
    share = referent_active_share(referents, YEAR_START, YEAR_END)
    assert share.tolist() == pytest.approx([1.0, SHARE, 0.0, 0.0, 1 / 365])


def test_a_frame_without_dates_counts_everyone_in_full():
    assert referent_active_share(tiny_referents(), YEAR_START, YEAR_END).tolist() == [1.0, 1.0, 1.0]


def test_referents_during_a_year_keep_those_in_post_with_a_prorated_fte():
    during = referents_during(dated_referents(r1=(None, date(2025, 6, 30)), r3=(ARRIVAL, None)), YEAR_START, YEAR_END)
    assert during.id.tolist() == [2, 3]
    assert during.fte.tolist() == pytest.approx([0.5, 0.8 * SHARE])


def test_referents_on_a_day_keep_their_whole_fte():
    referents = dated_referents(r3=(ARRIVAL, None))
    assert referents_on(referents, date(2026, 3, 1)).id.tolist() == [1, 2]
    on_arrival = referents_on(referents, ARRIVAL)
    assert on_arrival.id.tolist() == [1, 2, 3] and on_arrival.fte.tolist() == [1.0, 0.5, 0.8]


# --- the measures of a school year ------------------------------------------------------------------------------

def test_a_referent_arriving_mid_year_counts_for_the_days_in_post():
    """Département 59: référent 2 all year (0,5) + référent 3 from 2 March (0,8 × 183/365); both counted, every
    commune covered (in post at least one day)."""
    row = departement_measures(dated_referents(r3=(ARRIVAL, None))).loc["59"]
    fte = 0.5 + 0.8 * SHARE
    assert row.referent_fte == pytest.approx(fte)
    assert row.inhabitants_per_referent == pytest.approx(20_000 / fte)
    assert row.schools_per_referent == pytest.approx(3 / fte)
    assert (row.referent_count, row.uncovered_communes_count) == (2, 0)


def test_a_referent_gone_before_the_year_does_not_count_and_leaves_their_communes_uncovered():
    """Département 62's only référent left on 31 August 2025: in 2025-2026, no référent time, 2 communes and its
    lycée uncovered; in 2024-2025 the référent still counts in full."""
    referents = dated_referents(r1=(date(2020, 9, 1), date(2025, 8, 31)))
    row = departement_measures(referents).loc["62"]
    assert (row.referent_count, row.referent_fte, row.uncovered_communes_count, row.uncovered_schools_count) == (
        0, 0, 2, 1)
    assert pd.isna(row.inhabitants_per_referent)
    before = departement_measures(referents, "2024-2025").loc["62"]
    assert (before.referent_count, before.referent_fte, before.uncovered_communes_count) == (1, 1.0, 0)


def test_without_a_school_year_dates_are_ignored():
    """A caller that names no school year (a page computing on the fly without one) gets every référent in full."""
    measures = departement_measures(dated_referents(r1=(None, date(2025, 8, 31)), r3=(ARRIVAL, None)), None)
    assert measures.referent_fte.to_dict() == pytest.approx({"59": 1.3, "62": 1.0})


def test_the_region_sums_the_prorated_time():
    measures = compute_measures(tiny_inputs(referents=dated_referents(r3=(ARRIVAL, None)), school_year=YEAR),
                                levels=("region",))["region"]
    assert measures.referent_fte.iloc[0] == pytest.approx(1.5 + 0.8 * SHARE)


# --- before and after a change ----------------------------------------------------------------------------------

def test_referent_change_compares_the_eve_and_the_day_of_the_latest_arrival():
    """Département 59 the day before référent 3 arrives: one référent (0,5 ETP), 40 000 inhabitants per référent,
    59003's 5 000 inhabitants uncovered; from the day of arrival: two (1,3 ETP), 15 385, nobody uncovered."""
    referents = dated_referents(r2=(date(2019, 9, 1), None), r3=(ARRIVAL, None))
    change = referent_change(tiny_communes(), referents, "59")
    assert change.departement_code == "59" and change.change_date == ARRIVAL
    before, after = change.before, change.after
    assert (before.day, before.referent_count, before.referent_fte, before.population_count) == (
        date(2026, 3, 1), 1, 0.5, 20_000)
    assert before.inhabitants_per_referent == pytest.approx(40_000)
    assert before.uncovered_population_count == 5_000
    assert (after.day, after.referent_count, after.referent_fte, after.uncovered_population_count) == (
        ARRIVAL, 2, pytest.approx(1.3), 0)
    assert after.inhabitants_per_referent == pytest.approx(20_000 / 1.3)


def test_referent_change_at_a_given_date_and_without_any_referent():
    """At a date of one's choosing; a side without référent time has no inhabitants per référent."""
    referents = dated_referents(r1=(date(2024, 9, 1), None))
    change = referent_change(tiny_communes(), referents, "62", date(2024, 9, 1))
    assert (change.before.referent_count, change.before.inhabitants_per_referent) == (0, None)
    assert change.before.uncovered_population_count == 10_000
    assert (change.after.referent_count, change.after.inhabitants_per_referent) == (1, 10_000)


def test_referent_change_needs_a_date():
    """Without dates (or without the columns) there is no change to compare: None."""
    assert latest_referent_start(dated_referents(), "59") is None
    assert referent_change(tiny_communes(), dated_referents(), "59") is None
    assert referent_change(tiny_communes(), tiny_referents(), "59") is None


def test_the_readme_states_the_rule():
    """The README says how a référent counts for a school year in the words of models.coverage."""
    readme = " ".join((PROJECT / "README.md").read_text(encoding="utf-8").split())
    assert REFERENT_TIME_METHOD in readme


# --- a store created before the dates ----------------------------------------------------------------------------

def test_a_store_without_the_dates_gets_them_in_place(store_url):
    """The columns are added to an older store when it is opened, its référents kept, with no dates (in post all
    along); opening it again changes nothing."""
    engine = get_engine(store_url)
    with transaction(engine) as session:
        session.add(Region(region_code="32", name="Hauts-de-France"))
        session.flush()
        session.add(Referent(region_code="32", full_name="Camille Exemple", email="camille@example.org"))
    with engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE referent DROP COLUMN start_date")
        connection.exec_driver_sql("ALTER TABLE referent DROP COLUMN end_date")
    assert is_schema_outdated(engine)
    for _ in range(2):  # a process opening the older store, then another one
        reopened = get_engine.__wrapped__(store_url)
        try:
            assert not is_schema_outdated(reopened)
            assert {"start_date", "end_date"} <= {c["name"] for c in inspect(reopened).get_columns("referent")}
            with reopened.connect() as connection:
                rows = connection.execute(select(Referent.email, Referent.start_date, Referent.end_date)).all()
            assert [tuple(row) for row in rows] == [("camille@example.org", None, None)]
        finally:
            reopened.dispose()
