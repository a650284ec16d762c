"""The biggest gaps of a région or of one département, ranked by the share of need left uncovered (numbers)."""

from dataclasses import dataclass

import pandas as pd

from models.measures import INDICATORS

RESOURCE_NAMES = {"event": "événement", "ambassador": "ambassadeur", "remediation": "place de remédiation libre"}


@dataclass(frozen=True)
class Gap:
    """One gap: what kind, how much of the need it leaves uncovered (0 to 1), and its figures.

    `examples` names the weakest EPCI behind the gap, each with the figure that makes it weak (its
    inhabitants, its inhabitants in the zone blanche or without référent, its lycées not reached), largest first.
    """

    kind: str
    share: float
    territories_count: int = 0
    population_count: int = 0
    schools_count: int = 0
    total_count: int = 0
    detail: str = ""
    examples: tuple[tuple[str, float], ...] = ()


def _names(frame: pd.DataFrame) -> pd.Series:
    return frame["name"].fillna(frame.territory_code) if "name" in frame.columns else frame.territory_code


def _examples(epci: pd.DataFrame, figure: pd.Series, count: int) -> tuple[tuple[str, float], ...]:
    """The `count` EPCI with the largest positive `figure` (a Series aligned on `epci`), with it."""
    figure = pd.to_numeric(figure, errors="coerce")
    chosen = figure[figure > 0].sort_values(ascending=False, kind="stable").head(count)
    names = _names(epci)
    return tuple((str(names[index]), float(value)) for index, value in chosen.items())


def _share(part: float, whole: float) -> float:
    return min(part / whole, 1.0)


def find_gaps(region: pd.Series, departements: pd.DataFrame, epci: pd.DataFrame, threshold_km: float,
              sectors_count: int, *, examples_count: int = 1) -> list[Gap]:
    """Every gap worth a sentence, biggest first.

    `region` is the scope's row of measures, `departements` and `epci` the tables of its parts. For the
    région: its row, every département, every EPCI. For one département: the département's row, a table of
    that département alone and only its EPCI (those with a commune in it), e.g.
    `find_gaps(deps.set_index("territory_code").loc[code], deps[deps.territory_code == code], its_epci, ...)`;
    the gaps are then the département's own, and its weakest EPCI takes the place of the weakest département.
    Worded with views.gaps.gap_sentences(gaps, scope_label="du département").

    EPCI are named (`Gap.examples`, at most `examples_count` per gap) when the tables carry a `name` column,
    by their code otherwise.
    """
    population = max(float(region.population_count), 1.0)
    gaps = []
    for resource, column in (("event", "events_count"), ("ambassador", "ambassadors_count")):
        without = epci[epci[column] == 0]
        gaps.append(Gap(f"epci_without_{resource}", _share(without.population_count.sum(), population),
                        len(without), int(without.population_count.sum()),
                        examples=_examples(without, without.population_count, examples_count)))
    for resource in ("event", "ambassador", "remediation"):
        column = f"{resource}_white_zone_population_count"
        white = float(region[column])
        gaps.append(Gap(f"white_zone_{resource}", _share(white, population), population_count=int(white),
                        detail=f"{threshold_km:g}", examples=_examples(epci, epci[column], examples_count)))
    schools = max(float(region.schools_count), 1.0)
    gaps.append(Gap("schools_not_reached", float(region.schools_not_reached_count) / schools,
                    schools_count=int(region.schools_not_reached_count), total_count=int(region.schools_count),
                    examples=_examples(epci, epci.schools_not_reached_count, examples_count)))
    uncovered = float(region.get("uncovered_population_count", 0) or 0)
    if region.uncovered_communes_count and uncovered:
        gaps.append(Gap("communes_without_referent", _share(uncovered, population),
                        territories_count=int(region.uncovered_communes_count), population_count=int(uncovered),
                        schools_count=int(region.uncovered_schools_count),
                        examples=_examples(epci, epci.get("uncovered_population_count", pd.Series(dtype=float)),
                                           examples_count)))
    if sectors_count:
        missing = departements[departements.sectors_without_ambassador_count > 0]
        for row in missing.itertuples():
            gaps.append(Gap("sectors_without_ambassador", row.sectors_without_ambassador_count / sectors_count
                            * _share(row.population_count, population), territories_count=1,
                            total_count=int(row.sectors_without_ambassador_count), detail=str(row.name)))
    weakest = [("weakest_departement", departements)] if len(departements) > 1 else []
    for kind, parts in [*weakest, ("weakest_epci", epci)]:
        for row in parts.dropna(subset=["coverage_index"]).sort_values("coverage_index").head(1).itertuples():
            if row.coverage_index < 100:
                gaps.append(Gap(kind, (100 - row.coverage_index) / 100 * _share(row.population_count, population),
                                population_count=int(row.population_count), total_count=int(round(row.coverage_index)),
                                detail=str(getattr(row, "name", row.territory_code))))
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
