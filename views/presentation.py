"""The Présentation page's slides: one per topic, aggregates only, built from measures (no data access).

`build_slides` turns the measures of a scope (the région, or one département) into `Slide`s: a title,
a few large figures, one chart or map and one French sentence that says what it shows. `render_slide`
puts one on screen. Measures come read for the CODIR profile, so small counts of people arrive hidden
(models.disclosure) and the figures here only show them as hidden (« < 5 »).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import altair as alt
import folium
import geopandas as gpd
import pandas as pd
import streamlit as st

from models.disclosure import HIDDEN
from models.gaps import find_gaps
from models.measures import INDICATORS, indicator_columns
from views.charts import FRENCH_NUMBER, bar_chart
from views.formatting import NO_DATA, escape_markdown, format_number, format_percent, year_label
from views.gaps import gap_sentences
from views.maps import coverage_map
from views.tables import format_cell

PRINT_ALL_KEY = "presentation_print_all"
TOPIC_KEY = "presentation_topic"
TOPIC_PARAM = "sujet"  # the topic's number in the address, so that a link opens the topic shown
DECK_KEY = "presentation_deck"
PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
Progress = Callable[[float, str], None]

# Constant CSS (never data): large figures on screen; on paper, A4 landscape, one topic per page, no frame.
PRESENTATION_CSS = """<style>
[class*="st-key-slide-"] [data-testid="stMetricValue"] { font-size: 2.6rem; }
[class*="st-key-slide-"] [data-testid="stMetricLabel"] p { font-size: 1.05rem; }
@media print {
  @page { size: A4 landscape; margin: 10mm; }
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
  [data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"], header,
  .stButton, .stDownloadButton, .stToggle, .st-key-presentation-frame { display: none !important; }
  html, body, .stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"], .stMain,
  [data-testid="stMainBlockContainer"] {
    overflow: visible !important; height: auto !important; min-height: 0 !important; position: static !important;
  }
  [data-testid="stMainBlockContainer"] { padding: 0 !important; max-width: none !important; }
  [class*="st-key-slide-"] { break-inside: avoid; page-break-inside: avoid; }
  [class*="st-key-slide-"]:not(.st-key-slide-1):not(.st-key-slide-current) {
    break-before: page; page-break-before: always;
  }
  [class*="st-key-slide-"] [data-testid="stMetricValue"] { font-size: 2rem; }
}
</style>"""


@dataclass
class Figure:
    """A large figure: its French label, its value as shown, and how it moved since last year."""

    label: str
    value: str
    delta: str | None = None
    help: str | None = None
    is_higher_better: bool = True  # a fall of « Lycées non touchés » is shown green


@dataclass
class Slide:
    """One topic: a title, large figures, one chart or map, one sentence (and, for gaps, a few more)."""

    code: str
    title: str
    figures: list[Figure]
    sentence: str
    chart: alt.Chart | None = None
    map: folium.Map | None = None
    points: list[str] = field(default_factory=list)
    note: str = ""


@dataclass
class Scope:
    """What the slides read: the scope's row, its parts (départements, or EPCI of a département), its EPCI."""

    name: str
    school_year: str
    row: pd.Series
    parts: pd.DataFrame
    part_label: str
    epci: pd.DataFrame
    departements: pd.DataFrame
    epci_shapes: gpd.GeoDataFrame
    sectors_count: int
    white_zone_km: float
    last_row: pd.Series | None = None  # None: no data for last year
    last_parts: pd.DataFrame | None = None
    tile_url: str = ""
    tile_attribution: str = ""


def _worst(parts: pd.DataFrame, column: str) -> pd.Series | None:
    """The part worst off on an indicator (figures hidden or missing left out), or None."""
    values = pd.to_numeric(parts[column], errors="coerce").dropna()
    if values.empty:
        return None
    index = values.idxmin() if INDICATORS[column].is_higher_better else values.idxmax()
    return parts.loc[index]


MAP_HEIGHT = 320
FIGURES_PER_ROW = 3  # six figures in two rows (long numbers stay whole); up to five stay on one row
CHART_AXES = 70  # px under and beside a chart's bars (axis, title, legend)
GAPS_SHOWN = 4  # the biggest gaps a slide holds beside its map
CHART_HEIGHT = 300  # px: a slide, its figures and its sentence fit an A4 landscape page


def _bar(parts: pd.DataFrame, column: str, part_label: str, colour: str) -> alt.Chart | None:
    """Bars of one indicator by part; None when no figure is both shown and above zero (no bar to draw)."""
    if not (pd.to_numeric(parts[column], errors="coerce") > 0).any():
        return None
    kept = [name for name in ("name", column, column + HIDDEN) if name in parts.columns]  # only what is drawn
    chart = bar_chart(parts[kept], "name", column, part_label, INDICATORS[column].label, colour)
    return chart.properties(height=min(CHART_HEIGHT, max(140, 34 * len(parts))))


def _figures(row: pd.Series, *codes: str) -> list[Figure]:
    """Registered figures of a row, named and rounded by the registry (hidden small counts read « < 5 »)."""
    return [Figure(label, format_cell(row, code, decimals)) for code, (label, decimals) in indicator_columns(
        *codes).items()]


def change_label(now, before, decimals: int = 0) -> str | None:
    """"+12" or "-3,5" (st.metric colours it), or None when either figure is missing or hidden."""
    if now is None or before is None or pd.isna(now) or pd.isna(before):
        return None
    change = round(float(now) - float(before), decimals)
    return "0" if change == 0 else ("+" if change > 0 else "") + format_number(change, decimals)  # "0": grey


def overview_slide(scope: Scope) -> Slide:
    """The scope at a glance: its size, its resources, and the coverage index by EPCI on a map."""
    row = scope.row
    index = scope.epci.coverage_index
    below = int((index < 100).sum())
    sentence = (f"{format_number(below)} EPCI sur {format_number(index.notna().sum())} ont une dotation inférieure "
                f"à la moyenne régionale (indice sous 100) : plus la teinte est claire, moins le territoire est "
                "couvert.")
    return Slide("overview", f"{scope.name} en un coup d'œil", _figures(
        row, "population_count", "schools_count", "referent_fte", "events_count", "ambassadors_count",
        "remediation_capacity_count"), sentence, map=coverage_map(
            scope.epci_shapes, scope.epci, INDICATORS["coverage_index"], tile_url=scope.tile_url,
            tile_attribution=scope.tile_attribution, level_label="EPCI"))


def referents_slide(scope: Scope) -> Slide:
    """Référent time against population, by part."""
    row = scope.row
    worst = _worst(scope.parts, "inhabitants_per_referent")
    sentence = f"Un référent (ETP) couvre en moyenne {format_number(row.inhabitants_per_referent)} habitants"
    sentence += (f" ; le plus chargé : {worst['name']}, avec {format_number(worst.inhabitants_per_referent)} "
                 "habitants par référent." if worst is not None else ".")
    return Slide("referents", "Référents départementaux", _figures(
        row, "referent_fte", "inhabitants_per_referent", "schools_per_referent", "uncovered_communes_count"),
        sentence, chart=_bar(scope.parts, "inhabitants_per_referent", scope.part_label, "#3182bd"))


def events_slide(scope: Scope) -> Slide:
    """Events of the year and how many lycées they reached, with the rate per 10,000 inhabitants by part."""
    row = scope.row
    worst = _worst(scope.parts, "events_per_10k")
    sentence = (f"{format_number(row.events_count)} événements en {year_label(scope.school_year)}, soit "
                f"{format_number(row.events_per_10k, 2)} pour 10 000 habitants")
    sentence += (f" ; le moins doté : {worst['name']} ({format_number(worst.events_per_10k, 2)})."
                 if worst is not None else ".")
    return Slide("events", "Événements info-métiers", _figures(
        row, "events_count", "participants_count", "events_per_10k", "schools_not_reached_count"),
        sentence, chart=_bar(scope.parts, "events_per_10k", scope.part_label, "#e6550d"))


def ambassadors_slide(scope: Scope) -> Slide:
    """Active ambassadors per 10,000 inhabitants by part (small counts hidden)."""
    row = scope.row
    worst = _worst(scope.parts, "ambassadors_per_10k")
    sentence = (f"{format_cell(row, 'ambassadors_count')} ambassadeurs actifs, soit "
                f"{format_cell(row, 'ambassadors_per_10k', 2)} pour 10 000 habitants")
    sentence += (f" ; le moins doté : {worst['name']} ({format_number(worst.ambassadors_per_10k, 2)})."
                 if worst is not None else ".")
    return Slide("ambassadors", "Ambassadeurs métiers", _figures(
        row, "ambassadors_count", "ambassadors_per_10k", "mobilisations_count", "sectors_without_ambassador_count"),
        sentence, chart=(chart := _bar(scope.parts, "ambassadors_per_10k", scope.part_label, "#31a354")),
        note="" if chart is not None else f"Pas de graphique : chaque {scope.part_label.lower()} compte moins de "
                                          "5 ambassadeurs (secret statistique) ou aucun.")


def remediation_slide(scope: Scope) -> Slide:
    """Remediation seats, free seats and occupancy, with seats per 10,000 inhabitants by part."""
    row = scope.row
    occupancy = row.remediation_occupancy_pct
    sentence = (f"{format_number(row.remediation_capacity_count)} places de remédiation, dont "
                f"{format_number(row.remediation_free_count)} libres au dernier relevé"
                + (f" (taux d'occupation {format_percent(occupancy / 100)})." if pd.notna(occupancy) else "."))
    return Slide("remediation", "Décrochage et remédiation", _figures(
        row, "remediation_capacity_count", "remediation_free_count", "remediation_occupancy_pct",
        "remediation_per_100_dropouts"), sentence,
        chart=_bar(scope.parts, "remediation_per_10k", scope.part_label, "#756bb1"))


def gaps_slide(scope: Scope) -> Slide:
    """The biggest gaps in sentences, and the distance to the nearest event by EPCI (zone blanche in orange)."""
    row = scope.row
    sentences = gap_sentences(find_gaps(row, scope.departements, scope.epci, scope.white_zone_km,
                                        scope.sectors_count), count=GAPS_SHOWN,
                              scope_label="du département" if scope.part_label == "EPCI" else "de la région",
                              year_label=f"en {year_label(scope.school_year)}")
    km = format_number(scope.white_zone_km)
    return Slide("gaps", "Les plus grands manques", [
        Figure(f"Habitants à plus de {km} km d'un événement", format_number(row.event_white_zone_population_count)),
        Figure(f"Habitants à plus de {km} km d'un ambassadeur",
               format_number(row.ambassador_white_zone_population_count)),
        Figure(f"Habitants à plus de {km} km d'une place libre",
               format_number(row.remediation_white_zone_population_count)),
    ], sentences[0] if sentences else f"Aucun manque marquant en {year_label(scope.school_year)}.",
        points=sentences[1:],
        map=coverage_map(scope.epci_shapes, scope.epci, INDICATORS["event_distance_km"], tile_url=scope.tile_url,
                         tile_attribution=scope.tile_attribution, level_label="EPCI",
                         white_zone_km=scope.white_zone_km))


CHANGES = indicator_columns("events_count", "participants_count", "ambassadors_count", "remediation_capacity_count",
                            "schools_not_reached_count")  # the headline figures compared with last year


def changes_chart(parts: pd.DataFrame, last_parts: pd.DataFrame, school_year: str, last_year: str,
                  part_label: str) -> alt.Chart:
    """Events by part, this school year beside the last one (grouped bars)."""
    frame = pd.concat([parts[["name", "events_count"]].assign(année=year_label(school_year)),
                       last_parts[["name", "events_count"]].assign(année=year_label(last_year))])
    frame["label"] = [format_number(v) for v in frame.events_count]
    return alt.Chart(frame).mark_bar().encode(
        y=alt.Y("name:N", title=part_label, axis=alt.Axis(labelLimit=260)),
        yOffset=alt.YOffset("année:N", sort=[year_label(last_year), year_label(school_year)]),
        x=alt.X("events_count:Q", title="Événements", axis=alt.Axis(labelExpr=FRENCH_NUMBER)),
        color=alt.Color("année:N", title="Année scolaire", sort=[year_label(last_year), year_label(school_year)],
                        scale=alt.Scale(range=["#9ecae1", "#08519c"]), legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("name:N", title=part_label), alt.Tooltip("année:N", title="Année scolaire"),
                 alt.Tooltip("label:N", title="Événements")],
    ).properties(height=min(CHART_HEIGHT, max(160, 44 * len(parts))))


def changes_slide(scope: Scope, last_year: str) -> Slide:
    """This school year against the last one; a year without data reads « pas de données », never zeros."""
    row, last = scope.row, scope.last_row
    title = f"Ce qui a changé depuis {year_label(last_year)}"
    if last is None:
        return Slide("changes", title, [
            Figure(label, format_cell(row, column, decimals), help=f"{year_label(last_year)} : {NO_DATA}")
            for column, (label, decimals) in CHANGES.items()],
            f"Année scolaire {year_label(last_year)} : {NO_DATA}, la comparaison n'est pas possible.")
    figures = [Figure(label, format_cell(row, column, decimals),
                      change_label(row.get(column), last.get(column), decimals),
                      f"{year_label(last_year)} : {format_cell(last, column, decimals)}",
                      INDICATORS[column].is_higher_better)
               for column, (label, decimals) in CHANGES.items()]
    change = float(row.events_count) - float(last.events_count)
    sentence = (f"{format_number(row.events_count)} événements en {year_label(scope.school_year)} contre "
                f"{format_number(last.events_count)} en {year_label(last_year)} "
                f"({'+' if change > 0 else ''}{format_number(change)}) ; ambassadeurs actifs : "
                f"{format_cell(row, 'ambassadors_count')} contre {format_cell(last, 'ambassadors_count')}.")
    return Slide("changes", title, figures, sentence,
                 chart=changes_chart(scope.parts, scope.last_parts, scope.school_year, last_year, scope.part_label),
                 note="Les effectifs de l'année en cours sont partiels : l'année scolaire n'est pas terminée.")


def build_slides(scope: Scope, last_year: str) -> list[Slide]:
    """Every topic of the presentation, in the order of a meeting."""
    return [overview_slide(scope), referents_slide(scope), events_slide(scope), ambassadors_slide(scope),
            remediation_slide(scope), gaps_slide(scope), changes_slide(scope, last_year)]


def render_slide(slide: Slide, number: int, count: int, footer: str, key: str) -> None:
    """One slide on screen, in a container keyed `slide-…` (the print CSS keys on it)."""
    with st.container(key=key):
        st.header(f"{number}. {escape_markdown(slide.title)}", anchor=False)
        per_row = len(slide.figures) if len(slide.figures) <= 5 else FIGURES_PER_ROW
        for start in range(0, len(slide.figures), per_row):
            for column, figure in zip(st.columns(per_row), slide.figures[start:start + per_row]):
                column.metric(figure.label, figure.value, figure.delta, help=figure.help,
                              delta_color="normal" if figure.is_higher_better else "inverse")
        if slide.map is not None:
            from streamlit_folium import st_folium

            st_folium(slide.map, key=f"{key}-map", height=MAP_HEIGHT, use_container_width=True, returned_objects=[])
        if slide.chart is not None:
            from views.ui import show_chart

            show_chart(slide.chart, f"maillage-presentation-{slide.code}", key=f"chart-{key}", title=slide.title,
                       height=slide.chart.to_dict()["height"] + CHART_AXES)
        st.markdown(f"**{escape_markdown(slide.sentence)}**")
        for point in slide.points:
            st.markdown(f"- {escape_markdown(point)}")
        st.caption(escape_markdown(" · ".join(part for part in (slide.note, footer, f"{number}/{count}") if part)))


def slide_footer(scope_name: str, school_year: str, demo_counts: dict[str, int]) -> str:
    """What every slide says at its foot: the scope, the year, and whether the resources are demo data."""
    parts = [scope_name, f"année scolaire {year_label(school_year)}", "agrégats, secret statistique appliqué"]
    if any(demo_counts.get(name, 0) for name in ("referents", "events", "ambassadors", "remediation")):
        parts.append("données de démonstration (fictives)")
    return " · ".join(parts)


def _move(step: int, count: int) -> None:
    st.session_state[TOPIC_KEY] = min(max(st.session_state.get(TOPIC_KEY, 0) + step, 0), count - 1)


def _topic_from_address(count: int) -> int:
    """The topic a link asks for (« ?sujet=3 » is the third), the first one when it asks for none or nonsense."""
    asked = str(st.query_params.get(TOPIC_PARAM, ""))
    return min(max(int(asked), 1), count) - 1 if asked.isdigit() else 0


def topic_controls(titles: list[str]) -> tuple[int, bool]:
    """« Précédent » / « Suivant » and the print-all switch; returns the current topic's index and the switch.

    The topic shown is written in the address (« ?sujet=3 »), so that a link shared or reloaded opens it.
    """
    count = len(titles)
    if TOPIC_KEY not in st.session_state:
        st.session_state[TOPIC_KEY] = _topic_from_address(count)
    current = min(max(int(st.session_state[TOPIC_KEY]), 0), count - 1)
    st.session_state[TOPIC_KEY] = current
    st.query_params[TOPIC_PARAM] = str(current + 1)
    print_all = st.toggle("Imprimer toutes les diapositives", key=PRINT_ALL_KEY,
                          help="Affiche tous les thèmes l'un après l'autre, un par page A4 paysage : utilisez "
                               "ensuite la commande Imprimer du navigateur (Ctrl+P).")
    if print_all:
        st.info("Toutes les diapositives sont affichées, une par page à l'impression : lancez l'impression du "
                "navigateur (Ctrl+P), format A4 paysage.", icon=":material/print:")
        return current, True
    left, middle, right = st.columns([1, 4, 1], vertical_alignment="center")
    left.button("Précédent", key="presentation-previous", icon=":material/arrow_back:", disabled=current == 0,
                on_click=_move, args=(-1, count), width="stretch")
    middle.markdown(f"**Thème {current + 1} sur {count}** · {escape_markdown(titles[current])}")
    right.button("Suivant", key="presentation-next", icon=":material/arrow_forward:", disabled=current == count - 1,
                 on_click=_move, args=(1, count), width="stretch")
    return current, False


def deck_section(build: Callable[[bool, Progress], tuple[bytes, bytes]], wanted: tuple, file_stem: str,
                 offer_per_departement: bool) -> None:
    """Build the CODIR deck in one click, with progress, then offer it as PowerPoint and PDF.

    `build(per_departement, progress)` returns the PowerPoint and PDF bytes; `wanted` says what the
    files are of (scope, year, data version): files built for another scope are not offered.
    """
    with st.expander("Diaporama pour le CODIR (PowerPoint et PDF)", icon=":material/co_present:"):
        st.caption("Les mêmes thèmes en diapositives 16:9 et en pages A4 paysage, avec cartes, légendes, échelle, "
                   "source et date des données ; agrégats seulement, petits effectifs masqués.")
        per_departement = offer_per_departement and st.checkbox(
            "Ajouter une diapositive par département", key="deck_per_departement")
        wanted = (*wanted, per_departement)
        if st.button("Construire le diaporama", key="deck-build", icon=":material/slideshow:"):
            bar = st.progress(0.0, text="Préparation du diaporama…")
            files = build(per_departement, lambda fraction, message: bar.progress(min(max(fraction, 0.0), 1.0),
                                                                                  text=message))
            st.session_state[DECK_KEY] = (wanted, files)
            bar.empty()
        built = st.session_state.get(DECK_KEY)
        if not built or built[0] != wanted:
            return
        pptx, pdf = built[1]
        st.success("Diaporama prêt : téléchargez-le ci-dessous.", icon=":material/check_circle:")
        left, right, _ = st.columns([1, 1, 2])
        left.download_button("Télécharger (PowerPoint)", pptx, f"{file_stem}.pptx", PPTX_MIME, key="deck-pptx",
                             icon=":material/download:")
        right.download_button("Télécharger (PDF)", pdf, f"{file_stem}.pdf", "application/pdf", key="deck-pdf",
                              icon=":material/download:")
