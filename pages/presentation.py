"""Présentation: one screen per topic for a CODIR meeting, aggregates only whatever the viewer, printable."""

import streamlit as st

from loaders import read
from loaders.deck import build_files
from models.access import Viewer
from models.schoolyear import previous_school_year
from models.settings import get_settings
from views.presentation import (
    PRESENTATION_CSS,
    Scope,
    build_slides,
    deck_section,
    render_slide,
    slide_footer,
    topic_controls,
)
from views.ui import page_context, page_header

context = page_context()
settings = get_settings()
st.html(PRESENTATION_CSS)
codir = Viewer("codir")  # aggregates only, small counts of people hidden, whatever the viewer's role
args = (context.database_url, codir, context.region_code)
code, year, last_year = context.departement_code, context.school_year, previous_school_year(context.school_year)
has_last_year = last_year in read.school_years_with_data(context.database_url, context.region_code, context.today)


def measures(level: str, departement_code: str | None, school_year: str):
    """Measures of one level for the presentation (read as CODIR)."""
    return read.measures(*args, level, departement_code, school_year, context.today)


parts_level = "epci" if code else "departement"
epci = measures("epci", code, year)
shapes = read.shapes(context.database_url, context.region_code, "epci")
scope = Scope(
    name=context.scope_label, school_year=year,
    row=measures("departement" if code else "region", code, year).iloc[0],
    parts=measures(parts_level, code, year), part_label="EPCI" if code else "Département", epci=epci,
    departements=measures("departement", code, year),
    epci_shapes=shapes[shapes.territory_code.isin(epci.territory_code)],
    sectors_count=len(read.sectors(context.database_url, context.region_code)), white_zone_km=settings.white_zone_km,
    last_row=measures("departement" if code else "region", code, last_year).iloc[0] if has_last_year else None,
    last_parts=measures(parts_level, code, last_year) if has_last_year else None,
    tile_url=settings.tile_url, tile_attribution=settings.tile_attribution)
slides = build_slides(scope, last_year)
footer = slide_footer(context.scope_label, year, read.demo_counts(context.database_url, context.region_code))

with st.container(key="presentation-frame"):  # hidden on paper
    page_header("Présentation", context, ("referents", "events", "ambassadors", "remediation"))
    current, print_all = topic_controls([slide.title for slide in slides])
    deck_section(lambda per_departement, progress: build_files(
        read.engine_for(context.database_url), context.region_code, year, context.today, code, per_departement,
        progress), (context.region_code, code, year, read.store_version(context.database_url)),
        f"maillage-codir-{code or context.region_code}-{year}", offer_per_departement=not code)
if print_all:
    for number, slide in enumerate(slides, start=1):
        render_slide(slide, number, len(slides), footer, key=f"slide-{number}")
else:
    render_slide(slides[current], current + 1, len(slides), footer, key="slide-current")
