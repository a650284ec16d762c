"""Table builders: French column labels and formats for screen, raw values for downloads."""

import io
from datetime import date, datetime, time

import numpy as np
import pandas as pd
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from models.disclosure import HIDDEN, hidden_labels
from models.measures import INDICATORS, Indicator
from views.formatting import format_date, format_number
from views.maps import displayed_values

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# What a download table carries in `frame.attrs` so that its files show figures as the screen does:
DECIMALS = "decimals"  # {French column label: decimals shown on screen}, set by export_frame
ROW_DECIMALS = "row_decimals"  # [decimals of each row], for tables with one indicator per row
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
MAX_COLUMN_WIDTH = 60  # characters


def display_table(frame: pd.DataFrame, columns: dict[str, tuple[str, int | None]]) -> pd.DataFrame:
    """Keep, rename and format columns: {column: (French label, decimals or None for text/dates)}."""
    shown = pd.DataFrame(index=frame.index)
    for column, (label, decimals) in columns.items():
        if column not in frame.columns:
            continue
        values = frame[column]
        hidden = hidden_labels(frame, column)
        if decimals is not None:
            shown[label] = [format_number(v, decimals) for v in values]
            if hidden is not None:
                shown[label] = hidden.where(hidden.notna(), shown[label])
        elif values.map(lambda v: hasattr(v, "strftime")).any():
            shown[label] = values.map(format_date)
        elif values.dtype == bool:
            shown[label] = values.map({True: "oui", False: "non"})
        else:
            shown[label] = values.fillna("").astype(str)
    return shown.reset_index(drop=True)


def format_cell(row: pd.Series, column: str, decimals: int = 0) -> str:
    """One figure of a row in French, or how it reads when hidden ("< 5")."""
    hidden = row.get(column + HIDDEN)
    return hidden if isinstance(hidden, str) else format_number(row.get(column), decimals)


def export_frame(frame: pd.DataFrame, columns: dict[str, tuple[str, int | None]]) -> pd.DataFrame:
    """Columns renamed in French, values kept raw (numbers stay numbers; a hidden small count reads "< 5").

    The decimals each column shows on screen go along in `attrs["decimals"]` ({French label: decimals}):
    `to_csv_bytes` and `to_xlsx_bytes` write the figures with them.
    """
    kept = [c for c in columns if c in frame.columns]
    raw = frame[kept].copy()
    for column in kept:
        hidden = hidden_labels(frame, column)
        if hidden is not None and hidden.notna().any():
            raw[column] = pd.Series([label if isinstance(label, str) else int(v) if float(v).is_integer() else v
                                     for label, v in zip(hidden, raw[column])], index=raw.index, dtype=object)
    raw = raw.rename(columns={c: columns[c][0] for c in kept}).reset_index(drop=True)
    raw.attrs[DECIMALS] = {columns[c][0]: columns[c][1] for c in kept if columns[c][1] is not None}
    return raw


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells a spreadsheet would run as formulas (=, +, -, @) with an apostrophe."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(
                lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_PREFIXES) else v)
    return safe


def _spreadsheet_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """What both downloads share: formulas neutralised, Paris times, booleans as oui/non."""
    frame = _local_times(neutralise_formulas(frame))
    for column in frame.columns:
        if frame[column].dtype == bool:
            frame[column] = frame[column].map({True: "oui", False: "non"})
    return frame


def to_csv_bytes(frame: pd.DataFrame, decimals: dict[str, int] | None = None,
                 row_decimals: list[int | None] | None = None) -> bytes:
    """CSV for French Excel: `;` separator, decimal comma, dd/mm/yyyy dates, UTF-8 with BOM.

    Figures are written with the decimals shown on screen (`decimals` by column, `row_decimals` by row;
    by default those `export_frame` put in `frame.attrs`); a figure without declared decimals is written
    as it is, a whole one without decimals (a count reads "12", never "12,0").
    """
    decimals, row_decimals = _declared_decimals(frame, decimals, row_decimals)
    safe = _spreadsheet_ready(frame)
    for column in safe.columns:
        values = safe[column]
        if values.map(lambda v: hasattr(v, "strftime")).any():
            safe[column] = values.map(format_date)
        elif values.map(_is_number).any():
            safe[column] = [_csv_number(v, _decimals_of(column, row, decimals, row_decimals)) if _is_number(v)
                            else v for row, v in enumerate(values)]
    return safe.to_csv(sep=";", index=False, decimal=",", encoding="utf-8-sig").encode("utf-8-sig")


