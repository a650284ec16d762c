"""Vue d'ensemble: headline figures per resource and a table by département."""

import streamlit as st

from loaders import read
from views.formatting import format_number
from views.ui import page_context, page_header, table_with_downloads

context = page_context()
page_header("Vue d'ensemble", context, ("referents", "events", "ambassadors", "remediation"))

scope_level = "departement" if context.departement_code else "region"
args = (context.database_url, context.viewer, context.region_code)
totals = read.measures(*args, scope_level, context.departement_code, context.school_year, context.today).iloc[0]

st.subheader("Chiffres clés")
cols = st.columns(4)
cols[0].metric("Habitants", format_number(totals.population_count))
cols[1].metric("Lycées", format_number(totals.schools_count))
cols[2].metric("Référents (ETP)", format_number(totals.referent_fte, 1),
               help="Équivalents temps plein de référents affectés au territoire.")
cols[3].metric("Habitants par référent", format_number(totals.inhabitants_per_referent))
cols = st.columns(4)
cols[0].metric("Événements", format_number(totals.events_count),
               help=f"{format_number(totals.events_per_10k, 2)} pour 10 000 habitants")
cols[1].metric("Participants", format_number(totals.participants_count))
cols[2].metric("Ambassadeurs actifs", format_number(totals.ambassadors_count),
               help=f"{format_number(totals.ambassadors_per_10k, 2)} pour 10 000 habitants")
cols[3].metric("Places de remédiation", format_number(totals.remediation_capacity_count),
               help=f"dont {format_number(totals.remediation_free_count)} libres au dernier relevé")

st.subheader("Par département")
by_dep = read.measures(*args, "departement", None, context.school_year, context.today)
table_with_downloads(by_dep, {
    "territory_code": ("Code", None), "name": ("Département", None), "population_count": ("Habitants", 0),
    "schools_count": ("Lycées", 0), "referent_fte": ("Référents (ETP)", 1),
    "events_count": ("Événements", 0), "events_per_10k": ("Événements / 10 000 hab.", 2),
    "participants_count": ("Participants", 0), "ambassadors_count": ("Ambassadeurs", 0),
    "ambassadors_per_10k": ("Ambassadeurs / 10 000 hab.", 2),
    "remediation_capacity_count": ("Places de remédiation", 0), "remediation_free_count": ("Places libres", 0),
}, f"maillage-departements-{context.school_year}", key="overview-deps")
