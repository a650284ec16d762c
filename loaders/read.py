"""Cached read functions the pages call: the only place with st.cache_*.

Every cached function takes the viewer (so that no cache entry crosses roles), the
database URL and the filters; results are never mutated by callers (copies are made
where a page needs to change a frame).

Cached results follow the store's data version, not a clock: `_current` adds the version,
read afresh at each call (one indexed row), to every cached function's key, so any write
(this app's import, the command line, another process) is seen at the next call.
"""

import functools
from datetime import date

import geopandas as gpd
import pandas as pd
import streamlit as st

from loaders.compute import read_inputs
from loaders.imports import ImportCheck, ImportReport, apply_check, check_file, export_rows, refused_rows
from models import lists, queries
from models.access import Viewer
from models.db import data_version, get_engine
from models.disclosure import suppress_small_counts
from models.measures import INDICATORS, compute_measures
from models.settings import get_settings

FEW = 8  # entries kept by a read with one result per région (and data version)
MANY = 128  # entries kept by a read with one result per filter combination


@st.cache_resource
def engine_for(database_url: str):
    """The process's engine for a URL."""
    return get_engine(database_url)


def store_version(database_url: str) -> int:
    """The store's data version, read now: it changes with every committed write."""
    return data_version(engine_for(database_url))


def _current(cached):
    """Call a cached read with the store's current data version as its `data_version` argument.

    The cached function itself (its own name and source) is what st.cache_data keys on: this wrapper
    only adds the version, so that two reads never share entries.
    """
    @functools.wraps(cached, updated=())
    def read_current(database_url: str, *args, **kwargs):
        return cached(database_url, *args, data_version=store_version(database_url), **kwargs)

    read_current.clear = cached.clear
    return read_current


@_current
@st.cache_data(max_entries=FEW, show_spinner=False)
def region(database_url: str, region_code: str, *, data_version: int) -> dict | None:
    """The région's name and population."""
    return queries.read_region(engine_for(database_url), region_code)


@_current
@st.cache_data(max_entries=FEW, show_spinner=False)
def departements(database_url: str, region_code: str, *, data_version: int) -> pd.DataFrame:
    """Départements of the région."""
    return queries.read_departements(engine_for(database_url), region_code)


@_current
@st.cache_data(max_entries=FEW, show_spinner=False)
def epci(database_url: str, region_code: str, *, data_version: int) -> pd.DataFrame:
    """EPCI of the région."""
    return queries.read_epci(engine_for(database_url), region_code)


@_current
@st.cache_data(max_entries=FEW, show_spinner=False)
def communes(database_url: str, region_code: str, *, data_version: int) -> pd.DataFrame:
    """Communes of the région."""
    return queries.read_communes(engine_for(database_url), region_code)


@_current
@st.cache_data(max_entries=FEW, show_spinner="Chargement des contours…")
def shapes(database_url: str, region_code: str, level: str, *, data_version: int) -> gpd.GeoDataFrame:
    """Outlines of one level (simplified once, at load time)."""
    return queries.read_shapes(engine_for(database_url), region_code, level)


@_current
@st.cache_resource(max_entries=FEW, show_spinner="Préparation des contours…")
def map_geometry(database_url: str, region_code: str, level: str, *, data_version: int) -> tuple[str, dict]:
    """A level's outlines as the map component takes them (quantised TopoJSON), with an id that changes with them.

    Kept as a resource, not copied at each call (a megabyte of TopoJSON for the communes: 150 ms a rerun as
    cache_data): callers only read it.
    """
    from views.choropleth import topology

    return f"{region_code}-{level}-{data_version}", topology(shapes(database_url, region_code, level))


@_current
@st.cache_data(max_entries=FEW, show_spinner=False)
def place_names(database_url: str, region_code: str, *, data_version: int) -> pd.DataFrame:
    """Préfectures, sous-préfectures and larger communes, to find one's way on a map without tiles."""
    return queries.read_place_names(engine_for(database_url), region_code)


