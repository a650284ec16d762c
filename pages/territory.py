"""Fiche territoire: one département or EPCI on one page, against the région."""

import streamlit as st
from streamlit_folium import st_folium

from loaders import read
from models.coverage import MEASURES
from models.settings import get_settings
from views.formatting import format_number
from views.maps import coverage_map
from views.ui import page_context, page_header, table_with_downloads

context = page_context()
page_header("Fiche territoire", context, ("referents", "events", "ambassadors", "remediation"))
args = (context.database_url, context.viewer, context.region_code)

left, right = st.columns([1, 3])
level = left.radio("Type de territoire", ["departement", "epci"], key="sheet_level",
                   format_func={"departement": "Département", "epci": "EPCI"}.get)
candidates = read.measures(*args, level, context.departement_code, context.school_year, context.today)
labels = dict(zip(candidates.territory_code, candidates.name + " (" + candidates.territory_code + ")"))
code = right.selectbox("Territoire", list(labels), format_func=labels.get, key=f"sheet_{level}")
row = candidates.set_index("territory_code").loc[code]
region = read.measures(*args, "region", None, context.school_year, context.today).iloc[0]

st.subheader(labels[code])
shown = ["events_per_10k", "ambassadors_per_10k", "remediation_per_10k", "inhabitants_per_referent"]
cols = st.columns(4)
cols[0].metric("Habitants", format_number(row.population_count))
cols[1].metric("Lycées", format_number(row.schools_count))
cols[2].metric("Événements", format_number(row.events_count))
cols[3].metric("Ambassadeurs actifs", format_number(row.ambassadors_count))
cols = st.columns(4)
for col, key in zip(cols, shown):
    measure = MEASURES[key]
    value, reference = row[measure.column], region[measure.column]
    delta = None if reference != reference or value != value else value - reference
    col.metric(measure.label, format_number(value, measure.decimals),
               delta=None if delta is None else f"{format_number(delta, measure.decimals)} vs région",
               delta_color="normal" if measure.is_higher_better else "inverse")

st.markdown("**Communes du territoire : événements pour 10 000 habitants**")
communes = read.communes(context.database_url, context.region_code)
in_territory = communes[communes[f"{level}_code"] == code].commune_code
values = read.measures(*args, "commune", None, context.school_year, context.today)
values = values[values.territory_code.isin(in_territory)]
shapes = read.shapes(context.database_url, context.region_code, "commune")
settings = get_settings()
st_folium(coverage_map(shapes[shapes.territory_code.isin(in_territory)], values, MEASURES["events_per_10k"],
                       tile_url=settings.tile_url, tile_attribution=settings.tile_attribution,
                       level_label="Commune"),
          key=f"sheet-map-{code}", height=460, use_container_width=True, returned_objects=[])
table_with_downloads(values.sort_values("population_count", ascending=False), {
    "territory_code": ("Code", None), "name": ("Commune", None), "population_count": ("Habitants", 0),
    "schools_count": ("Lycées", 0), "events_count": ("Événements", 0), "ambassadors_count": ("Ambassadeurs", 0),
    "remediation_capacity_count": ("Places de remédiation", 0),
}, f"maillage-fiche-{code}-{context.school_year}", key="sheet-communes", height=360)
