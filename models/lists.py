"""The lists a référent works from: pure computations, DataFrames in, DataFrames out (no Streamlit, no SQL).

Lycées nobody reached this school year, events ahead and behind, trade sectors without an ambassador
in a territory, remediation structures with free places. Two rules are written here once and used by
the measures too (models/measures.py), so that a list always has as many rows as its measure counts:
what "reached" means for a lycée (`is_school_reached`) and which sectors a territory lacks
(`missing_sectors`).
"""

import unicodedata
from datetime import date

import pandas as pd

from models.schoolyear import school_year_bounds

SCHOOL_COLUMNS = ["uai", "name", "city_label", "departement_code", "commune_code"]


def is_school_reached(schools: pd.DataFrame, events: pd.DataFrame, event_schools: pd.DataFrame) -> pd.Series:
    """Whether each lycée was reached by `events`: one was held there, or the lycée is among its participants.

    `event_schools` holds the participations (event_id, uai) of those same events.
    """
    reached = set(events.school_uai.dropna()) | set(event_schools.get("uai", pd.Series(dtype=str)).dropna())
    return schools.uai.isin(reached)


def _in_period(events: pd.DataFrame, first: date | None, last: date | None) -> pd.Series:
    keep = pd.Series(True, index=events.index)
    if first is not None:
        keep &= events.start_date >= first
    if last is not None:
        keep &= events.start_date <= last
    return keep


def _contacts(events: pd.DataFrame, event_schools: pd.DataFrame) -> pd.DataFrame:
    """Every (lycée, date, event title) an event held in a lycée or a lycée's participation gives."""
    held = events.dropna(subset=["school_uai"]).rename(columns={"school_uai": "uai"})[["uai", "start_date", "title"]]
    links = event_schools[["event_id", "uai"]].merge(events[["id", "start_date", "title"]], left_on="event_id",
                                                     right_on="id")[["uai", "start_date", "title"]]
    return pd.concat([held, links], ignore_index=True)


def schools_to_contact(schools: pd.DataFrame, events: pd.DataFrame, event_schools: pd.DataFrame,
                       school_year: str) -> pd.DataFrame:
    """The lycées no event reached in the school year, with their last contact in an earlier year, if any.

    `events` and `event_schools` may span every year: the school year's decide who was reached (as the
    measure `schools_not_reached_count` does: a lycée located in a commune, reached by neither an event
    held there nor a participation), earlier ones give `last_contact_date` and `last_contact_title`.
    Never-contacted lycées come first, then the longest since their last contact.
    """
    first, last = school_year_bounds(school_year)
    this_year = events[_in_period(events, first, last)]
    year_links = event_schools[event_schools.event_id.isin(this_year.id)]
    located = schools.dropna(subset=["commune_code"])
    result = located[~is_school_reached(located, this_year, year_links)][SCHOOL_COLUMNS].copy()
    earlier = events[events.start_date < first]
    contacts = _contacts(earlier, event_schools[event_schools.event_id.isin(earlier.id)])
    latest = contacts.sort_values(["start_date", "title"]).drop_duplicates("uai", keep="last").set_index("uai")
    result["has_earlier_contact"] = result.uai.isin(latest.index)
    result["last_contact_date"] = result.uai.map(latest.start_date)
    result["last_contact_title"] = result.uai.map(latest.title)
    result["_never"] = ~result.has_earlier_contact
    # A date column with gaps does not sort with NaN as a value: order by "never" first, then by date.
    result["_since"] = result.last_contact_date.map(lambda day: day.toordinal() if pd.notna(day) else 0)
    result = result.sort_values(["_never", "_since", "name", "uai"], ascending=[False, True, True, True])
    return result.drop(columns=["_never", "_since"]).reset_index(drop=True)


def upcoming_events(events: pd.DataFrame, today: date, first: date | None = None,
                    last: date | None = None) -> pd.DataFrame:
    """Events from today on (today's included), soonest first, kept to [first, last] when given."""
    ahead = events[(events.start_date >= today) & _in_period(events, first, last)]
    return ahead.sort_values(["start_date", "title"], kind="stable").reset_index(drop=True)


def past_events(events: pd.DataFrame, today: date, first: date | None = None,
                last: date | None = None) -> pd.DataFrame:
    """Events before today, most recent first, kept to [first, last] when given."""
    behind = events[(events.start_date < today) & _in_period(events, first, last)]
    return behind.sort_values(["start_date", "title"], ascending=[False, True], kind="stable").reset_index(drop=True)


def _alphabetical(text: str) -> str:
    """French dictionary order, roughly: « Énergie » beside « Électricité », not after « Transport »."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()


def missing_sectors(memberships: pd.DataFrame, ambassadors: pd.DataFrame, sectors: tuple[str, ...]) -> pd.DataFrame:
    """Each (territory_code, sector) pair where none of the active `ambassadors` works in that sector.

    `memberships` says which communes make each territory (commune_code, territory_code); `sectors` are
    the région's trade sectors, the only ones counted. What `sectors_without_ambassador_count` counts.
    """
    territories = pd.Index(memberships.territory_code.dropna().unique(), name="territory_code")
    if not sectors or territories.empty:
        return pd.DataFrame({"territory_code": pd.Series(dtype=object), "sector": pd.Series(dtype=object)})
    ordered = sorted(sectors, key=_alphabetical)
    grid = pd.MultiIndex.from_product([territories, ordered], names=["territory_code", "sector"])
    present = ambassadors[["commune_code", "sector"]].merge(memberships[["commune_code", "territory_code"]],
                                                           on="commune_code")
    found = pd.MultiIndex.from_frame(present[["territory_code", "sector"]].drop_duplicates())
    return grid[~grid.isin(found)].to_frame(index=False)


def sectors_without_ambassador(communes: pd.DataFrame, ambassadors: pd.DataFrame, sectors: tuple[str, ...],
                               level: str) -> pd.DataFrame:
    """For each département or EPCI lacking some sectors: how many, and which (names joined, in order).

    Territories with an ambassador in every sector are left out; most sectors missing first.
    """
    column = {"departement": "departement_code", "epci": "epci_code"}[level]
    memberships = communes.assign(territory_code=communes[column]).dropna(subset=["territory_code"])
    missing = missing_sectors(memberships, ambassadors, sectors)
    result = missing.groupby("territory_code", sort=True).sector.agg(
        missing_sectors_count="size", missing_sectors=lambda names: ", ".join(names)).reset_index()
    return result.sort_values(["missing_sectors_count", "territory_code"], ascending=[False, True],
                              kind="stable").reset_index(drop=True)


def structures_with_free_places(structures: pd.DataFrame) -> pd.DataFrame:
    """Structures with at least one free place at their last count, most free places first."""
    free = structures[structures.free_count > 0]
    return free.sort_values(["free_count", "name"], ascending=[False, True], kind="stable").reset_index(drop=True)