@_current
@st.cache_data(max_entries=MANY, show_spinner=False)
def schools(database_url: str, viewer: Viewer, region_code: str, departement_code: str | None, *,
            data_version: int) -> pd.DataFrame:
    """Lycées."""
    return queries.read_schools(engine_for(database_url), viewer, region_code, departement_code)


@_current
@st.cache_data(max_entries=MANY, show_spinner=False)
def events(database_url: str, viewer: Viewer, region_code: str, departement_code: str | None,
           school_year: str | None, *, data_version: int) -> pd.DataFrame:
    """Events of a school year."""
    return queries.read_events(engine_for(database_url), viewer, region_code, departement_code, school_year,
                               get_settings().small_count)


@_current
@st.cache_data(max_entries=MANY, show_spinner=False)
def ambassadors(database_url: str, viewer: Viewer, region_code: str, departement_code: str | None,
                school_year: str | None, *, data_version: int) -> pd.DataFrame:
    """Active ambassadors of a school year (contacts by role)."""
    return queries.read_ambassadors(engine_for(database_url), viewer, region_code, departement_code, school_year)


@_current
@st.cache_data(max_entries=MANY, show_spinner=False)
def ambassador_counts(database_url: str, viewer: Viewer, region_code: str, departement_code: str | None,
                      school_year: str | None, by: str, *, data_version: int) -> pd.DataFrame:
    """Active ambassadors counted by one column (small counts hidden for CODIR)."""
    return queries.read_ambassador_counts(engine_for(database_url), viewer, region_code, departement_code,
                                          school_year, by, get_settings().small_count)


@_current
@st.cache_data(max_entries=MANY, show_spinner=False)
def referents(database_url: str, viewer: Viewer, region_code: str, *, data_version: int) -> pd.DataFrame:
    """Référents and their areas (names and contacts by role)."""
    return queries.read_referents(engine_for(database_url), viewer, region_code)


@_current
@st.cache_data(max_entries=MANY, show_spinner=False)
def remediation(database_url: str, viewer: Viewer, region_code: str, departement_code: str | None,
                school_year: str | None, today: date, *, data_version: int) -> pd.DataFrame:
    """Remediation structures at their latest snapshot."""
    return queries.read_remediation(engine_for(database_url), viewer, region_code, departement_code,
                                    school_year, today)


@_current
@st.cache_data(max_entries=MANY, show_spinner=False)
def capacity_history(database_url: str, viewer: Viewer, region_code: str, departement_code: str | None,
                     school_year: str | None, *, data_version: int) -> pd.DataFrame:
    """Monthly remediation seats."""
    return queries.read_capacity_history(engine_for(database_url), viewer, region_code, departement_code,
                                         school_year)


@_current
@st.cache_data(max_entries=FEW, show_spinner=False)
def indicator_values(database_url: str, region_code: str, *, data_version: int) -> pd.DataFrame:
    """Indicator values by département."""
    return queries.read_indicator_values(engine_for(database_url), region_code)


@_current
@st.cache_data(max_entries=FEW, show_spinner=False)
def import_batches(database_url: str, viewer: Viewer, region_code: str, *, data_version: int) -> pd.DataFrame:
    """Audit of a région's data loads (who imported, for direction and administration only)."""
    return queries.read_import_batches(engine_for(database_url), viewer, region_code)


@_current
@st.cache_data(max_entries=FEW, show_spinner=False)
def meta(database_url: str, *, data_version: int) -> dict[str, str]:
    """Store facts (versions, load dates)."""
    return queries.read_meta(engine_for(database_url))


@_current
@st.cache_data(max_entries=MANY, show_spinner=False)
def computed_at(database_url: str, region_code: str, school_year: str, *, data_version: int) -> str | None:
    """When a région's measures of a school year were last computed (ISO text), or None."""
    return queries.read_computed_at(engine_for(database_url), region_code, school_year)


