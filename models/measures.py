"""All coverage measures of a school year, for every territory level: pure and vectorised.

Everything is attached to communes first (counts, distances, who covers them), then
summed to départements, EPCI, custom zonings and the région, so that every level is
computed the same way. The result is a wide table per level; `indicator_rows` turns it
into rows of the indicator store.
"""

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from models.coverage import _count_by_commune, referent_coverage, referent_fte_by_commune, referents_during
from models.distance import nearest_distance_km
from models.lists import is_school_reached, missing_sectors
from models.schoolyear import school_year_bounds

LEVELS = ("region", "departement", "epci", "zoning", "commune")
LEVEL_LABELS = {"region": "Région", "departement": "Département", "epci": "EPCI", "zoning": "Zonage",
                "commune": "Commune"}
INDEX_CAP = 2.0
COVERAGE_INDEX_FORMULA = (
    "Indice de couverture = moyenne, sur les quatre ressources, de la dotation du territoire rapportée à celle "
    "de la région (référents par habitant, événements par habitant, ambassadeurs par lycée, places de "
    "remédiation par jeune décrocheur, ou par habitant à défaut), chaque rapport plafonné à 2, × 100 : "
    "100 = dotation égale à la moyenne régionale, 0 = aucune ressource."
)


@dataclass(frozen=True)
class Indicator:
    """A computed indicator: its column, French names, unit, decimals and direction.

    `label` names it in full, in legends, selectors and sentences (« Événements pour 10 000 habitants »);
    `short_label` is its heading in a table column or above a large figure (« Événements / 10 000 hab. »).
    """

    code: str
    label: str
    short_label: str
    unit: str
    decimals: int = 0
    is_higher_better: bool = True
    resource: str = "territoire"

    @property
    def column(self) -> str:
        """The column holding the indicator (its code), as map builders expect."""
        return self.code


def _indicators(*rows: tuple) -> dict[str, Indicator]:
    return {row[0]: Indicator(*row) for row in rows}


# The measure registry: the only place a figure is named. Pages and views take headings from it by code
# (indicator_columns, INDICATORS[code].short_label); tests/models/test_measure_registry.py keeps it so.
INDICATORS = _indicators(  # code, label, short label, unit, decimals, higher is better, resource
    ("population_count", "Habitants", "Habitants", "habitants", 0, True, "territoire"),
    ("schools_count", "Lycées", "Lycées", "lycées", 0, True, "territoire"),
    ("referent_count", "Référents", "Référents en poste", "personnes", 0, True, "référents"),
    ("referent_fte", "Référents (équivalents temps plein)", "Référents (ETP)", "ETP", 2, True, "référents"),
    ("inhabitants_per_referent", "Habitants par référent (ETP)", "Hab. par référent (ETP)",
     "habitants", 0, False, "référents"),
    ("schools_per_referent", "Lycées par référent (ETP)", "Lycées par référent (ETP)", "lycées", 1, False, "référents"),
    ("uncovered_communes_count", "Communes sans référent", "Communes sans référent", "communes", 0, False, "référents"),
    ("uncovered_schools_count", "Lycées sans référent", "Lycées sans référent", "lycées", 0, False, "référents"),
    ("uncovered_population_count", "Habitants sans référent", "Habitants sans référent",
     "habitants", 0, False, "référents"),
    ("events_count", "Événements", "Événements", "événements", 0, True, "événements"),
    ("participants_count", "Participants aux événements", "Participants", "participants", 0, True, "événements"),
    ("events_per_10k", "Événements pour 10 000 habitants", "Événements / 10 000 hab.",
     "pour 10 000 hab.", 2, True, "événements"),
    ("schools_reached_count", "Lycées touchés par un événement", "Lycées touchés", "lycées", 0, True, "événements"),
    ("schools_not_reached_count", "Lycées non touchés par un événement", "Lycées non touchés",
     "lycées", 0, False, "événements"),
    ("ambassadors_count", "Ambassadeurs actifs", "Ambassadeurs actifs", "ambassadeurs", 0, True, "ambassadeurs"),
    ("ambassadors_per_10k", "Ambassadeurs pour 10 000 habitants", "Ambassadeurs / 10 000 hab.",
     "pour 10 000 hab.", 2, True, "ambassadeurs"),
    ("mobilisations_count", "Mobilisations d'ambassadeurs", "Mobilisations", "mobilisations", 0, True, "ambassadeurs"),
    ("sectors_without_ambassador_count", "Filières sans ambassadeur", "Filières sans ambassadeur",
     "filières", 0, False, "ambassadeurs"),
    ("remediation_structures_count", "Structures de remédiation", "Structures de remédiation",
     "structures", 0, True, "remédiation"),
    ("remediation_capacity_count", "Places de remédiation", "Places de remédiation", "places", 0, True, "remédiation"),
    ("remediation_occupied_count", "Places de remédiation occupées", "Places occupées",
     "places", 0, True, "remédiation"),
    ("remediation_free_count", "Places de remédiation libres", "Places libres", "places", 0, True, "remédiation"),
    ("remediation_occupancy_pct", "Taux d'occupation des places", "Taux d'occupation (%)", "%", 1, True, "remédiation"),
    ("remediation_per_10k", "Places de remédiation pour 10 000 habitants", "Places / 10 000 hab.",
     "pour 10 000 hab.", 2, True, "remédiation"),
    ("remediation_per_100_dropouts", "Places pour 100 jeunes décrocheurs", "Places / 100 décrocheurs",
     "pour 100 jeunes", 1, True, "remédiation"),
    ("event_distance_km", "Distance à l'événement le plus proche", "Distance événement (km)",
     "km", 1, False, "événements"),
    ("ambassador_distance_km", "Distance à l'ambassadeur le plus proche", "Distance ambassadeur (km)",
     "km", 1, False, "ambassadeurs"),
    ("remediation_distance_km", "Distance à la place libre la plus proche", "Distance place libre (km)",
     "km", 1, False, "remédiation"),
    ("event_white_zone_population_count", "Habitants en zone blanche (événements)", "Hab. sans événement proche",
     "habitants", 0, False, "événements"),
    ("ambassador_white_zone_population_count", "Habitants en zone blanche (ambassadeurs)",
     "Hab. sans ambassadeur proche", "habitants", 0, False, "ambassadeurs"),
    ("remediation_white_zone_population_count", "Habitants en zone blanche (places libres)",
     "Hab. sans place libre proche", "habitants", 0, False, "remédiation"),
    ("coverage_index", "Indice de couverture (100 = moyenne régionale)", "Indice de couverture",
     "indice", 0, True, "synthèse"),
)


