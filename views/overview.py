"""The Vue d'ensemble's first screen: key figures with their change, the weakest territories in words.

Builders only (measures in, French out); pages/overview.py puts them on screen.
"""

import pandas as pd
import streamlit as st

from models.measures import INDICATORS, indicator_columns
from models.weakest import Weakness
from views.formatting import NO_DATA, escape_markdown, format_number, year_label
from views.presentation import Figure, change_label
from views.tables import format_cell

# Constant CSS (never data): the first screen holds figures, weakest territories and map at 1366 × 768.
OVERVIEW_CSS = """<style>
[data-testid="stMainBlockContainer"] { padding-top: 2.5rem; }
.st-key-overview-figures [data-testid="stMetricValue"] { font-size: 1.7rem; }
.st-key-overview-figures [data-testid="stMetricLabel"] p { font-size: 0.8rem; }
.st-key-overview-figures [data-testid="stMetricLabel"] * { white-space: normal !important; text-overflow: clip; }
</style>"""

# The key figures of the first screen, named and rounded by the registry: {code: (short label, decimals)}.
KEY_FIGURES = indicator_columns("population_count", "schools_count", "referent_fte", "inhabitants_per_referent",
                                "events_count", "participants_count", "ambassadors_count", "remediation_capacity_count")
# How a rate reads in a sentence: (singular, plural) after the figure, and what nothing reads.
RATE_WORDS = {
    "events_per_10k": ("événement pour 10 000 hab.", "événements pour 10 000 hab.", "aucun événement"),
    "ambassadors_per_10k": ("ambassadeur actif pour 10 000 hab.", "ambassadeurs actifs pour 10 000 hab.",
                            "aucun ambassadeur actif"),
    "remediation_per_10k": ("place de remédiation pour 10 000 hab.", "places de remédiation pour 10 000 hab.",
                            "aucune place de remédiation"),
    "inhabitants_per_referent": ("habitant par référent", "habitants par référent", "aucun référent"),
}


STRUCTURE = ("population_count", "schools_count")  # the territory itself: no change to show


def key_figures(row: pd.Series, last: pd.Series | None, last_year: str, to_date: dict | None = None,
                day_label: str = "") -> list[Figure]:
    """The scope's key figures, each with its change since `last_year` (none when that year has no data).

    An unfinished year is still adding events and participants: `to_date` then holds, for those columns,
    (this year's figure up to today, last year's up to the same day), and their change is the change at the
    same date, said so beside it (« +12 au 28/11 »). The figure shown stays the year's, as on every page.
    """
    figures = []
    for column, (label, decimals) in KEY_FIGURES.items():
        value = format_cell(row, column, decimals)
        better = INDICATORS[column].is_higher_better
        if column in STRUCTURE:
            figures.append(Figure(label, value))
        elif last is None:
            figures.append(Figure(label, value, help=f"{year_label(last_year)} : {NO_DATA}"))
        elif to_date is not None and column in to_date:
            now, before = to_date[column]
            change = None if now is None or before is None else change_label(now, before, decimals)
            figures.append(Figure(label, value, f"{change} au {day_label}" if change else None, help=(
                f"Au {day_label} : {_or_dash(now)} cette année, {_or_dash(before)} en {year_label(last_year)} "
                f"à la même date ; {format_cell(last, column, decimals)} sur toute l'année {year_label(last_year)}."),
                is_higher_better=better))
        else:
            figures.append(Figure(label, value, change_label(row.get(column), last.get(column), decimals),
                                  help=f"{year_label(last_year)} : {format_cell(last, column, decimals)}",
                                  is_higher_better=better))
    return figures


def _or_dash(value) -> str:
    return "–" if value is None else format_number(value)


def rate_phrase(code: str, value: float) -> str:
    """« 0,31 événement pour 10 000 hab. », « aucun ambassadeur actif », « 312 000 habitants par référent »."""
    singular, plural, nothing = RATE_WORDS[code]
    if not value:
        return nothing
    decimals = INDICATORS[code].decimals
    return f"{format_number(value, decimals)} {singular if round(value, decimals) < 2 else plural}"


def weakness_line(weak: Weakness, level_label: str) -> str:
    """« **CC du Pays de Mormal** (EPCI) : indice 31 · 0,31 événement pour 10 000 hab. (région : 1,12) »."""
    line = f"**{escape_markdown(weak.name)}** ({level_label}) : indice {format_number(weak.coverage_index)}"
    if weak.measure_code:
        line += (f" · {rate_phrase(weak.measure_code, weak.value)} "
                 f"(région : {format_number(weak.region_value, INDICATORS[weak.measure_code].decimals)})")
    return line


def show_figures(figures: list[Figure], per_row: int = 4) -> None:
    """Large figures in rows, each with its change (green when it is good news)."""
    for start in range(0, len(figures), per_row):
        for column, figure in zip(st.columns(per_row), figures[start:start + per_row]):
            column.metric(figure.label, figure.value, figure.delta, help=figure.help,
                          delta_color="normal" if figure.is_higher_better else "inverse")