@_current
@st.cache_data(max_entries=FEW, show_spinner=False)
def demo_counts(database_url: str, region_code: str, *, data_version: int) -> dict[str, int]:
    """Demo rows per resource."""
    return queries.count_demo_rows(engine_for(database_url), region_code)


@_current
@st.cache_data(max_entries=MANY, show_spinner="Lecture des indicateurs…")
def measures(database_url: str, viewer: Viewer, region_code: str, level: str, departement_code: str | None,
             school_year: str | None, today: date, *, data_version: int) -> pd.DataFrame:
    """Coverage measures of one level's territories, as stored for the school year (aggregates only).

    A year without a stored snapshot yet is computed on the fly (and not written). For CODIR, small
    counts of people are hidden (models.disclosure).
    """
    engine = engine_for(database_url)
    frame = queries.read_stored_measures(engine, region_code, level, school_year)
    if frame.empty or len(frame.columns) < len(INDICATORS):
        computed = compute_measures(read_inputs(engine, region_code, school_year, today),
                                    get_settings().white_zone_km, levels=(level,))
        frame = computed[level]
    frame = frame.merge(territory_names(database_url, region_code, level), on="territory_code", how="left")
    frame["name"] = frame.name.fillna(frame.territory_code)
    if departement_code and level not in ("region", "zoning"):
        all_communes = communes(database_url, region_code)
        keep = set(all_communes.loc[all_communes.departement_code == departement_code, LEVEL_CODE[level]])
        frame = frame[frame.territory_code.isin(keep)]
    ordered = ["territory_code", "name", *[c for c in INDICATORS if c in frame.columns]]
    frame = frame[ordered].sort_values("territory_code").reset_index(drop=True)
    if viewer.suppresses_small_counts:
        frame = suppress_small_counts(frame, get_settings().small_count)
    return frame


@_current
@st.cache_data(max_entries=MANY, show_spinner=False)
def territory_names(database_url: str, region_code: str, level: str, *, data_version: int) -> pd.DataFrame:
    """Codes and names of one level's territories."""
    if level == "region":
        return pd.DataFrame({"territory_code": [region_code], "name": [region(database_url, region_code)["name"]]})
    if level == "zoning":
        members = zoning_members(database_url, region_code)
        return members.drop_duplicates("zoning_code").rename(columns={"zoning_code": "territory_code"})[
            ["territory_code", "name"]]
    source = {"departement": departements, "epci": epci, "commune": communes}[level](database_url, region_code)
    return source.rename(columns={LEVEL_CODE[level]: "territory_code"})[["territory_code", "name"]]


@_current
@st.cache_data(max_entries=FEW, show_spinner=False)
def zoning_members(database_url: str, region_code: str, *, data_version: int) -> pd.DataFrame:
    """Custom zonings and their communes."""
    return queries.read_zoning_members(engine_for(database_url), region_code)


def zoning_kinds(database_url: str, region_code: str) -> dict[str, str]:
    """Each zoning's kind by its code (« bassin d'emploi », « Secteur de référent »…)."""
    members = zoning_members(database_url, region_code)
    return dict(zip(members.zoning_code, members.zoning_kind))


LEVEL_CODE = {"departement": "departement_code", "epci": "epci_code", "commune": "commune_code"}

TABLE_LABELS = {
    "regions": "Régions", "departements": "Départements", "epci": "EPCI", "communes": "Communes",
    "schools": "Lycées", "referents": "Référents", "events": "Événements", "ambassadors": "Ambassadeurs",
    "remediation_structures": "Structures de remédiation", "indicator_values": "Valeurs d'indicateurs",
    "import_batches": "Chargements",
}


@_current
@st.cache_data(max_entries=FEW, show_spinner=False)
def table_counts(database_url: str, *, data_version: int) -> dict[str, int]:
    """Row count of each main table."""
    from loaders.build import store_stats

    return store_stats(engine_for(database_url))


