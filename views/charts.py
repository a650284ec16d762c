"""Chart builders (Altair): DataFrames in, charts out; and charts as PNG or SVG files (vl-convert).

vl-convert draws a chart on the server with the Vega and Vega-Lite it bundles and the machine's fonts:
nothing is fetched (data are inline, and `allowed_base_urls=[]` refuses any address a spec might name).
"""

import json

import altair as alt
import pandas as pd
import vl_convert

from models.disclosure import hidden_labels
from views.formatting import format_number

# Vega formats with "," thousands: swap them for French spaces (up to the billions).
FRENCH_NUMBER = ("replace(replace(replace(replace(format(datum.value, ',~f'), ',', '\u202f'), ',', '\u202f'), "
                 "',', '\u202f'), '.', ',')")
# The labelExpr above expects Vega's default en-US format (',' thousands, '.' decimals): a French
# `format_locale` would make it turn decimal commas into spaces. Dates, if any, in French.
EXPORT_LOCALE = {"format_locale": "en-US", "time_format_locale": "fr-FR"}
EXPORT_WIDTH = 640  # px, for charts the page stretches to its width
EXPORT_SCALE = 2  # PNG at twice the screen's pixels, sharp in a slide or a document
FRENCH_MONTHS = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]


def bar_chart(frame: pd.DataFrame, category: str, value: str, category_label: str, value_label: str,
              colour: str = "#3182bd") -> alt.Chart:
    """Horizontal bars, largest first (a hidden small count has no bar, and its tooltip says "< 5")."""
    labels = pd.Series([format_number(v) for v in frame[value]], index=frame.index)
    hidden = hidden_labels(frame, value)
    frame = frame.assign(value_label=labels if hidden is None else hidden.where(hidden.notna(), labels))
    return alt.Chart(frame).mark_bar(color=colour).encode(
        x=alt.X(f"{value}:Q", title=value_label, axis=alt.Axis(labelExpr=FRENCH_NUMBER)),
        y=alt.Y(f"{category}:N", title=category_label, sort="-x", axis=alt.Axis(labelLimit=260)),
        tooltip=[alt.Tooltip(f"{category}:N", title=category_label),
                 alt.Tooltip("value_label:N", title=value_label)],
    ).properties(height=max(140, 34 * len(frame)))


def monthly_chart(frame: pd.DataFrame, date_column: str, series: dict[str, str], value_label: str) -> alt.Chart:
    """Lines by month, for columns {column: French label}."""
    long = frame.melt(id_vars=[date_column], value_vars=list(series), var_name="série", value_name="valeur")
    long["série"] = long["série"].map(series)
    long["mois"] = pd.to_datetime(long[date_column])
    long["mois_label"] = [f"{FRENCH_MONTHS[d.month - 1]} {d.year}" for d in long.mois]
    long["valeur_label"] = [format_number(v) for v in long.valeur]
    order = list(dict.fromkeys(long.sort_values("mois").mois_label))
    return alt.Chart(long).mark_line(point=True).encode(
        x=alt.X("mois_label:O", title="Mois", sort=order, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("valeur:Q", title=value_label, axis=alt.Axis(labelExpr=FRENCH_NUMBER)),
        color=alt.Color("série:N", title=None, legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("mois_label:N", title="Mois"), alt.Tooltip("série:N", title="Série"),
                 alt.Tooltip("valeur_label:N", title=value_label)],
    ).properties(height=280)


def events_by_month_chart(events: pd.DataFrame) -> alt.Chart:
    """Stacked bars of events per month and type."""
    frame = events.assign(mois=pd.to_datetime(events.start_date).dt.to_period("M").dt.to_timestamp())
    counts = frame.groupby(["mois", "event_type"]).size().reset_index(name="événements")
    counts["mois_label"] = [f"{FRENCH_MONTHS[d.month - 1]} {d.year}" for d in counts.mois]
    order = list(dict.fromkeys(counts.sort_values("mois").mois_label))
    return alt.Chart(counts).mark_bar().encode(
        x=alt.X("mois_label:O", title="Mois", sort=order, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("événements:Q", title="Événements", axis=alt.Axis(labelExpr=FRENCH_NUMBER)),
        color=alt.Color("event_type:N", title="Type", legend=alt.Legend(orient="bottom", columns=3)),
        tooltip=[alt.Tooltip("mois_label:N", title="Mois"), alt.Tooltip("event_type:N", title="Type"),
                 alt.Tooltip("événements:Q", title="Événements")],
    ).properties(height=300)


def _export_spec(chart: alt.TopLevelMixin) -> dict:
    """The chart's Vega-Lite spec, with a width where the screen stretches it, on a white background.

    Values JSON has no type for (a `datetime.date` left in the data, as the screen's Arrow transport
    takes them) are written as ISO text.
    """
    spec = json.loads(json.dumps(chart.to_dict(), default=lambda v: v.isoformat() if hasattr(v, "isoformat")
                                 else str(v)))
    spec.setdefault("width", EXPORT_WIDTH)
    spec.setdefault("background", "white")
    return spec


def chart_png(chart: alt.TopLevelMixin) -> bytes:
    """The chart as a PNG picture, drawn on the server (French number labels as on screen)."""
    return vl_convert.vegalite_to_png(_export_spec(chart), scale=EXPORT_SCALE, allowed_base_urls=[], **EXPORT_LOCALE)


def chart_svg(chart: alt.TopLevelMixin) -> bytes:
    """The chart as an SVG drawing (UTF-8), texts kept as text."""
    return vl_convert.vegalite_to_svg(_export_spec(chart), allowed_base_urls=[], **EXPORT_LOCALE).encode("utf-8")
