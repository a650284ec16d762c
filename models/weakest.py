"""The weakest territories of a scope, each with the resource that makes it weak: pure.

A territory's coverage index averages four endowments against the région's (models.measures). What a
director needs beside the index is which of the four pulls it down: the resource whose rate is furthest
below the région's (for inhabitants per référent, furthest above). Hidden small counts (CODIR) are not
used to name a weakness: their rate is not shown.
"""

from dataclasses import dataclass

import pandas as pd

from models.disclosure import HIDDEN
from models.measures import INDICATORS

# The rates behind the coverage index, as the pages show them.
RESOURCE_RATES = ("inhabitants_per_referent", "events_per_10k", "ambassadors_per_10k", "remediation_per_10k")


@dataclass(frozen=True)
class Weakness:
    """A weak territory: its index, and the rate that pulls it down most, beside the région's."""

    territory_code: str
    name: str
    coverage_index: float
    population_count: float
    measure_code: str | None = None
    value: float | None = None
    region_value: float | None = None


def _shortfall(value: float, regional: float, is_higher_better: bool) -> float | None:
    """How far below the région a rate is, as a share of the région's endowment (1 = nothing, 0 = as much)."""
    if pd.isna(value) or pd.isna(regional) or not regional:
        return None
    if is_higher_better:
        return 1 - value / regional
    return 1 - regional / value if value else None


def weakest_resource(row: pd.Series, region: pd.Series) -> tuple[str, float, float] | None:
    """(measure code, the territory's rate, the région's) of the rate furthest behind the région's, or None."""
    behind = []
    for code in RESOURCE_RATES:
        if code not in row.index or isinstance(row.get(code + HIDDEN), str):
            continue
        gap = _shortfall(row[code], region.get(code), INDICATORS[code].is_higher_better)
        if gap is not None and gap > 0:
            behind.append((gap, code))
    if not behind:
        return None
    _, code = max(behind)
    return code, float(row[code]), float(region[code])


def weakest_territories(parts: pd.DataFrame, region: pd.Series, count: int = 3) -> list[Weakness]:
    """The `count` territories with the lowest coverage index (below 100), most populous first among equals."""
    ranked = parts.dropna(subset=["coverage_index"])
    ranked = ranked[ranked.coverage_index < 100].assign(rounded=ranked.coverage_index.round())
    ranked = ranked.sort_values(["rounded", "population_count"], ascending=[True, False], kind="mergesort")
    weak = []
    for _, row in ranked.head(count).iterrows():
        resource = weakest_resource(row, region)
        weak.append(Weakness(str(row.territory_code), str(row.get("name", row.territory_code)),
                             float(row.coverage_index), float(row.population_count), *(resource or ())))
    return weak