def counts_frame(counts: dict[str, int]) -> pd.DataFrame:
    """Row counts as a table with French labels."""
    return pd.DataFrame({"label": [TABLE_LABELS.get(k, k) for k in counts], "rows_count": list(counts.values())})


@_current
@st.cache_data(max_entries=FEW, show_spinner=False)
def sources(database_url: str, region_code: str, *, data_version: int) -> pd.DataFrame:
    """Where each kind of data comes from, when it was loaded and whether it is demo."""
    return queries.read_sources(engine_for(database_url), region_code)


@_current
@st.cache_data(max_entries=FEW, show_spinner=False)
def sectors(database_url: str, region_code: str, *, data_version: int) -> tuple[str, ...]:
    """Trade sectors of the région's ambassadors."""
    return queries.read_sectors(engine_for(database_url), region_code)


def parent_of(database_url: str, region_code: str, level: str, code: str) -> tuple[str, str]:
    """The level and code of a territory's parent: an EPCI's main département, else the région."""
    if level == "epci":
        main = epci(database_url, region_code).set_index("epci_code").departement_code
        return "departement", main.get(code)
    return "region", region_code


def members_of(database_url: str, region_code: str, level: str, code: str) -> set[str]:
    """The commune codes of a territory."""
    if level == "zoning":
        members = zoning_members(database_url, region_code)
        return set(members.loc[members.zoning_code == code, "commune_code"])
    all_communes = communes(database_url, region_code)
    return set(all_communes.loc[all_communes[LEVEL_CODE[level]] == code, "commune_code"])


@_current
@st.cache_data(max_entries=MANY, show_spinner="Recherche des lieux les plus utiles…")
def next_sites(database_url: str, viewer: Viewer, region_code: str, departement_code: str | None,
               school_year: str, today: date, resource: str, radius_km: float, count: int, *,
               data_version: int) -> pd.DataFrame:
    """The greedy choice of communes where one more resource reaches the most uncovered inhabitants."""
    from models.distance import greedy_sites

    values = measures(database_url, viewer, region_code, "commune", departement_code, school_year, today)
    places = communes(database_url, region_code)
    places = places[places.commune_code.isin(values.territory_code)].reset_index(drop=True)
    distance = places.commune_code.map(values.set_index("territory_code")[f"{resource}_distance_km"])
    picks = greedy_sites(places, distance.isna() | (distance > radius_km), radius_km, count)
    frame = pd.DataFrame([pick.__dict__ for pick in picks],
                         columns=["commune_code", "name", "communes_reached", "population_reached"]).rename(
        columns={"communes_reached": "communes_reached_count", "population_reached": "population_reached_count"})
    frame.insert(0, "rank", range(1, len(frame) + 1))
    frame["cumulative_population_count"] = frame.population_reached_count.cumsum()
    located = places.set_index("commune_code")
    frame["latitude"] = frame.commune_code.map(located.latitude)
    frame["longitude"] = frame.commune_code.map(located.longitude)
    names = epci(database_url, region_code).set_index("epci_code").name
    frame["epci_name"] = frame.commune_code.map(located.epci_code).map(names).fillna("–")
    return frame


@_current
@st.cache_data(max_entries=FEW, show_spinner=False)
def indicator_catalogue(database_url: str, region_code: str, *, data_version: int) -> pd.DataFrame:
    """The indicator store's definitions, sources and freshness."""
    return queries.read_indicator_catalogue(engine_for(database_url), region_code)


@_current
@st.cache_data(ttl=600, max_entries=3, show_spinner=False)
def check_upload(database_url: str, region_code: str, kind: str, content: bytes, file_name: str,
                 sheet: str | None, *, data_version: int) -> ImportCheck:
    """An uploaded file checked against its kind (nothing written); raises FileRefused if unreadable."""
    return check_file(engine_for(database_url), kind, content, file_name, region_code, sheet)