def indicator_columns(*codes: str) -> dict[str, tuple[str, int]]:
    """{code: (short label, decimals)} of registered figures, in the order given (a code named twice once).

    The columns `views.tables.display_table` and `views.ui.table_with_downloads` take: a page names its
    figures by code, the registry words and rounds them. An unknown code raises KeyError.
    """
    return {code: (INDICATORS[code].short_label, INDICATORS[code].decimals) for code in codes}


DISTANCE_RESOURCES = {"event": "events", "ambassador": "ambassadors", "remediation": "open_structures"}
# What a commune map can show. A rate per 10,000 inhabitants of one commune is noise: one event in a
# village of 800 inhabitants outranks Lille, and most communes read "Aucun". At commune level the map
# shows how far the nearest resource is, who lives beyond the zone blanche threshold, and plain counts
# of what is in the commune. Left out: every rate or ratio over the commune's own population or
# référent time (the `_per_10k` rates, inhabitants and lycées per référent, places per 100 dropouts,
# which have no commune figure) and coverage_index, an average of such per-inhabitant ratios. The
# distances come first: the first is the commune map's default.
COMMUNE_INDICATORS = (
    "event_distance_km", "ambassador_distance_km", "remediation_distance_km",
    "event_white_zone_population_count", "ambassador_white_zone_population_count",
    "remediation_white_zone_population_count",
    "events_count", "participants_count", "ambassadors_count", "remediation_capacity_count",
    "remediation_free_count", "schools_count", "schools_not_reached_count", "population_count",
)
COMMUNE_METHOD = (
    "À la maille communale, la carte montre la distance à la ressource la plus proche, les habitants en zone "
    "blanche et des effectifs (événements, ambassadeurs, places, lycées) : un taux pour 10 000 habitants n'a "
    "pas de sens pour un village de quelques centaines d'habitants, qu'un seul événement placerait en tête."
)


@dataclass
class CoverageInputs:
    """The store's rows for one région and one school year, as the computation needs them."""

    communes: pd.DataFrame
    schools: pd.DataFrame
    events: pd.DataFrame
    event_schools: pd.DataFrame
    ambassadors: pd.DataFrame
    remediation: pd.DataFrame
    referents: pd.DataFrame
    zonings: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["zoning_code", "name",
                                                                                "commune_code"]))
    dropouts: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["departement_code", "value"]))
    sectors: tuple[str, ...] = ()
    region_code: str = "region"
    # The school year measured: référents count only while in post during it (models.coverage.REFERENT_TIME_METHOD).
    # None counts every référent in full (their dates ignored).
    school_year: str | None = None


