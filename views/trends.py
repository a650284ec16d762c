"""Trend builders: one figure of a few territories over school years, as a chart and as a table.

Measures come one frame per school year (as `loaders.read.measures` returns them). A year without
data (no frame, or the territory missing from it) reads « pas de données » and has no point: it is
never drawn as a zero. A hidden small count (CODIR, models.disclosure) has no point either and reads
as hidden (« < 5 »). A figure that does not exist (inhabitants per référent where there is no
référent) has no point and reads « – », as in every other table.
"""

import altair as alt
import pandas as pd

from models.disclosure import HIDDEN
from models.measures import Indicator
from views.charts import FRENCH_NUMBER
from views.formatting import NO_DATA, format_number, year_label
from views.tables import weakest_first

VALUE, HIDDEN_TEXT, NO_DATA_TEXT = "value", "hidden", "no_data"  # what a cell of the trend holds


def no_data_column(codes) -> pd.Series:
    """A column of a comparison table (views.tables.comparison_table) for a year without data: « pas de données »."""
    return pd.Series({**{code: None for code in codes}, **{code + HIDDEN: NO_DATA for code in codes}}, dtype=object)


def trend_frame(measures_by_year: dict[str, pd.DataFrame | None], indicator: Indicator,
                codes: list[str] | None = None) -> pd.DataFrame:
    """One row per territory and school year: its figure (NaN when there is none) and how it reads.

    `measures_by_year` maps school years ("2024-2025"), oldest first, to that year's measures (None or
    an empty frame: no data that year). `codes` chooses the territories and their order; by default
    every territory of any year, by code. Columns: territory_code, name, school_year, year_label,
    value, label (the figure in French, « < 5 » or « pas de données ») and status (VALUE, HIDDEN_TEXT
    or NO_DATA_TEXT).
    """
    column = indicator.code
    frames = {year: frame.set_index("territory_code") for year, frame in measures_by_year.items()
              if frame is not None and not frame.empty and column in frame.columns}
    if codes is None:
        codes = sorted(set().union(*(frame.index for frame in frames.values())))
    names = {}
    for frame in frames.values():
        names.update(frame["name"].dropna().to_dict())
    rows = []
    for code in codes:
        for year in measures_by_year:
            frame = frames.get(year)
            row = {"territory_code": code, "name": names.get(code, code), "school_year": year,
                   "year_label": year_label(year), "value": float("nan"), "label": NO_DATA, "status": NO_DATA_TEXT}
            if frame is not None and code in frame.index:
                values = frame.loc[code]
                hidden = values.get(column + HIDDEN)
                if isinstance(hidden, str):
                    row.update(label=hidden, status=HIDDEN_TEXT)
                else:
                    value = pd.to_numeric(values[column], errors="coerce")
                    row.update(value=float(value), label=format_number(value, indicator.decimals), status=VALUE)
            rows.append(row)
    return pd.DataFrame(rows, columns=["territory_code", "name", "school_year", "year_label", "value", "label",
                                       "status"])


def trend_chart(frame: pd.DataFrame, indicator: Indicator, height: int = 320) -> alt.Chart:
    """Lines over school years, one per territory; a year without a figure has no point and breaks the line.

    `frame` is a `trend_frame`. Every school year of it is on the x axis, with or without points.
    """
    years = list(dict.fromkeys(frame.year_label))
    names = list(dict.fromkeys(frame.name))
    # A gap starts a new segment: the line is not drawn across a year without a figure.
    gaps = frame.value.isna().astype(int).groupby(frame.territory_code).cumsum()
    shown = frame.assign(segment=frame.territory_code + "-" + gaps.astype(str))[frame.value.notna()]
    return alt.Chart(shown).mark_line(point=alt.OverlayMarkDef(size=60, filled=True)).encode(
        x=alt.X("year_label:O", title="Année scolaire", sort=years, scale=alt.Scale(domain=years),
                axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title=indicator.label, axis=alt.Axis(labelExpr=FRENCH_NUMBER)),
        color=alt.Color("name:N", title=None, sort=names,
                        legend=alt.Legend(orient="right", labelLimit=260) if len(names) > 1 else None),
        detail="segment:N",
        tooltip=[alt.Tooltip("name:N", title="Territoire"), alt.Tooltip("year_label:N", title="Année scolaire"),
                 alt.Tooltip("label:N", title=indicator.label)],
    ).properties(height=height)


def trend_table(frame: pd.DataFrame, indicator: Indicator,
                territory_label: str) -> tuple[pd.DataFrame, dict[str, tuple[str, int | None]]]:
    """Territories × school years, and the columns `views.ui.table_with_downloads` takes.

    Each year's column holds the figure; its `<year>__hidden` companion says how a cell without one
    reads (« pas de données », « < 5 »), on screen and in the downloads.
    """
    codes = list(dict.fromkeys(frame.territory_code))
    wide = pd.DataFrame({"territory_code": codes,
                         "name": frame.drop_duplicates("territory_code").set_index("territory_code").name[codes]
                         .to_numpy()})
    columns = {"territory_code": ("Code", None), "name": (territory_label, None)}
    for year, cells in frame.groupby("school_year", sort=False):
        cells = cells.set_index("territory_code").loc[codes]
        wide[year] = cells.value.to_numpy()
        wide[year + HIDDEN] = cells.label.where(cells.status != VALUE, None).to_numpy()
        columns[year] = (year_label(year), indicator.decimals)
    return wide, columns


def weakest_codes(measures: pd.DataFrame, indicator: Indicator, count: int | None = None) -> list[str]:
    """Territory codes, weakest on the indicator first (views.tables.weakest_first); the first `count` if given."""
    return list(weakest_first(measures, indicator).territory_code[:count])
