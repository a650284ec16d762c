"""Vue d'ensemble: headline figures, each département against the région and the targets, the biggest gaps."""

import streamlit as st

from loaders import read
from models.gaps import find_gaps, rate_frame
from models.measures import COVERAGE_INDEX_FORMULA
from models.settings import get_settings
from views.formatting import escape_markdown, format_number
from views.gaps import gap_sentences
from views.tables import RATING_LEGEND, display_table, format_cell, rated_table
from views.ui import page_context, page_header, table_with_downloads

RATED = {"inhabitants_per_referent": ("Habitants par référent (ETP)", 0),
         "events_per_10k": ("Événements / 10 000 hab.", 2), "ambassadors_per_10k": ("Ambassadeurs / 10 000 hab.", 2),
         "remediation_per_10k": ("Places / 10 000 hab.", 2), "coverage_index": ("Indice de couverture", 0)}

context = page_context()
settings = get_settings()
page_header("Vue d'ensemble", context, ("referents", "events", "ambassadors", "remediation"))
args = (context.database_url, context.viewer, context.region_code)
region = read.measures(*args, "region", None, context.school_year, context.today).iloc[0]
scope = (read.measures(*args, "departement", context.departement_code, context.school_year, context.today).iloc[0]
         if context.departement_code else region)

st.subheader("Chiffres clés")
cols = st.columns(4)
cols[0].metric("Habitants", format_number(scope.population_count))
cols[1].metric("Lycées", format_number(scope.schools_count))
cols[2].metric("Référents (ETP)", format_number(scope.referent_fte, 1),
               help="Équivalents temps plein de référents affectés au territoire.")
cols[3].metric("Habitants par référent", format_number(scope.inhabitants_per_referent))
cols = st.columns(4)
cols[0].metric("Événements", format_number(scope.events_count),
               help=f"{format_number(scope.events_per_10k, 2)} pour 10 000 habitants")
cols[1].metric("Participants", format_cell(scope, "participants_count"))
cols[2].metric("Ambassadeurs actifs", format_cell(scope, "ambassadors_count"),
               help=f"{format_cell(scope, 'ambassadors_per_10k', 2)} pour 10 000 habitants")
cols[3].metric("Places de remédiation", format_number(scope.remediation_capacity_count),
               help=f"dont {format_number(scope.remediation_free_count)} libres au dernier relevé")

st.subheader("Les cinq plus grands manques de la région")
departements = read.measures(*args, "departement", None, context.school_year, context.today)
epci = read.measures(*args, "epci", None, context.school_year, context.today)
sectors = read.sectors(context.database_url, context.region_code)
for sentence in gap_sentences(find_gaps(region, departements, epci, settings.white_zone_km, len(sectors))):
    st.markdown(f"- {escape_markdown(sentence)}")

st.subheader("Chaque département face à la région et aux cibles")
ratings = rate_frame(departements, region, settings.targets, tuple(RATED))
shown = display_table(departements, {"territory_code": ("Code", None), "name": ("Département", None),
                                     "population_count": ("Habitants", 0), **RATED})
st.dataframe(rated_table(shown, ratings.rename(columns={k: v[0] for k, v in RATED.items()})), hide_index=True,
             width="stretch")
targets = " · ".join(f"{label} : {format_number(settings.targets[key], decimals)}"
                     for key, (label, decimals) in RATED.items() if key in settings.targets)
st.caption(f"{RATING_LEGEND} Cibles : {targets}. Région : "
           + " · ".join(f"{label} {format_number(region[key], decimals)}" for key, (label, decimals) in RATED.items()))
st.caption(COVERAGE_INDEX_FORMULA)
table_with_downloads(departements, {
    "territory_code": ("Code", None), "name": ("Département", None), "population_count": ("Habitants", 0),
    "schools_count": ("Lycées", 0), "referent_fte": ("Référents (ETP)", 1),
    "inhabitants_per_referent": ("Habitants par référent", 0), "events_count": ("Événements", 0),
    "events_per_10k": ("Événements / 10 000 hab.", 2), "participants_count": ("Participants", 0),
    "schools_not_reached_count": ("Lycées non touchés", 0), "ambassadors_count": ("Ambassadeurs", 0),
    "ambassadors_per_10k": ("Ambassadeurs / 10 000 hab.", 2),
    "sectors_without_ambassador_count": ("Filières sans ambassadeur", 0),
    "remediation_capacity_count": ("Places de remédiation", 0), "remediation_free_count": ("Places libres", 0),
    "remediation_per_100_dropouts": ("Places pour 100 décrocheurs", 1), "coverage_index": ("Indice de couverture", 0),
}, f"maillage-departements-{context.school_year}", key="overview-deps")
