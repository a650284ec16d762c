"""Fiche territoire: one territory against its parent and the région, this year against last year."""

import streamlit as st
from streamlit_folium import st_folium

from loaders import read
from models.measures import COMMUNE_METHOD, INDICATORS, LEVEL_LABELS, indicator_columns
from models.schoolyear import previous_school_year
from models.settings import get_settings
from views.formatting import escape_markdown, year_label
from views.maps import coverage_map
from views.tables import comparison_table, weakest_first
from views.trends import no_data_column
from views.ui import download_buttons, map_download, page_context, page_header, table_with_downloads

SHOWN = ["population_count", "schools_count", "referent_fte", "inhabitants_per_referent", "events_count",
         "events_per_10k", "schools_not_reached_count", "ambassadors_count", "ambassadors_per_10k",
         "sectors_without_ambassador_count", "remediation_capacity_count", "remediation_free_count",
         "remediation_per_10k", "event_distance_km", "remediation_distance_km", "coverage_index"]

context = page_context()
page_header("Fiche territoire", context, ("referents", "events", "ambassadors", "remediation"))
args = (context.database_url, context.viewer, context.region_code)
last_year = previous_school_year(context.school_year)

left, right = st.columns([1, 3])
level = left.radio("Type de territoire", ["departement", "epci", "zoning"], key="sheet_level",
                   format_func=LEVEL_LABELS.get)
candidates = read.measures(*args, level, context.departement_code, context.school_year, context.today)
if candidates.empty:
    st.info("Aucun territoire de ce type pour ces filtres.")
    st.stop()
labels = dict(zip(candidates.territory_code, candidates.name + " (" + candidates.territory_code + ")"))
code = right.selectbox("Territoire", list(labels), format_func=labels.get, key=f"sheet_{level}")
parent_level, parent_code = read.parent_of(context.database_url, context.region_code, level, code)

columns = {labels[code]: read.measures(*args, level, None, context.school_year, context.today)
           .set_index("territory_code").loc[code]}
if parent_level != "region":
    parent = read.measures(*args, parent_level, None, context.school_year, context.today).set_index(
        "territory_code").loc[parent_code]
    columns[f"{parent['name']} ({LEVEL_LABELS[parent_level].lower()})"] = parent
columns[read.region(context.database_url, context.region_code)["name"]] = read.measures(
    *args, "region", None, context.school_year, context.today).iloc[0]
# A year the store has no data for reads « pas de données », never zeros computed from nothing.
previous = (read.measures(*args, level, None, last_year, context.today).set_index("territory_code")
            if last_year in read.school_years_with_data(context.database_url, context.region_code, context.today)
            else None)
columns[f"{labels[code]} en {year_label(last_year)}"] = (
    previous.loc[code] if previous is not None and code in previous.index else no_data_column(SHOWN))

st.subheader(escape_markdown(labels[code]))
st.caption("Rapporté au territoire parent, à la région et à l'année scolaire précédente. Les densités "
           "(pour 10 000 habitants) et l'indice se comparent d'un territoire à l'autre ; les effectifs non.")
comparison = comparison_table(columns, {key: INDICATORS[key] for key in SHOWN})
st.dataframe(comparison, hide_index=True, width="stretch", height=600)
download_buttons(comparison_table(columns, {key: INDICATORS[key] for key in SHOWN}, raw=True),
                 f"maillage-comparaison-{code}-{context.school_year}", key="sheet-comparison")

st.markdown("**Communes du territoire : distance à l'événement le plus proche**")
st.caption(COMMUNE_METHOD)
members = read.members_of(context.database_url, context.region_code, level, code)
values = read.measures(*args, "commune", None, context.school_year, context.today)
values = values[values.territory_code.isin(members)]
shapes = read.shapes(context.database_url, context.region_code, "commune")
settings = get_settings()
distance = INDICATORS["event_distance_km"]
st_folium(coverage_map(shapes[shapes.territory_code.isin(members)], values, distance,
                       tile_url=settings.tile_url, tile_attribution=settings.tile_attribution,
                       level_label="Commune", white_zone_km=settings.white_zone_km),
          key=f"sheet-map-{code}", height=460, use_container_width=True, returned_objects=[])
map_download(context, shapes, values, distance, "Commune", f"maillage-fiche-carte-{code}-{context.school_year}",
             key="sheet-map-png", white_zone_km=settings.white_zone_km)
table_with_downloads(weakest_first(values, distance), {
    "territory_code": ("Code", None), "name": ("Commune", None), **indicator_columns(
        "population_count", "schools_count", "events_count", "ambassadors_count", "remediation_capacity_count",
        "event_distance_km", "remediation_distance_km"),
}, f"maillage-fiche-{code}-{context.school_year}", key="sheet-communes", height=360)
