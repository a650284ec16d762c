"""Coverage measures: pure computations, DataFrames in, DataFrames out (no Streamlit, no SQL).

Everything is first attached to communes, then summed to any level, so that a
département, an EPCI or a custom zoning are computed the same way.
"""

import numpy as np
import pandas as pd

LEVEL_KEYS = {"region": "region_code", "departement": "departement_code", "epci": "epci_code",
              "commune": "commune_code"}


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


def commune_measures(communes: pd.DataFrame, schools: pd.DataFrame, events: pd.DataFrame,
                     ambassadors: pd.DataFrame, remediation: pd.DataFrame, referents: pd.DataFrame) -> pd.DataFrame:
    """Raw counts per commune, the base every level is summed from."""
    base = communes.set_index("commune_code")[["name", "departement_code", "epci_code", "population_count"]].copy()
    base["schools_count"] = _count_by_commune(schools.dropna(subset=["commune_code"]))
    base["events_count"] = _count_by_commune(events)
    participants = events.assign(participants_count=events.get("participants_count", pd.Series(dtype=float))
                                 .astype(float).fillna(0))
    base["participants_count"] = _count_by_commune(participants, "participants_count")
    base["ambassadors_count"] = _count_by_commune(ambassadors)
    base["remediation_capacity_count"] = _count_by_commune(remediation, "capacity_count")
    base["remediation_free_count"] = _count_by_commune(remediation, "free_count")
    base["referent_fte"] = referent_fte_by_commune(communes, referents)
    counts = [c for c in base.columns if c.endswith("_count") or c == "referent_fte"]
    base[counts] = base[counts].fillna(0)
    return base.reset_index()


def aggregate_measures(per_commune: pd.DataFrame, level: str, names: pd.DataFrame | None = None) -> pd.DataFrame:
    """Sum commune counts to a level and derive rates (per 10,000 inhabitants, per référent).

    `names` maps the level's codes to names (columns territory_code, name); communes
    carry their own. Territories with no inhabitant get no rate (NaN), not infinity.
    """
    frame = per_commune.assign(region_code="region")
    key = LEVEL_KEYS[level]
    counts = [c for c in frame.columns if c.endswith("_count") or c == "referent_fte"]
    result = frame.groupby(key, dropna=True)[counts].sum().reset_index().rename(columns={key: "territory_code"})
    if level == "commune":
        result = result.merge(per_commune[["commune_code", "name"]].rename(columns={"commune_code": "territory_code"}),
                              on="territory_code")
    elif names is not None:
        result = result.merge(names[["territory_code", "name"]], on="territory_code", how="left")
    else:
        result["name"] = result.territory_code
    population = result.population_count.astype(float).replace(0, np.nan)
    result["events_per_10k"] = result.events_count / population * 10_000
    result["ambassadors_per_10k"] = result.ambassadors_count / population * 10_000
    result["remediation_per_10k"] = result.remediation_capacity_count / population * 10_000
    result["inhabitants_per_referent"] = result.population_count / result.referent_fte.replace(0, np.nan)
    ordered = ["territory_code", "name", "population_count"] + [c for c in result.columns
                                                                if c not in ("territory_code", "name",
                                                                             "population_count")]
    return result[ordered].sort_values("territory_code").reset_index(drop=True)


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
    people = [c for c in ("full_name", "email", "phone") if c in referents.columns]
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
