"""Vue d'ensemble: where the scope is thin, on one screen; then each part against the région and the targets."""

import functools

import streamlit as st

from loaders import read
from models.gaps import find_gaps, rate_frame
from models.measures import COVERAGE_INDEX_FORMULA, INDICATORS, indicator_columns
from models.schoolyear import events_up_to, previous_school_year, same_day_last_year, school_year_label
from models.settings import get_settings
from models.weakest import weakest_territories
from views.choropleth import map_payload, show_map
from views.formatting import escape_markdown, format_number, year_label
from views.gaps import gap_sentences
from views.maps import legend_classes
from views.overview import OVERVIEW_CSS, key_figures, show_figures, weakness_line
from views.tables import RATING_LEGEND, display_table, rated_table
from views.ui import map_download, page_context, page_header, table_with_downloads

RATED = indicator_columns("inhabitants_per_referent", "events_per_10k", "ambassadors_per_10k", "remediation_per_10k",
                          "coverage_index")
MAP_HEIGHT = 300  # px: with its legend under it, beside the figures at 1366 × 768

context = page_context()
settings = get_settings()
st.html(OVERVIEW_CSS)
page_header("Vue d'ensemble", context, ("referents", "events", "ambassadors", "remediation"))
args = (context.database_url, context.viewer, context.region_code)
code, year = context.departement_code, context.school_year
last_year = previous_school_year(year)
has_last_year = last_year in read.school_years_with_data(context.database_url, context.region_code, context.today)


def measures(level: str, school_year: str = year):
    """One level's measures in the scope (the département's EPCI when one is selected)."""
    return read.measures(*args, level, code if level != "region" else None, school_year, context.today)


region = measures("region").iloc[0]
departements, epci = measures("departement"), measures("epci")
scope = departements.set_index("territory_code").loc[code] if code else region
scope_level = "departement" if code else "region"
last = measures(scope_level, last_year) if has_last_year else None
last_scope = (last.set_index("territory_code").loc[code] if code else last.iloc[0]) if last is not None else None
to_date = None
if last is not None and year == school_year_label(context.today):  # unfinished: compare at the same date
    now = events_up_to(read.events(*args, code, year), context.today)
    before = events_up_to(read.events(*args, code, last_year), same_day_last_year(context.today))
    to_date = {column: (now[column], before[column]) for column in now}
whose = "du département" if code else "de la région"
when = f"en {year_label(year)}"

figures_side, map_side = st.columns([2, 1], gap="medium")
with figures_side, st.container(key="overview-figures"):
    show_figures(key_figures(scope, last_scope, last_year, to_date, context.today.strftime("%d/%m")))
    st.markdown(f"**Les territoires les moins couverts {whose}** (indice de couverture, 100 = moyenne régionale)")
    weakest = [weakness_line(weak, "EPCI") for weak in weakest_territories(epci, region, 3)]
    if not code:
        weakest = [weakness_line(weak, "département") for weak in weakest_territories(departements, region, 1)
                   ] + weakest
    st.markdown("\n".join(f"- {line}" for line in weakest) if weakest
                else "Aucun territoire sous la moyenne régionale.")
with map_side:
    geometry_id, geometry = read.map_geometry(context.database_url, context.region_code, "epci")
    show_map("overview-map", map_payload(
        geometry, geometry_id, "epci", epci, INDICATORS["coverage_index"], height=MAP_HEIGHT,
        view_key=f"overview-{code}", legend_classes_of=functools.partial(legend_classes, class_count=4),
        legend_below=True),
        {geometry_id: geometry})
    st.caption("Indice de couverture par EPCI : plus la teinte est claire, moins le territoire est couvert.")
    shapes = read.shapes(context.database_url, context.region_code, "epci")
    map_download(context, shapes[shapes.territory_code.isin(epci.territory_code)], epci,
                 INDICATORS["coverage_index"], "EPCI", f"maillage-indice-epci-{code or context.region_code}-{year}",
                 key="overview-map-png")

st.subheader(f"Les plus grands manques {whose} {when}")
sectors = read.sectors(context.database_url, context.region_code)
scope_departements = departements[departements.territory_code == code] if code else departements
gaps = find_gaps(scope, scope_departements, epci, settings.white_zone_km, len(sectors), examples_count=2)
for sentence in gap_sentences(gaps, scope_label=whose, year_label=when):
    st.markdown(f"- {escape_markdown(sentence)}")

parts, part_label, each = (epci, "EPCI", "Chaque EPCI") if code else (departements, "Département",
                                                                       "Chaque département")
st.subheader(f"{each} face à la région et aux cibles")
ratings = rate_frame(parts, region, settings.targets, tuple(RATED))
shown = display_table(parts, {"name": (part_label, None), **indicator_columns("population_count"), **RATED})
widths = {part_label: st.column_config.TextColumn(width=220),  # every column in view at 1366 px
          **{label: st.column_config.Column(width=104) for label in shown.columns[1:]}}
st.dataframe(rated_table(shown, ratings.rename(columns={k: v[0] for k, v in RATED.items()})), hide_index=True,
             width="stretch", column_config=widths)
targets = " · ".join(f"{label} : {format_number(settings.targets[key], decimals)}"
                     for key, (label, decimals) in RATED.items() if key in settings.targets)
st.caption(f"{RATING_LEGEND} Cibles : {targets}. Région : "
           + " · ".join(f"{label} {format_number(region[key], decimals)}" for key, (label, decimals) in RATED.items()))
st.caption(COVERAGE_INDEX_FORMULA)
table_with_downloads(parts, {"territory_code": ("Code", None), "name": (part_label, None), **indicator_columns(
    "population_count", "schools_count", "referent_fte", "inhabitants_per_referent", "events_count", "events_per_10k",
    "participants_count", "schools_not_reached_count", "ambassadors_count", "ambassadors_per_10k",
    "sectors_without_ambassador_count", "remediation_capacity_count", "remediation_free_count",
    "remediation_per_100_dropouts", "coverage_index",
)}, f"maillage-{'epci-' + code if code else 'departements'}-{year}", key="overview-deps")
