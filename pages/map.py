"""Carte: any indicator at any level, resource points, zones blanches, and the figures of a clicked territory."""

import functools

import pandas as pd
import streamlit as st

from loaders import read
from models.disclosure import HIDDEN
from models.measures import COMMUNE_INDICATORS, COMMUNE_METHOD, INDICATORS, LEVEL_LABELS, indicator_columns
from models.settings import get_settings
from views.choropleth import MapOverlay, map_payload, show_map
from views.formatting import escape_markdown, format_number
from views.maps import PointLayer, legend_classes
from views.tables import format_cell, weakest_first
from views.ui import guarded, map_download, page_context, page_header, table_with_downloads

LEVELS = ("departement", "epci", "zoning", "commune")
LAYERS = {"events": "Événements", "ambassadors": "Ambassadeurs", "remediation": "Structures de remédiation",
          "schools": "Lycées"}
WHITE_ZONES = {"": "Aucune", "event": "Événements", "ambassador": "Ambassadeurs",
               "remediation": "Places de remédiation libres"}

context = page_context()
settings = get_settings()
page_header("Carte", context, ("events", "ambassadors", "remediation"))
args = (context.database_url, context.viewer, context.region_code)


def point_layers(chosen: list[str]) -> list[PointLayer]:
    """The resource points asked for, with their tooltips."""
    layers = []
    if "events" in chosen:
        events = read.events(*args, context.departement_code, context.school_year)
        layers.append(PointLayer("Événements", events.assign(label=events.title + " – " + events.event_type),
                                 "#e6550d"))
    if "ambassadors" in chosen and context.viewer.sees_detail_in(context.departement_code):
        ambassadors = read.ambassadors(*args, context.departement_code, context.school_year)
        layers.append(PointLayer("Ambassadeurs", ambassadors.assign(
            label="Ambassadeur – " + ambassadors.job_title + " (" + ambassadors.sector + ")"), "#31a354"))
    elif "ambassadors" in chosen:  # no person: one point per commune with its count
        layers.append(PointLayer("Ambassadeurs (par commune)", ambassadors_by_commune(), "#31a354",
                                 clustered=False, radius=6))
    if "remediation" in chosen:
        structures = read.remediation(*args, context.departement_code, context.school_year, context.today)
        layers.append(PointLayer("Structures de remédiation", structures.assign(
            label=structures.name + " – places libres : " + structures.free_count.astype(str)),
            "#756bb1", clustered=False, radius=8))
    if "schools" in chosen:
        schools = read.schools(*args, context.departement_code)
        layers.append(PointLayer("Lycées", schools.assign(label=schools.name), "#636363", radius=4))
    return layers


def ambassadors_by_commune():
    """Active ambassadors counted by commune, at the town hall: what CODIR and a référent elsewhere see."""
    counts = read.ambassador_counts(*args, context.departement_code, context.school_year, "commune_code")
    places = read.communes(context.database_url, context.region_code)[
        ["commune_code", "name", "latitude", "longitude"]]
    counts = counts.merge(places, on="commune_code")
    shown = counts.get("ambassadors_count" + HIDDEN, pd.Series(None, index=counts.index, dtype=object))
    figures = shown.where(shown.notna(), counts.ambassadors_count.map(format_number))
    return counts.assign(label=counts.name + " : " + figures + " ambassadeur(s) actif(s)")


def white_zone_overlays(resource: str) -> list[tuple[MapOverlay, dict, str]]:
    """Communes beyond the threshold from any such resource, outlined over the map (with the communes' outlines)."""
    if not resource:
        return []
    communes = read.measures(*args, "commune", context.departement_code, context.school_year, context.today)
    distance = communes[f"{resource}_distance_km"]
    white = communes[distance.isna() | (distance > settings.white_zone_km)]
    labels = [f"{name} : zone blanche, {format_number(d, 1) + ' km' if d == d else 'aucune ressource'}"
              for name, d in zip(white.name, white[f"{resource}_distance_km"])]
    overlay = MapOverlay(f"Zones blanches – {WHITE_ZONES[resource].lower()} (> {settings.white_zone_km:g} km)",
                         white.territory_code.tolist(), labels)
    geometry_id, geometry = read.map_geometry(context.database_url, context.region_code, "commune")
    return [(overlay, geometry, geometry_id)]


