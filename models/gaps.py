"""The région's biggest gaps, ranked by the share of need they leave uncovered (numbers only)."""

from dataclasses import dataclass

import pandas as pd

from models.measures import INDICATORS

RESOURCE_NAMES = {"event": "événement", "ambassador": "ambassadeur", "remediation": "place de remédiation libre"}


@dataclass(frozen=True)
class Gap:
    """One gap: what kind, how much of the need it leaves uncovered (0 to 1), and its figures."""

    kind: str
    share: float
    territories_count: int = 0
    population_count: int = 0
    schools_count: int = 0
    total_count: int = 0
    detail: str = ""


def find_gaps(region: pd.Series, departements: pd.DataFrame, epci: pd.DataFrame, threshold_km: float,
              sectors_count: int) -> list[Gap]:
    """Every gap worth a sentence, biggest first.

    `region` is the région's row of measures, `departements` and `epci` their tables.
    """
    population = max(float(region.population_count), 1.0)
    gaps = []
    no_event = epci[epci.events_count == 0]
    gaps.append(Gap("epci_without_event", no_event.population_count.sum() / population, len(no_event),
                    int(no_event.population_count.sum())))
    no_ambassador = epci[epci.ambassadors_count == 0]
    gaps.append(Gap("epci_without_ambassador", no_ambassador.population_count.sum() / population,
                    len(no_ambassador), int(no_ambassador.population_count.sum())))
    for resource in ("event", "ambassador", "remediation"):
        white = float(region[f"{resource}_white_zone_population_count"])
        gaps.append(Gap(f"white_zone_{resource}", white / population, population_count=int(white),
                        detail=f"{threshold_km:g}"))
    schools = max(float(region.schools_count), 1.0)
    gaps.append(Gap("schools_not_reached", float(region.schools_not_reached_count) / schools,
                    schools_count=int(region.schools_not_reached_count), total_count=int(region.schools_count)))
    if region.uncovered_communes_count:
        uncovered_population = float(region.get("uncovered_population_count", 0) or 0)
        gaps.append(Gap("communes_without_referent", max(uncovered_population / population, 0.01),
                        territories_count=int(region.uncovered_communes_count),
                        schools_count=int(region.uncovered_schools_count)))
    if sectors_count:
        missing = departements[departements.sectors_without_ambassador_count > 0]
        for row in missing.itertuples():
            gaps.append(Gap("sectors_without_ambassador", row.sectors_without_ambassador_count / sectors_count
                            * row.population_count / population, territories_count=1,
                            total_count=int(row.sectors_without_ambassador_count), detail=str(row.name)))
    weakest = departements.sort_values("coverage_index").head(1)
    for row in weakest.itertuples():
        if row.coverage_index < 100:
            gaps.append(Gap("weakest_departement", (100 - row.coverage_index) / 100 * row.population_count
                            / population, population_count=int(row.population_count),
                            total_count=int(round(row.coverage_index)), detail=str(row.name)))
    return sorted([gap for gap in gaps if gap.share > 0], key=lambda gap: gap.share, reverse=True)


RATINGS = ("cible", "moyenne", "faible")


def rate(value: float, regional: float, target: float | None, is_higher_better: bool = True) -> str | None:
    """Rate a value: "cible" (target met), "moyenne" (at least 90 % of the région's level), "faible" (below)."""
    if value is None or pd.isna(value):
        return None
    sign = 1 if is_higher_better else -1
    if target is not None and sign * (value - target) >= 0:
        return "cible"
    if regional and not pd.isna(regional):
        ratio = value / regional if is_higher_better else regional / value if value else float("inf")
        return "moyenne" if ratio >= 0.9 else "faible"
    return None


def rate_frame(frame: pd.DataFrame, region: pd.Series, targets: dict[str, float], columns: tuple[str, ...]
               ) -> pd.DataFrame:
    """Each cell of the given indicator columns rated against the région and its target."""
    return pd.DataFrame({column: [rate(value, region[column], targets.get(column), INDICATORS[column].is_higher_better)
                                  for value in frame[column]] for column in columns}, index=frame.index)