def import_checked(database_url: str, check: ImportCheck, keep_valid: bool, imported_by: str, progress) -> ImportReport:
    """Write a checked upload and recompute the measures.

    The writes move the data version on, so every cached read reads again at its next call; clearing
    frees the entries of older versions (never read again), the checked upload's among them.
    """
    report = apply_check(engine_for(database_url), check, keep_valid, imported_by=imported_by,
                         white_zone_km=get_settings().white_zone_km, progress=progress)
    st.cache_data.clear()
    return report


def refused(database_url: str, viewer: Viewer, batch_id: int) -> pd.DataFrame:
    """An import's refused rows with their reasons (contacts only for roles that may see them)."""
    return refused_rows(engine_for(database_url), viewer, batch_id)


@_current
@st.cache_data(max_entries=FEW, show_spinner="Préparation de l'export…")
def exported(database_url: str, viewer: Viewer, kind: str, region_code: str, *, data_version: int) -> pd.DataFrame:
    """The store's rows of a kind in the template format."""
    return export_rows(engine_for(database_url), viewer, kind, region_code)


@_current
@st.cache_data(max_entries=FEW, show_spinner=False)
def school_years_with_data(database_url: str, region_code: str, today: date, *, data_version: int) -> list[str]:
    """School years the store has data for (from the first event or measured year to the current one)."""
    return queries.read_school_years_with_data(engine_for(database_url), region_code, today)


@_current
@st.cache_data(max_entries=MANY, show_spinner=False)
def event_schools(database_url: str, viewer: Viewer, region_code: str, school_year: str | None, *,
                  data_version: int) -> pd.DataFrame:
    """Lycées among the participants of the région's events (event_id, uai): no person, for every role."""
    return queries.read_event_schools(engine_for(database_url), region_code, school_year)


@_current
@st.cache_data(max_entries=MANY, show_spinner=False)
def schools_to_contact(database_url: str, viewer: Viewer, region_code: str, departement_code: str | None,
                       school_year: str, *, data_version: int) -> pd.DataFrame:
    """Lycées of the scope no event reached in the school year, with their last contact (models.lists).

    As the measure `schools_not_reached_count`: a lycée belongs to the département of its commune, and the
    région's events and participations count (a lycée of the Somme at an event of the Nord was reached).
    """
    located = schools(database_url, viewer, region_code, None)
    if departement_code:
        all_communes = communes(database_url, region_code)
        keep = all_communes.loc[all_communes.departement_code == departement_code, "commune_code"]
        located = located[located.commune_code.isin(keep)]
    return lists.schools_to_contact(located, events(database_url, viewer, region_code, None, None),
                                    event_schools(database_url, viewer, region_code, None), school_year)


@_current
@st.cache_data(max_entries=MANY, show_spinner=False)
def sectors_without_ambassador(database_url: str, viewer: Viewer, region_code: str, level: str,
                               departement_code: str | None, school_year: str | None, *,
                               data_version: int) -> pd.DataFrame:
    """Départements or EPCI of the scope with trade sectors no active ambassador works in, and which ones.

    An aggregate for every role, CODIR included, as the measure `sectors_without_ambassador_count`: it is
    computed from the active ambassadors' communes and sectors only (queries.read_ambassador_sectors, which
    reads no person). An EPCI of the département counts whole.
    """
    active = queries.read_ambassador_sectors(engine_for(database_url), region_code, school_year)
    all_communes = communes(database_url, region_code)
    frame = lists.sectors_without_ambassador(all_communes, active,
                                             sectors(database_url, region_code), level)
    if departement_code:
        keep = set(all_communes.loc[all_communes.departement_code == departement_code, LEVEL_CODE[level]])
        frame = frame[frame.territory_code.isin(keep)]
    names = territory_names(database_url, region_code, level)
    return frame.merge(names, on="territory_code", how="left").reset_index(drop=True)
