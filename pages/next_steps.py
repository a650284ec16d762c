"""Où agir ensuite: where one more event, ambassador visit or remediation seat would reach the most people."""

import streamlit as st
from streamlit_folium import st_folium

from loaders import read
from models.measures import INDICATORS
from models.settings import get_settings
from views.formatting import escape_markdown, format_number
from views.maps import PointLayer, coverage_map
from views.ui import map_download, page_context, page_header, table_with_downloads

RESOURCES = {"event": "un événement", "ambassador": "une intervention d'ambassadeur",
             "remediation": "une place de remédiation"}
PLACED = {"event": "un événement organisé", "ambassador": "un ambassadeur intervenant",
          "remediation": "une place de remédiation ouverte"}
NEAREST = {"event": "tout événement", "ambassador": "tout ambassadeur actif",
           "remediation": "toute place de remédiation libre"}

context = page_context()
settings = get_settings()
page_header("Où agir ensuite", context, ("events", "ambassadors", "remediation"))
args = (context.database_url, context.viewer, context.region_code)

left, right = st.columns([2, 1])
resource = left.radio("Ressource à ajouter", list(RESOURCES), format_func=lambda k: RESOURCES[k].capitalize(),
                      horizontal=True, key="next_resource")
count = right.slider("Nombre de lieux proposés", 3, 20, 10, key="next_count")
radius = settings.white_zone_km
picks = read.next_sites(*args, context.departement_code, context.school_year, context.today, resource, radius,
                        count)

st.markdown(
    f"**Méthode.** Une commune est *non couverte* quand aucune ressource de ce type n'est à moins de "
    f"{radius:g} km de sa mairie (à vol d'oiseau, en Lambert-93). On suppose que {PLACED[resource]} "
    f"dans une commune atteint toutes les communes à moins de {radius:g} km. À chaque étape, on "
    "retient la commune qui atteindrait le plus d'habitants encore non couverts, on les compte comme couverts, "
    "puis on recommence (choix glouton de couverture maximale).")
if picks.empty:
    st.success("Toutes les communes sont déjà à moins de "
               f"{radius:g} km d'une ressource de ce type : rien à proposer.")
    st.stop()

total = picks.population_reached_count.sum()
st.info(f"Ces {format_number(len(picks))} lieux atteindraient {format_number(total)} habitants aujourd'hui "
        f"à plus de {radius:g} km de {NEAREST[resource]}.")
for row in picks.head(3).itertuples():
    st.markdown(f"{row.rank}. **{escape_markdown(row.name)}** ({escape_markdown(row.epci_name)}) : "
                f"{format_number(row.communes_reached_count)} "
                f"communes et {format_number(row.population_reached_count)} habitants atteints, "
                f"{format_number(row.cumulative_population_count)} en cumulé.")

values = read.measures(*args, "commune", context.departement_code, context.school_year, context.today)
shapes = read.shapes(context.database_url, context.region_code, "commune")
shapes = shapes[shapes.territory_code.isin(values.territory_code)]
measure = INDICATORS[f"{resource}_distance_km"]
fmap = coverage_map(shapes, values, measure, [PointLayer(
    "Lieux proposés", picks.assign(label=picks["rank"].astype(str) + ". " + picks.name), "#d7301f",
    clustered=False, radius=9)], settings.tile_url, settings.tile_attribution, "Commune")
st_folium(fmap, key=f"next-map-{resource}", height=560, use_container_width=True, returned_objects=[])
map_download(context, shapes, values, measure, "Commune", f"maillage-ou-agir-carte-{resource}-{context.school_year}",
             key="next-map-png")
st.caption(f"Fond : {measure.label.lower()} (plus foncé = plus proche). Points rouges : lieux proposés.")
table_with_downloads(picks, {
    "rank": ("Rang", 0), "commune_code": ("Code commune", None), "name": ("Commune", None),
    "epci_name": ("EPCI", None), "communes_reached_count": ("Communes atteintes", 0),
    "population_reached_count": ("Habitants atteints", 0),
    "cumulative_population_count": ("Habitants atteints (cumul)", 0),
}, f"maillage-ou-agir-{resource}-{context.school_year}", key="next-table")
