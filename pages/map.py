"""Carte: a measure by département, EPCI or commune, resource points, and the same figures below."""

import streamlit as st
from streamlit_folium import st_folium

from loaders import read
from models.coverage import MEASURES
from models.settings import get_settings
from views.maps import PointLayer, coverage_map
from views.ui import page_context, page_header, table_with_downloads

LEVELS = {"departement": "Département", "epci": "EPCI", "commune": "Commune"}
LAYERS = {"events": "Événements", "ambassadors": "Ambassadeurs", "remediation": "Structures de remédiation",
          "schools": "Lycées"}

context = page_context()
page_header("Carte", context, ("events", "ambassadors", "remediation"))


@st.fragment
def map_section() -> None:
    """Controls, map and table: changing them reruns this section only."""
    left, middle, right = st.columns([1, 2, 3])
    level = left.radio("Maille", list(LEVELS), format_func=LEVELS.get, key="map_level",
                       index=1 if not context.departement_code else 2)
    measure = MEASURES[middle.selectbox("Indicateur", list(MEASURES), format_func=lambda k: MEASURES[k].label,
                                        key="map_measure", index=1)]
    layers = right.multiselect("Points affichés", list(LAYERS), default=["remediation"], format_func=LAYERS.get,
                               key="map_layers")
    args = (context.database_url, context.viewer, context.region_code)
    values = read.measures(*args, level, context.departement_code, context.school_year, context.today)
    shapes = read.shapes(context.database_url, context.region_code, level)
    shapes = shapes[shapes.territory_code.isin(values.territory_code)]
    points = []
    if "events" in layers:
        events = read.events(*args, context.departement_code, context.school_year)
        points.append(PointLayer("Événements", events.assign(label=events.title + " – " + events.event_type),
                                 "#e6550d"))
    if "ambassadors" in layers:
        ambassadors = read.ambassadors(*args, context.departement_code, context.school_year)
        points.append(PointLayer("Ambassadeurs", ambassadors.assign(
            label="Ambassadeur – " + ambassadors.job_title + " (" + ambassadors.sector + ")"), "#31a354"))
    if "remediation" in layers:
        structures = read.remediation(*args, context.departement_code, context.school_year, context.today)
        points.append(PointLayer("Structures de remédiation", structures.assign(
            label=structures.name + " – places libres : " + structures.free_count.astype(str)),
            "#756bb1", clustered=False, radius=8))
    if "schools" in layers:
        schools = read.schools(*args, context.departement_code)
        points.append(PointLayer("Lycées", schools.assign(label=schools.name), "#636363", radius=4))
    settings = get_settings()
    fmap = coverage_map(shapes, values, measure, points, settings.tile_url, settings.tile_attribution,
                        LEVELS[level])
    st_folium(fmap, key=f"map-{level}", height=620, use_container_width=True, returned_objects=[])
    st.caption("Survolez un territoire pour voir sa valeur. Orange : aucun ; bleu : du plus faible au plus fort.")
    st.subheader(f"{measure.label} par {LEVELS[level].lower()}")
    table_with_downloads(values.sort_values(measure.column, ascending=not measure.is_higher_better), {
        "territory_code": ("Code", None), "name": (LEVELS[level], None), "population_count": ("Habitants", 0),
        measure.column: (measure.label, measure.decimals), "events_count": ("Événements", 0),
        "ambassadors_count": ("Ambassadeurs", 0), "remediation_capacity_count": ("Places de remédiation", 0),
        "schools_count": ("Lycées", 0),
    }, f"maillage-carte-{level}-{measure.column}", key="map-table", height=400)


map_section()
