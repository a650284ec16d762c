"""Événements: the info-métiers events of the school year, by month, type and sector."""

import streamlit as st

from loaders import read
from models.coverage import count_by, events_reaching_schools
from views.charts import bar_chart, events_by_month_chart
from views.formatting import format_number
from views.tables import format_cell
from views.ui import page_context, page_header, table_with_downloads

context = page_context()
page_header("Événements info-métiers", context, ("events",))
args = (context.database_url, context.viewer, context.region_code)

events = read.events(*args, context.departement_code, context.school_year)
schools = events_reaching_schools(read.events(*args, None, context.school_year),
                                  read.schools(*args, context.departement_code))
past = events[events.start_date <= context.today]
cols = st.columns(4)
cols[0].metric("Événements de l'année", format_number(len(events)))
cols[1].metric("À venir", format_number(len(events) - len(past)))
if context.viewer.suppresses_small_counts:  # small numbers are hidden event by event: the total is the measure's
    scope = read.measures(*args, "departement" if context.departement_code else "region", context.departement_code,
                          context.school_year, context.today).iloc[0]
    cols[2].metric("Participants de l'année", format_cell(scope, "participants_count"))
else:
    cols[2].metric("Participants (événements passés)", format_number(past.participants_count.fillna(0).sum()))
cols[3].metric("Lycées sans événement sur place", format_number((schools.events_count == 0).sum()),
               help=f"sur {format_number(len(schools))} lycées")

if events.empty:
    st.info("Aucun événement pour ces filtres. Changez d'année scolaire ou de département, "
            "ou importez vos événements depuis la page Données.")
    st.stop()
st.subheader("Par mois et par type")
st.altair_chart(events_by_month_chart(events), width="stretch")
left, right = st.columns(2)
with left:
    st.markdown("**Par type**")
    st.altair_chart(bar_chart(count_by(events, "event_type", name="events_count"), "event_type", "events_count",
                              "Type", "Événements"), width="stretch")
with right:
    st.markdown("**Par filière**")
    sectors = count_by(events.dropna(subset=["sector"]), "sector", name="events_count")
    st.altair_chart(bar_chart(sectors, "sector", "events_count", "Filière", "Événements", "#e6550d"),
                    width="stretch")

st.subheader("Liste des événements")
names = read.communes(context.database_url, context.region_code).set_index("commune_code").name
table_with_downloads(events.assign(commune=events.commune_code.map(names)), {
    "start_date": ("Date", None), "title": ("Intitulé", None), "event_type": ("Type", None),
    "commune": ("Commune", None), "commune_code": ("Code commune", None), "school_uai": ("Lycée (UAI)", None),
    "sector": ("Filière", None), "target_public": ("Publics", None), "participants_count": ("Participants", 0),
}, f"maillage-evenements-{context.school_year}", key="events-list", height=420)

st.subheader("Lycées sans événement sur place cette année")
table_with_downloads(schools[schools.events_count == 0], {
    "uai": ("UAI", None), "name": ("Lycée", None), "city_label": ("Ville", None),
    "departement_code": ("Département", None)}, f"maillage-lycees-sans-evenement-{context.school_year}",
    key="events-schools", empty_message="Tous les lycées ont accueilli au moins un événement.", height=300)