def _declared_decimals(frame: pd.DataFrame, decimals: dict[str, int] | None,
                       row_decimals: list[int | None] | None) -> tuple[dict[str, int], list[int | None]]:
    """The decimals given, else those the frame carries in its attrs."""
    return (frame.attrs.get(DECIMALS, {}) if decimals is None else decimals,
            frame.attrs.get(ROW_DECIMALS, []) if row_decimals is None else row_decimals)


def _decimals_of(column, row: int, decimals: dict[str, int], row_decimals: list[int | None]) -> int | None:
    """The decimals a cell is shown with: its column's, else its row's, else None (not declared)."""
    if column in decimals:
        return decimals[column]
    return row_decimals[row] if row < len(row_decimals) else None


def _is_number(value) -> bool:
    """A figure (not a boolean, not missing)."""
    return (isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))
            and not pd.isna(value))


def _csv_number(value, decimals: int | None) -> str:
    """A figure as French Excel reads it: decimal comma, no thousands separator."""
    number = float(value)
    if decimals is not None:
        text = f"{number:.{decimals}f}"
    elif number.is_integer():
        text = str(int(number))
    else:
        text = np.format_float_positional(number, trim="-")
    return text.replace(".", ",")


def number_format(decimals: int) -> str:
    """The Excel number format of a figure shown with `decimals` decimals, thousands grouped: "#,##0.00".

    French Excel shows it as the screen does ("12 345,68"): the separators are the reader's own.
    """
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


def _local_times(frame: pd.DataFrame) -> pd.DataFrame:
    """Aware datetimes in Paris time, without zone (Excel has none)."""
    frame = frame.copy()
    for column in frame.columns:
        values = frame[column]
        if isinstance(values.dtype, pd.DatetimeTZDtype):
            frame[column] = values.dt.tz_convert("Europe/Paris").dt.tz_localize(None)
        elif values.map(lambda v: getattr(v, "tzinfo", None) is not None).any():
            frame[column] = pd.to_datetime(values, utc=True).dt.tz_convert("Europe/Paris").dt.tz_localize(None)
    return frame


def to_xlsx_bytes(frame: pd.DataFrame, sheet_name: str = "Données", decimals: dict[str, int] | None = None,
                  row_decimals: list[int | None] | None = None) -> bytes:
    """An XLSX workbook of one sheet that French Excel shows as the screen does.

    Numbers stay numbers, with a cell format: the decimals shown on screen (`decimals` by column,
    `row_decimals` by row, by default those `export_frame` put in `frame.attrs`), thousands grouped:
    "#,##0" for a count, "#,##0.00" for a rate with two decimals; figures without declared decimals keep
    Excel's general format. Dates read dd/mm/yyyy, date-times dd/mm/yyyy hh:mm (Paris time). Hidden
    small counts stay text (« < 5 »). The header row is bold and frozen, columns as wide as their text.
    """
    decimals, row_decimals = _declared_decimals(frame, decimals, row_decimals)
    ready = _spreadsheet_ready(frame)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        ready.to_excel(writer, sheet_name=sheet_name[:31], index=False, freeze_panes=(1, 0))
        _format_sheet(writer.sheets[sheet_name[:31]], ready, decimals, row_decimals)
    return buffer.getvalue()