@st.fragment
@guarded
def map_section() -> None:
    """Controls, map, clicked territory and table: changing them reruns this section only.

    The map keeps its geometry in the browser: a change of indicator, layer or year sends colours only.
    """
    top = st.columns([1, 2, 2])
    level = top[0].radio("Maille", LEVELS, format_func=LEVEL_LABELS.get, key="map_level",
                         index=1 if not context.departement_code else 3)
    # At commune level, rates per inhabitant are noise: distances, white-zone populations and counts only.
    choices, default = ((COMMUNE_INDICATORS, COMMUNE_INDICATORS[0]) if level == "commune"
                        else (list(INDICATORS), "events_per_10k"))
    measure = INDICATORS[top[1].selectbox("Indicateur", choices, format_func=lambda k: INDICATORS[k].label,
                                          key=f"map_measure_{'commune' if level == 'commune' else 'area'}",
                                          index=list(choices).index(default))]
    white = top[2].selectbox(f"Zones blanches (> {settings.white_zone_km:g} km)", list(WHITE_ZONES),
                             format_func=WHITE_ZONES.get, key="map_white")
    layers = top[2].multiselect("Points affichés", list(LAYERS), default=["remediation"], format_func=LAYERS.get,
                                key="map_layers")
    values = read.measures(*args, level, context.departement_code, context.school_year, context.today)
    if level == "zoning":  # zonings of several kinds overlap: one kind at a time
        kinds = read.zoning_kinds(context.database_url, context.region_code)
        kind = top[0].selectbox("Nature du zonage", sorted(set(kinds.values())), key="map_zoning_kind")
        values = values[values.territory_code.map(kinds) == kind]
    geometry_id, geometry = read.map_geometry(context.database_url, context.region_code, level)
    overlays = white_zone_overlays(white)
    data = map_payload(geometry, geometry_id, level, values, measure, point_layers(layers), overlays,
                       read.place_names(context.database_url, context.region_code),
                       view_key=f"{level}-{context.departement_code}",
                       legend_classes_of=functools.partial(legend_classes, white_zone_km=settings.white_zone_km),
                       tile_url=settings.tile_url, tile_attribution=settings.tile_attribution)
    geometries = {geometry_id: geometry, **{overlay_id: g for _, g, overlay_id in overlays}}
    clicked = show_map("coverage-map", data, geometries)
    if clicked:
        st.session_state[f"map-clicked-{level}"] = clicked
    secret = (f" Gris foncé : secret statistique (moins de {settings.small_count} personnes)."
              if context.viewer.suppresses_small_counts else "")
    method = f" {COMMUNE_METHOD}" if level == "commune" else ""
    st.caption("Survolez un territoire pour voir sa valeur, cliquez pour afficher ses chiffres ; la légende, en bas "
               f"à droite, donne les classes de couleur.{secret}{method}")
    map_download(context, read.shapes(context.database_url, context.region_code, level), values, measure,
                 LEVEL_LABELS[level], f"maillage-carte-{level}-{measure.code}-{context.school_year}", key="map-png",
                 white_zone_km=settings.white_zone_km)
    code = st.session_state.get(f"map-clicked-{level}")
    if code in set(values.territory_code):
        row = values.set_index("territory_code").loc[code]
        st.markdown(f"**{escape_markdown(row['name'])}** ({escape_markdown(code)})")
        figures = indicator_columns("population_count", "events_count", "ambassadors_count",
                                    "remediation_capacity_count", "coverage_index")
        for column, (key, (label, decimals)) in zip(st.columns(len(figures)), figures.items()):
            column.metric(label, format_cell(row, key, decimals))
    st.subheader(f"{measure.label} par {LEVEL_LABELS[level].lower()}")
    st.caption("Les territoires les moins bien pourvus d'abord.")
    table_with_downloads(weakest_first(values, measure), {
        "territory_code": ("Code", None), "name": (LEVEL_LABELS[level], None), **indicator_columns(
            "population_count", measure.code, "events_count", "ambassadors_count", "remediation_capacity_count",
            "schools_count", "coverage_index"),
    }, f"maillage-carte-{level}-{measure.code}", key="map-table", height=400, shown_rows=300)


map_section()
