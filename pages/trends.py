"""Évolutions: the main figures over every school year in the store, by région, département or EPCI."""

import streamlit as st

from loaders import read
from models.disclosure import suppression_note
from models.measures import COVERAGE_INDEX_FORMULA, INDICATORS, LEVEL_LABELS
from models.settings import get_settings
from views.formatting import year_label
from views.trends import HIDDEN_TEXT, trend_chart, trend_frame, trend_table, weakest_codes
from views.ui import page_context, page_header, show_chart, table_with_downloads

SHOWN = ["events_per_10k", "participants_count", "ambassadors_count", "ambassadors_per_10k",
         "inhabitants_per_referent", "remediation_capacity_count", "remediation_free_count",
         "schools_not_reached_count", "coverage_index"]
PRESELECTED_EPCI = 5

context = page_context()
page_header("Évolutions", context, ("referents", "events", "ambassadors", "remediation"))
years = read.school_years_with_data(context.database_url, context.region_code, context.today)
st.caption(f"Toutes les années scolaires de l'entrepôt, de {year_label(years[0])} à {year_label(years[-1])} ; "
           f"{year_label(years[-1])} est en cours, ses effectifs sont partiels.")

left, right = st.columns([1, 2])
level = left.radio("Niveau", ["region", "departement", "epci"], key="trends_level", format_func=LEVEL_LABELS.get,
                   horizontal=True)
code = right.selectbox("Indicateur", SHOWN, key="trends_indicator", format_func=lambda c: INDICATORS[c].label)
indicator = INDICATORS[code]
departement = context.departement_code if level == "epci" else None  # EPCI of the sidebar's département only
by_year = {year: read.measures(context.database_url, context.viewer, context.region_code, level, departement, year,
                               context.today) for year in years}

codes = None
if level == "epci":
    ranked_year = context.school_year if context.school_year in by_year else years[-1]
    ranked = by_year[ranked_year]
    names = dict(zip(ranked.territory_code, ranked.name))
    weakest = weakest_codes(ranked, indicator)
    codes = st.multiselect(
        "EPCI", weakest, default=weakest[:PRESELECTED_EPCI], key=f"trends_epci_{departement}_{code}",
        format_func=names.get, placeholder="Choisissez des EPCI",
        help=f"Proposés du plus faible au mieux doté sur cet indicateur en {year_label(ranked_year)} ; les "
             f"{PRESELECTED_EPCI} plus faibles sont choisis d'abord.")
    if not codes:
        st.info("Choisissez au moins un EPCI.")
        st.stop()

frame = trend_frame(by_year, indicator, codes)
title = f"{indicator.label}, par année scolaire"
st.markdown(f"**{title}**")
show_chart(trend_chart(frame, indicator), f"maillage-evolutions-{level}-{code}", key="trends-chart", title=title)
if code == "coverage_index":
    st.caption(f"{COVERAGE_INDEX_FORMULA} La moyenne régionale est celle de chaque année : la région vaut 100.")
if (frame.status == HIDDEN_TEXT).any():
    st.caption(suppression_note(get_settings().small_count))
table, columns = trend_table(frame, indicator, LEVEL_LABELS[level])
table_with_downloads(table, columns, f"maillage-evolutions-{level}-{code}", key="trends-table")
