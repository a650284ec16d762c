"""Ambassadeurs: the volunteer professionals active this school year, by trade sector."""

import streamlit as st

from loaders import read
from models.coverage import count_by
from views.charts import bar_chart
from views.formatting import format_number
from views.ui import page_context, page_header, table_with_downloads

context = page_context()
page_header("Ambassadeurs métiers", context, ("ambassadors",))
args = (context.database_url, context.viewer, context.region_code)

ambassadors = read.ambassadors(*args, context.departement_code, context.school_year)
cols = st.columns(4)
cols[0].metric("Ambassadeurs actifs", format_number(len(ambassadors)))
cols[1].metric("Mobilisations dans l'année", format_number(ambassadors.mobilisations_count.sum()))
cols[2].metric("Jamais mobilisés cette année", format_number((ambassadors.mobilisations_count == 0).sum()))
cols[3].metric("Mécénat de compétences ou charte", format_number(ambassadors.has_sponsorship_agreement.sum()))
if ambassadors.empty:
    st.info("Aucun ambassadeur actif pour ces filtres. Importez le réseau depuis la page Données.")
    st.stop()

left, right = st.columns(2)
with left:
    st.markdown("**Par filière**")
    st.altair_chart(bar_chart(count_by(ambassadors, "sector", name="ambassadors_count"), "sector",
                              "ambassadors_count", "Filière", "Ambassadeurs", "#31a354"), width="stretch")
with right:
    st.markdown("**Par canal de recrutement**")
    st.altair_chart(bar_chart(count_by(ambassadors, "recruitment_channel", name="ambassadors_count"),
                              "recruitment_channel", "ambassadors_count", "Canal", "Ambassadeurs", "#74c476"),
                    width="stretch")

st.subheader("Liste des ambassadeurs")
if context.viewer.can_see_contacts:
    st.caption("Coordonnées personnelles (RGPD) : à n'utiliser que pour organiser des interventions ; "
               "ne pas diffuser.")
names = read.communes(context.database_url, context.region_code).set_index("commune_code").name
table_with_downloads(ambassadors.assign(commune=ambassadors.commune_code.map(names)), {
    "full_name": ("Nom", None), "email": ("Courriel", None), "phone": ("Téléphone", None),
    "job_title": ("Métier", None), "sector": ("Filière", None), "employer": ("Employeur", None),
    "commune": ("Commune", None), "recruitment_channel": ("Canal", None),
    "has_sponsorship_agreement": ("Mécénat / charte", None), "joined_date": ("Entrée dans le réseau", None),
    "mobilisations_count": ("Mobilisations dans l'année", 0),
}, f"maillage-ambassadeurs-{context.school_year}", key="ambassadors-list", height=420)