def _format_sheet(sheet, frame: pd.DataFrame, decimals: dict[str, int], row_decimals: list[int | None]) -> None:
    """Bold header, number and date formats cell by cell, column widths fitted to what French Excel shows."""
    for position, column in enumerate(frame.columns, start=1):
        header = sheet.cell(row=1, column=position)
        header.font = Font(bold=True)
        widths = [len(str(column))]
        cells = [sheet.cell(row=row, column=position) for row in range(2, len(frame) + 2)]
        moments = [c.value for c in cells if isinstance(c.value, datetime)]
        date_format = DATETIME_FORMAT if any(m.time() != time(0) for m in moments) else DATE_FORMAT
        for row, cell in enumerate(cells):
            value = cell.value
            if isinstance(value, (date, datetime)):
                cell.number_format = date_format
                widths.append(len(date_format))
            elif _is_number(value) and (places := _decimals_of(column, row, decimals, row_decimals)) is not None:
                cell.number_format = number_format(places)
                widths.append(len(format_number(value, places)))
            elif value is not None:
                widths.append(len(str(value)))
        sheet.column_dimensions[get_column_letter(position)].width = min(MAX_COLUMN_WIDTH, max(widths) + 2)


RATING_COLOURS = {"cible": "#c7e9c0", "moyenne": "#fff3b0", "faible": "#fcbba1"}
RATING_LEGEND = ("Vert : cible atteinte · jaune : sous la cible mais au moins 90 % du niveau régional · "
                 "rouge : moins de 90 % du niveau régional.")


def rated_table(shown: pd.DataFrame, ratings: pd.DataFrame):
    """Colour the cells of a displayed table by their rating (same index, columns named as displayed)."""
    def colours(column: pd.Series) -> list[str]:
        if column.name not in ratings.columns:
            return [""] * len(column)
        return [f"background-color: {RATING_COLOURS[r]}" if r in RATING_COLOURS else ""
                for r in ratings[column.name]]

    return shown.style.apply(colours, axis=0)


def comparison_table(columns: dict[str, pd.Series], indicators: dict, raw: bool = False) -> pd.DataFrame:
    """Indicators as rows, compared territories (or years) as columns; French formats unless `raw`.

    A `raw` table carries each row's decimals in `attrs["row_decimals"]`, for its downloads.
    """
    rows = []
    for key, indicator in indicators.items():
        row = {"Indicateur": indicator.label}
        for title, values in columns.items():
            value, hidden = values.get(key), values.get(key + HIDDEN)
            if isinstance(hidden, str):
                row[title] = hidden
            else:
                row[title] = value if raw else format_number(value, indicator.decimals)
        rows.append(row)
    table = pd.DataFrame(rows)
    if raw:
        table.attrs[ROW_DECIMALS] = [indicator.decimals for indicator in indicators.values()]
    return table


def weakest_first(frame: pd.DataFrame, indicator: Indicator | str) -> pd.DataFrame:
    """Rows sorted so that the territories worst off on an indicator come first.

    `indicator` is a models.measures.Indicator (or its code). Where more is better the smallest figure
    comes first, where less is better (distances, inhabitants per référent) the largest. Figures are
    compared as displayed (rounded to the indicator's decimals), and equal ones by population, largest
    first (a gap where many live before the same gap in a hamlet), then by code. Rows without a figure
    (no inhabitant, hidden small count) come last. The index is kept.
    """
    measure = INDICATORS[indicator] if isinstance(indicator, str) else indicator
    shown = displayed_values(pd.to_numeric(frame[measure.code], errors="coerce"), measure.decimals)
    population = (pd.to_numeric(frame["population_count"], errors="coerce").fillna(0)
                  if "population_count" in frame.columns else pd.Series(0, index=frame.index))
    codes = [c for c in ("territory_code", "commune_code", "code") if c in frame.columns]
    keys = pd.DataFrame({"missing": shown.isna().to_numpy(),
                         "figure": (shown if measure.is_higher_better else -shown).fillna(0).to_numpy(),
                         "population": -population.to_numpy(),
                         "code": frame[codes[0]].astype(str).to_numpy() if codes else ""})
    order = keys.sort_values(["missing", "figure", "population", "code"], kind="mergesort").index
    return frame.iloc[order]
