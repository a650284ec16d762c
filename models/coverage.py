"""Coverage building blocks for the pages: pure computations, DataFrames in, DataFrames out (no Streamlit, no SQL).

Who covers which commune and with how much of their time, each référent's load, counts by a
column. The measures of every territory level are computed from these in models/measures.py.

A référent is in post from `start_date` to `end_date`, both days included (empty: in post before the
data, or still in post). For a school year, a référent in post on at least one of its days counts: among
the référents, and their communes are covered; their FTE counts in proportion to the days in post
(REFERENT_TIME_METHOD). `referent_change` compares a département the day before a date and on that day.
"""

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

REFERENT_TIME_METHOD = (
    "Un référent compte pour une année scolaire s'il y est en poste au moins un jour (de sa date de début à sa "
    "date de fin, incluses ; sans date : en poste toute l'année) : il compte parmi les référents et les "
    "communes de son territoire sont couvertes. Son temps (ETP), et donc les habitants et lycées par référent, "
    "est compté au prorata des jours en poste dans l'année : un temps plein arrivé le 1er mars compte pour "
    "0,5 ETP environ."
)


def _count_by_commune(frame: pd.DataFrame, value: str | None = None) -> pd.Series:
    if frame.empty:
        return pd.Series(dtype=float)
    grouped = frame.groupby("commune_code")
    return (grouped[value].sum() if value else grouped.size()).astype(float)


def referent_coverage(communes: pd.DataFrame, referents: pd.DataFrame) -> pd.DataFrame:
    """Which communes each référent covers: one row per (référent id, commune).

    A referent area with an EPCI covers that EPCI's communes in the département; without
    one, the whole département.
    """
    whole = referents[referents.epci_code.isna()].drop(columns="epci_code").merge(communes, on="departement_code")
    split = referents[referents.epci_code.notna()].merge(communes, on=["departement_code", "epci_code"])
    return pd.concat([whole, split]).drop_duplicates(["id", "commune_code"]).reset_index(drop=True)


def referent_fte_by_commune(communes: pd.DataFrame, referents: pd.DataFrame) -> pd.Series:
    """Spread each référent's FTE over the communes they cover, in proportion to population.

    A référent whose communes have no inhabitant at all spreads evenly over them.
    """
    if referents.empty:
        return pd.Series(0.0, index=communes.commune_code)
    covered = referent_coverage(communes, referents)
    weight = covered.population_count.clip(lower=0).astype(float)
    total = weight.groupby(covered.id).transform("sum")
    even = 1.0 / covered.groupby("id").commune_code.transform("size")
    share = np.where(total > 0, weight / total.replace(0, np.nan), even)
    covered = covered.assign(share=covered.fte * share)
    return covered.groupby("commune_code").share.sum().reindex(communes.commune_code, fill_value=0.0)


def count_by(frame: pd.DataFrame, column: str, value: str | None = None, name: str = "count") -> pd.DataFrame:
    """Count rows (or sum `value`) by a column, largest first."""
    if frame.empty:
        return pd.DataFrame({column: [], name: []})
    grouped = frame.groupby(column, dropna=False)
    result = (grouped[value].sum() if value else grouped.size()).reset_index(name=name)
    return result.sort_values(name, ascending=False).reset_index(drop=True)


def referent_loads(communes: pd.DataFrame, referents: pd.DataFrame, schools: pd.DataFrame,
                   events: pd.DataFrame) -> pd.DataFrame:
    """The territory each référent covers side by side: communes, inhabitants, lycées, events, dates in post."""
    covered = referent_coverage(communes, referents)
    school_counts = _count_by_commune(schools.dropna(subset=["commune_code"]))
    event_counts = _count_by_commune(events)
    covered = covered.assign(schools_count=covered.commune_code.map(school_counts).fillna(0),
                             events_count=covered.commune_code.map(event_counts).fillna(0))
    loads = covered.groupby("id").agg(communes_count=("commune_code", "nunique"),
                                      population_count=("population_count", "sum"),
                                      schools_count=("schools_count", "sum"), events_count=("events_count", "sum"))
    areas = referents.groupby("id").agg(
        fte=("fte", "first"),
        departements=("departement_code", lambda codes: ", ".join(sorted(set(codes)))),
        epci_count=("epci_code", lambda codes: int(codes.notna().sum())))
    people = [c for c in ("full_name", "email", "phone", "sector_label", "start_date", "end_date")
              if c in referents.columns]
    identity = referents.drop_duplicates("id").set_index("id")[people]
    result = areas.join(identity).join(loads).reset_index()
    result["inhabitants_per_fte"] = result.population_count / result.fte.replace(0, np.nan)
    return result