def _commune_base(inputs: CoverageInputs, threshold_km: float) -> pd.DataFrame:
    """Counts and distances per commune, plus which référents cover it."""
    communes = inputs.communes.reset_index(drop=True)
    base = communes.set_index("commune_code")[["name", "departement_code", "epci_code", "population_count"]].copy()
    schools = inputs.schools.dropna(subset=["commune_code"])
    events = inputs.events
    base["schools_count"] = _count_by_commune(schools)
    base["schools_reached_count"] = _count_by_commune(schools[is_school_reached(schools, events,
                                                                                 inputs.event_schools)])
    base["events_count"] = _count_by_commune(events)
    base["participants_count"] = _count_by_commune(
        events.assign(participants_count=events.participants_count.astype(float).fillna(0)), "participants_count")
    base["ambassadors_count"] = _count_by_commune(inputs.ambassadors)
    base["mobilisations_count"] = _count_by_commune(inputs.ambassadors, "mobilisations_count")
    remediation = inputs.remediation
    base["remediation_structures_count"] = _count_by_commune(remediation)
    for column in ("capacity", "occupied", "free"):
        base[f"remediation_{column}_count"] = _count_by_commune(remediation, f"{column}_count")
    base["referent_fte"] = referent_fte_by_commune(communes, inputs.referents)
    counts = [c for c in base.columns if c.endswith("_count") or c == "referent_fte"]
    base[counts] = base[counts].fillna(0)
    base["is_covered"] = base.index.isin(referent_coverage(communes, inputs.referents).commune_code
                                         if not inputs.referents.empty else [])

    targets = {"events": events, "ambassadors": inputs.ambassadors,
               "open_structures": remediation[remediation.free_count > 0]}
    for prefix, key in DISTANCE_RESOURCES.items():
        distance = nearest_distance_km(communes, targets[key])
        base[f"{prefix}_distance_km"] = distance
        is_white = np.isnan(distance) | (distance > threshold_km)
        base[f"{prefix}_white_zone_population_count"] = np.where(is_white, base.population_count, 0)
    return base.reset_index()


def _membership(base: pd.DataFrame, inputs: CoverageInputs, level: str) -> pd.DataFrame:
    """Commune rows keyed by the level's territory code (a commune can be in several zonings)."""
    if level == "region":
        return base.assign(territory_code=inputs.region_code)
    if level == "zoning":
        return base.merge(inputs.zonings[["zoning_code", "commune_code"]], on="commune_code").rename(
            columns={"zoning_code": "territory_code"})
    column = {"departement": "departement_code", "epci": "epci_code", "commune": "commune_code"}[level]
    return base.assign(territory_code=base[column]).dropna(subset=["territory_code"])


def _distinct_per_territory(rows: pd.DataFrame, value: str) -> pd.Series:
    return rows.drop_duplicates(["territory_code", value]).groupby("territory_code").size()


def _aggregate(base: pd.DataFrame, inputs: CoverageInputs, level: str, coverage: pd.DataFrame) -> pd.DataFrame:
    rows = _membership(base, inputs, level)
    sums = [c for c in base.columns if c.endswith("_count") or c == "referent_fte"]
    grouped = rows.groupby("territory_code")
    result = grouped[sums].sum()
    weights = rows.population_count.clip(lower=0).astype(float)
    for prefix in DISTANCE_RESOURCES:
        column = f"{prefix}_distance_km"
        weighted = (rows[column] * weights).groupby(rows.territory_code).sum(min_count=1)
        total = weights.where(rows[column].notna()).groupby(rows.territory_code).sum()
        plain = rows.groupby("territory_code")[column].mean()
        result[column] = (weighted / total.replace(0, np.nan)).fillna(plain)
    result["uncovered_communes_count"] = (~rows.is_covered).groupby(rows.territory_code).sum()
    result["uncovered_schools_count"] = rows.schools_count.where(~rows.is_covered, 0).groupby(
        rows.territory_code).sum()
    result["uncovered_population_count"] = rows.population_count.where(~rows.is_covered, 0).groupby(
        rows.territory_code).sum()
    covering = _membership(coverage, inputs, level) if not coverage.empty else coverage.assign(territory_code=[])
    result["referent_count"] = _distinct_per_territory(covering, "id") if not covering.empty else 0
    result["sectors_without_ambassador_count"] = _sectors_missing(rows, inputs)
    if level in ("region", "departement"):
        dropouts = inputs.dropouts.set_index("departement_code").value.astype(float)
        per_dep = rows.drop_duplicates(["territory_code", "departement_code"])
        present = per_dep.departement_code.map(dropouts)
        result["dropouts_count"] = present.groupby(per_dep.territory_code).sum(min_count=1)
    else:
        result["dropouts_count"] = np.nan
    result = result.fillna({"referent_count": 0, "sectors_without_ambassador_count": 0})
    return result.reset_index()


