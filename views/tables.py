"""Table builders: French column labels and formats for screen, raw values for downloads."""

import io

import pandas as pd

from models.disclosure import HIDDEN, hidden_labels
from models.measures import INDICATORS, Indicator
from views.formatting import format_date, format_number
from views.maps import displayed_values

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


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
    """Columns renamed in French, values kept raw (numbers stay numbers; a hidden small count reads "< 5")."""
    kept = [c for c in columns if c in frame.columns]
    raw = frame[kept].copy()
    for column in kept:
        hidden = hidden_labels(frame, column)
        if hidden is not None and hidden.notna().any():
            raw[column] = pd.Series([label if isinstance(label, str) else int(v) if float(v).is_integer() else v
                                     for label, v in zip(hidden, raw[column])], index=raw.index, dtype=object)
    return raw.rename(columns={c: columns[c][0] for c in kept}).reset_index(drop=True)


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


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV for French Excel: `;` separator, decimal comma, dd/mm/yyyy dates, UTF-8 with BOM."""
    safe = _spreadsheet_ready(frame)
    for column in safe.columns:
        if safe[column].map(lambda v: hasattr(v, "strftime")).any():
            safe[column] = safe[column].map(format_date)
    return safe.to_csv(sep=";", index=False, decimal=",", encoding="utf-8-sig").encode("utf-8-sig")


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


def to_xlsx_bytes(frame: pd.DataFrame, sheet_name: str = "Données") -> bytes:
    """An XLSX workbook of one sheet."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        _spreadsheet_ready(frame).to_excel(writer, sheet_name=sheet_name[:31], index=False)
    return buffer.getvalue()


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
    """Indicators as rows, compared territories (or years) as columns; French formats unless `raw`."""
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
    return pd.DataFrame(rows)


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