def uncovered_communes(communes: pd.DataFrame, referents: pd.DataFrame) -> pd.DataFrame:
    """Communes of the région that no référent's area covers (inhabited or not)."""
    covered = set(referent_coverage(communes, referents).commune_code) if not referents.empty else set()
    return communes[~communes.commune_code.isin(covered)]


def events_reaching_schools(events: pd.DataFrame, schools: pd.DataFrame) -> pd.DataFrame:
    """Lycées with the number of events held in them (0 for lycées no event reached)."""
    held = events.dropna(subset=["school_uai"]).groupby("school_uai").size()
    return schools.assign(events_count=schools.uai.map(held).fillna(0).astype(int))


# Référents in time ---------------------------------------------------------------------------------------

def _dates(referents: pd.DataFrame, column: str) -> pd.Series:
    """A date column as timestamps (NaT when empty or absent: no bound)."""
    if column not in referents.columns:
        return pd.Series(pd.NaT, index=referents.index, dtype="datetime64[ns]")
    return pd.to_datetime(referents[column], errors="coerce")


def referent_active_share(referents: pd.DataFrame, start: date, end: date) -> pd.Series:
    """The share of the days from `start` to `end` (both included) each référent row is in post, from 0 to 1.

    An empty start date means in post before the period, an empty end date still in post; a frame without the
    date columns counts every référent in full.
    """
    first, last = pd.Timestamp(start), pd.Timestamp(end)
    begins = _dates(referents, "start_date").fillna(first).clip(lower=first)
    ends = _dates(referents, "end_date").fillna(last).clip(upper=last)
    days = (ends - begins).dt.days + 1
    return (days.clip(lower=0) / ((last - first).days + 1)).astype(float)


def referents_during(referents: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    """The référent rows in post on at least one day from `start` to `end`, their `fte` prorated by days in post."""
    share = referent_active_share(referents, start, end)
    return referents[share > 0].assign(fte=referents.fte * share[share > 0]).reset_index(drop=True)


def referents_on(referents: pd.DataFrame, day: date) -> pd.DataFrame:
    """The référent rows in post on one day, with their whole FTE."""
    return referents[referent_active_share(referents, day, day) > 0].reset_index(drop=True)


@dataclass(frozen=True)
class ReferentDay:
    """A département's référents on one day."""

    day: date
    referent_count: int
    referent_fte: float
    population_count: int
    inhabitants_per_referent: float | None  # None when no référent time serves the département
    uncovered_population_count: int


@dataclass(frozen=True)
class ReferentChange:
    """A département the day before a change of référents and on the day of it."""

    departement_code: str
    change_date: date
    before: ReferentDay
    after: ReferentDay


def latest_referent_start(referents: pd.DataFrame, departement_code: str) -> date | None:
    """The latest start date among the référents working in a département (None: no dated référent)."""
    starts = _dates(referents, "start_date")[referents.departement_code == departement_code].dropna()
    return starts.max().date() if not starts.empty else None


def _referent_day(communes: pd.DataFrame, referents: pd.DataFrame, departement_code: str, day: date) -> ReferentDay:
    local = communes[communes.departement_code == departement_code]
    active = referents_on(referents, day)
    fte = referent_fte_by_commune(communes, active).reindex(local.commune_code, fill_value=0.0).sum()
    covered = set(referent_coverage(communes, active).commune_code) if not active.empty else set()
    working = set(active.id[active.departement_code == departement_code])
    population = int(local.population_count.sum())
    return ReferentDay(day, len(working), float(fte), population, population / fte if fte > 0 else None,
                       int(local.population_count[~local.commune_code.isin(covered)].sum()))


def referent_change(communes: pd.DataFrame, referents: pd.DataFrame, departement_code: str,
                    change_date: date | None = None) -> ReferentChange | None:
    """Inhabitants per référent (FTE) of a département the day before `change_date` and on that day.

    It answers "is the Nord better covered since its second référent?": by default `change_date` is the
    latest start date of the référents working in the département (None is returned when none has one).
    `communes` as models.queries.read_communes gives them; `referents` one row per référent area (id, fte,
    departement_code, epci_code, start_date, end_date), as models.queries.read_referents gives them. A
    référent covering several départements serves each in proportion to its population, as in the
    measures; each side counts the référents in post that day with their whole FTE, and the inhabitants
    of the département's communes no référent in post covers.
    """
    change_date = change_date or latest_referent_start(referents, departement_code)
    if change_date is None:
        return None
    return ReferentChange(departement_code, change_date,
                          _referent_day(communes, referents, departement_code, change_date - timedelta(days=1)),
                          _referent_day(communes, referents, departement_code, change_date))
