"""Coverage building blocks for the pages: pure computations, DataFrames in, DataFrames out (no Streamlit, no SQL).

Who covers which commune and with how much of their time, each référent's load, counts by a
column. The measures of every territory level are computed from these in models/measures.py.
"""

import numpy as np
import pandas as pd


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
    """The territory each référent covers side by side: communes, inhabitants, lycées, events."""
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
    people = [c for c in ("full_name", "email", "phone", "sector_label") if c in referents.columns]
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
