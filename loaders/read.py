"""Cached read functions the pages call: the only place with st.cache_*.

Every cached function takes the viewer (so that no cache entry crosses roles), the
database URL and the filters; results are never mutated by callers (copies are made
where a page needs to change a frame).
"""

from datetime import date

import geopandas as gpd
import pandas as pd
import streamlit as st

from models import coverage, queries
from models.access import Viewer
from models.db import get_engine

TTL_S = 300


@st.cache_resource
def engine_for(database_url: str):
    """The process's engine for a URL."""
    return get_engine(database_url)


@st.cache_data(ttl=TTL_S, show_spinner=False)
def region(database_url: str, region_code: str) -> dict | None:
    """The région's name and population."""
    return queries.read_region(engine_for(database_url), region_code)


@st.cache_data(ttl=TTL_S, show_spinner=False)
def departements(database_url: str, region_code: str) -> pd.DataFrame:
    """Départements of the région."""
    return queries.read_departements(engine_for(database_url), region_code)


@st.cache_data(ttl=TTL_S, show_spinner=False)
def epci(database_url: str, region_code: str) -> pd.DataFrame:
    """EPCI of the région."""
    return queries.read_epci(engine_for(database_url), region_code)


@st.cache_data(ttl=TTL_S, show_spinner=False)
def communes(database_url: str, region_code: str) -> pd.DataFrame:
    """Communes of the région."""
    return queries.read_communes(engine_for(database_url), region_code)


@st.cache_data(ttl=3600, show_spinner="Chargement des contours…")
def shapes(database_url: str, region_code: str, level: str) -> gpd.GeoDataFrame:
    """Outlines of one level (simplified once, at load time)."""
    return queries.read_shapes(engine_for(database_url), region_code, level)


@st.cache_data(ttl=TTL_S, show_spinner=False)
def schools(database_url: str, viewer: Viewer, region_code: str, departement_code: str | None) -> pd.DataFrame:
    """Lycées."""
    return queries.read_schools(engine_for(database_url), viewer, region_code, departement_code)


@st.cache_data(ttl=TTL_S, show_spinner=False)
def events(database_url: str, viewer: Viewer, region_code: str, departement_code: str | None,
           school_year: str | None) -> pd.DataFrame:
    """Events of a school year."""
    return queries.read_events(engine_for(database_url), viewer, region_code, departement_code, school_year)


@st.cache_data(ttl=TTL_S, show_spinner=False)
def ambassadors(database_url: str, viewer: Viewer, region_code: str, departement_code: str | None,
                school_year: str | None) -> pd.DataFrame:
    """Active ambassadors of a school year (contacts by role)."""
    return queries.read_ambassadors(engine_for(database_url), viewer, region_code, departement_code, school_year)


@st.cache_data(ttl=TTL_S, show_spinner=False)
def referents(database_url: str, viewer: Viewer, region_code: str) -> pd.DataFrame:
    """Référents and their areas (names and contacts by role)."""
    return queries.read_referents(engine_for(database_url), viewer, region_code)


@st.cache_data(ttl=TTL_S, show_spinner=False)
def remediation(database_url: str, viewer: Viewer, region_code: str, departement_code: str | None,
                school_year: str | None, today: date) -> pd.DataFrame:
    """Remediation structures at their latest snapshot."""
    return queries.read_remediation(engine_for(database_url), viewer, region_code, departement_code,
                                    school_year, today)


@st.cache_data(ttl=TTL_S, show_spinner=False)
def capacity_history(database_url: str, viewer: Viewer, region_code: str, departement_code: str | None,
                     school_year: str | None) -> pd.DataFrame:
    """Monthly remediation seats."""
    return queries.read_capacity_history(engine_for(database_url), viewer, region_code, departement_code,
                                         school_year)


@st.cache_data(ttl=TTL_S, show_spinner=False)
def indicator_values(database_url: str, region_code: str) -> pd.DataFrame:
    """Indicator values by département."""
    return queries.read_indicator_values(engine_for(database_url), region_code)


@st.cache_data(ttl=60, show_spinner=False)
def import_batches(database_url: str) -> pd.DataFrame:
    """Audit of data loads."""
    return queries.read_import_batches(engine_for(database_url))


@st.cache_data(ttl=60, show_spinner=False)
def meta(database_url: str) -> dict[str, str]:
    """Store facts (versions, load dates)."""
    return queries.read_meta(engine_for(database_url))


@st.cache_data(ttl=60, show_spinner=False)
def demo_counts(database_url: str, region_code: str) -> dict[str, int]:
    """Demo rows per resource."""
    return queries.count_demo_rows(engine_for(database_url), region_code)


@st.cache_data(ttl=TTL_S, show_spinner="Calcul de la couverture…")
def measures(database_url: str, viewer: Viewer, region_code: str, level: str, departement_code: str | None,
             school_year: str | None, today: date) -> pd.DataFrame:
    """Coverage measures of one level's territories (aggregates only: no personal data)."""
    all_communes = communes(database_url, region_code)
    per_commune = coverage.commune_measures(
        all_communes,
        schools(database_url, viewer, region_code, None),
        events(database_url, viewer, region_code, None, school_year),
        ambassadors(database_url, viewer, region_code, None, school_year),
        remediation(database_url, viewer, region_code, None, school_year, today),
        referents(database_url, viewer, region_code)[["id", "fte", "departement_code", "epci_code"]],
    )
    names = None
    if level == "region":
        names = pd.DataFrame({"territory_code": ["region"], "name": [region(database_url, region_code)["name"]]})
    elif level == "departement":
        names = departements(database_url, region_code).rename(columns={"departement_code": "territory_code"})
    elif level == "epci":
        names = epci(database_url, region_code).rename(columns={"epci_code": "territory_code"})
    result = coverage.aggregate_measures(per_commune, level, names)
    if departement_code and level != "region":
        keep = set(all_communes.loc[all_communes.departement_code == departement_code, LEVEL_CODE[level]])
        result = result[result.territory_code.isin(keep)].reset_index(drop=True)
    return result


LEVEL_CODE = {"departement": "departement_code", "epci": "epci_code", "commune": "commune_code"}

TABLE_LABELS = {
    "regions": "Régions", "departements": "Départements", "epci": "EPCI", "communes": "Communes",
    "schools": "Lycées", "referents": "Référents", "events": "Événements", "ambassadors": "Ambassadeurs",
    "remediation_structures": "Structures de remédiation", "indicator_values": "Valeurs d'indicateurs",
    "import_batches": "Chargements",
}


@st.cache_data(ttl=60, show_spinner=False)
def table_counts(database_url: str) -> dict[str, int]:
    """Row count of each main table."""
    from loaders.build import store_stats

    return store_stats(engine_for(database_url))


def counts_frame(counts: dict[str, int]) -> pd.DataFrame:
    """Row counts as a table with French labels."""
    return pd.DataFrame({"label": [TABLE_LABELS.get(k, k) for k in counts], "rows_count": list(counts.values())})


@st.cache_data(ttl=60, show_spinner=False)
def sources(database_url: str, region_code: str) -> pd.DataFrame:
    """Where each kind of data comes from, when it was loaded and whether it is demo."""
    return queries.read_sources(engine_for(database_url), region_code)