def _sectors_missing(rows: pd.DataFrame, inputs: CoverageInputs) -> pd.Series:
    """How many of the région's trade sectors have no active ambassador in each territory (models.lists)."""
    missing = missing_sectors(rows[["commune_code", "territory_code"]], inputs.ambassadors, inputs.sectors)
    return missing.groupby("territory_code").size().reindex(pd.Index(rows.territory_code.unique()), fill_value=0)


def _derive_rates(frame: pd.DataFrame) -> pd.DataFrame:
    population = frame.population_count.astype(float).replace(0, np.nan)
    fte = frame.referent_fte.replace(0, np.nan)
    frame["inhabitants_per_referent"] = frame.population_count / fte
    frame["schools_per_referent"] = frame.schools_count / fte
    frame["events_per_10k"] = frame.events_count / population * 10_000
    frame["ambassadors_per_10k"] = frame.ambassadors_count / population * 10_000
    frame["remediation_per_10k"] = frame.remediation_capacity_count / population * 10_000
    frame["schools_not_reached_count"] = frame.schools_count - frame.schools_reached_count
    frame["remediation_occupancy_pct"] = (frame.remediation_occupied_count
                                          / frame.remediation_capacity_count.replace(0, np.nan) * 100)
    frame["remediation_per_100_dropouts"] = (frame.remediation_capacity_count
                                             / frame.dropouts_count.replace(0, np.nan) * 100)
    return frame


def _coverage_index(frame: pd.DataFrame, region: pd.Series) -> pd.Series:
    """Each resource's endowment against the région's, capped, averaged, × 100 (see COVERAGE_INDEX_FORMULA)."""
    def ratio(numerator: str, denominator: str) -> pd.Series | None:
        regional = region[numerator] / region[denominator] if region[denominator] else np.nan
        if not regional or np.isnan(regional):
            return None
        local = frame[numerator] / frame[denominator].replace(0, np.nan)
        return (local / regional).clip(upper=INDEX_CAP)

    seats = ("remediation_capacity_count", "dropouts_count")
    if frame.dropouts_count.isna().all() or not region.get("dropouts_count"):
        seats = ("remediation_capacity_count", "population_count")
    parts = [ratio("referent_fte", "population_count"), ratio("events_count", "population_count"),
             ratio("ambassadors_count", "schools_count"), ratio(*seats)]
    parts = [part for part in parts if part is not None]
    if not parts:
        return pd.Series(np.nan, index=frame.index)
    return pd.concat(parts, axis=1).mean(axis=1, skipna=True) * 100


def compute_measures(inputs: CoverageInputs, threshold_km: float = 20.0,
                     levels: tuple[str, ...] = LEVELS) -> dict[str, pd.DataFrame]:
    """Every indicator of INDICATORS for each territory of each level: {level: wide DataFrame}.

    With a school year, only the référents in post during it count, their FTE prorated by days in post.
    """
    if inputs.school_year and not inputs.referents.empty:
        inputs = replace(inputs, referents=referents_during(inputs.referents, *school_year_bounds(inputs.school_year)))
    base = _commune_base(inputs, threshold_km)
    coverage = (referent_coverage(inputs.communes, inputs.referents)[["id", "commune_code", "departement_code",
                                                                     "epci_code"]]
                if not inputs.referents.empty else pd.DataFrame(columns=["id", "commune_code"]))
    region = _derive_rates(_aggregate(base, inputs, "region", coverage)).iloc[0]
    results = {}
    for level in levels:
        frame = _derive_rates(_aggregate(base, inputs, level, coverage))
        frame["coverage_index"] = _coverage_index(frame, region)
        if level == "commune":
            for prefix in DISTANCE_RESOURCES:  # a commune's own distance, not a weighted mean
                column = f"{prefix}_distance_km"
                frame[column] = frame.territory_code.map(base.set_index("commune_code")[column])
        results[level] = frame[["territory_code", *INDICATORS]].sort_values("territory_code").reset_index(drop=True)
    return results


def indicator_rows(measures: dict[str, pd.DataFrame], period: str) -> pd.DataFrame:
    """Long rows for the indicator store: indicator_code, territory_level, territory_code, period, value."""
    frames = []
    for level, frame in measures.items():
        long = frame.melt(id_vars="territory_code", var_name="indicator_code", value_name="value").dropna(
            subset=["value"])
        frames.append(long.assign(territory_level=level, period=period))
    rows = pd.concat(frames, ignore_index=True)
    rows["value"] = rows.value.astype(float)
    return rows[["indicator_code", "territory_level", "territory_code", "period", "value"]]
