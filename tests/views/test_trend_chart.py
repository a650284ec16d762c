"""Trend builders: a year without data has no point and reads « pas de données », never zero; years in French."""

import math

import pandas as pd

from models.disclosure import suppress_small_counts
from models.measures import INDICATORS
from views.formatting import NO_DATA, in_school_year, year_label
from views.tables import comparison_table, display_table, export_frame, to_csv_bytes
from views.trends import (
    no_data_column,
    trend_chart,
    trend_frame,
    trend_table,
    weakest_codes,
)

EVENTS = INDICATORS["events_per_10k"]
AMBASSADORS = INDICATORS["ambassadors_count"]


def measures(**columns) -> pd.DataFrame:
    """Measures of the départements 59 (Nord) and 62 (Pas-de-Calais)."""
    return pd.DataFrame({"territory_code": ["59", "62"], "name": ["Nord", "Pas-de-Calais"],
                         "population_count": [2_600_000, 1_460_000], **columns})


# 2023-2024 has no data at all; in 2025-2026 the Pas-de-Calais is missing from the measures.
BY_YEAR = {
    "2023-2024": None,
    "2024-2025": measures(events_per_10k=[1.5, 2.25]),
    "2025-2026": measures(events_per_10k=[1.75, 2.5]).iloc[:1],
    "2026-2027": measures(events_per_10k=[2.0, 0.0]),
}


def chart_rows(chart) -> pd.DataFrame:
    spec = chart.to_dict()
    return pd.DataFrame(spec["datasets"][spec["data"]["name"]])


def test_year_labels_are_written_the_french_way():
    assert year_label("2024-2025") == "2024–2025"
    assert in_school_year("2024-2025", "2026-2027") == "en 2024–2025"
    assert in_school_year("2026-2027", "2026-2027") == "cette année"


def test_a_year_without_data_reads_no_data_and_never_zero():
    frame = trend_frame(BY_YEAR, EVENTS)
    cells = frame.set_index(["territory_code", "school_year"])
    for key in [("59", "2023-2024"), ("62", "2023-2024"), ("62", "2025-2026")]:
        assert cells.loc[key, "label"] == NO_DATA
        assert math.isnan(cells.loc[key, "value"])
    assert cells.loc[("59", "2024-2025"), "label"] == "1,50"
    assert cells.loc[("62", "2026-2027"), "label"] == "0,00"  # a real zero stays a zero
    assert list(frame.year_label.unique()) == ["2023–2024", "2024–2025", "2025–2026", "2026–2027"]


def test_the_chart_has_no_point_for_a_year_without_data():
    frame = trend_frame(BY_YEAR, EVENTS)
    chart = trend_chart(frame, EVENTS)
    rows = chart_rows(chart)
    points = set(zip(rows.territory_code, rows.year_label))
    assert ("59", "2023–2024") not in points and ("62", "2023–2024") not in points
    assert ("62", "2025–2026") not in points
    assert ("59", "2025–2026") in points and ("62", "2026–2027") in points
    assert len(rows) == 5 and rows.value.notna().all()
    spec = chart.to_dict()
    x = spec["encoding"]["x"]
    assert x["scale"]["domain"] == ["2023–2024", "2024–2025", "2025–2026", "2026–2027"], "every year on the axis"
    assert x["title"] == "Année scolaire"
    assert spec["encoding"]["y"]["title"] == EVENTS.label
    # The Pas-de-Calais line is not drawn across 2025–2026: its points are two segments.
    assert rows[rows.territory_code == "62"].segment.nunique() == 2
    assert rows[rows.territory_code == "59"].segment.nunique() == 1


def test_the_table_has_a_column_per_year_and_says_no_data():
    frame = trend_frame(BY_YEAR, EVENTS)
    table, columns = trend_table(frame, EVENTS, "Département")
    shown = display_table(table, columns)
    assert list(shown.columns) == ["Code", "Département", "2023–2024", "2024–2025", "2025–2026", "2026–2027"]
    nord, pas_de_calais = shown.iloc[0], shown.iloc[1]
    assert nord["2023–2024"] == NO_DATA and nord["2024–2025"] == "1,50"
    assert pas_de_calais["2025–2026"] == NO_DATA and pas_de_calais["2026–2027"] == "0,00"
    exported = export_frame(table, columns)
    assert exported.loc[0, "2023–2024"] == NO_DATA and exported.loc[0, "2024–2025"] == 1.5
    assert "pas de données" in to_csv_bytes(exported).decode("utf-8-sig")


def test_a_hidden_small_count_has_no_point_and_reads_below_the_threshold():
    by_year = {"2025-2026": suppress_small_counts(measures(ambassadors_count=[40, 3], ambassadors_per_10k=[0.2, 0.0]),
                                                  5),
               "2026-2027": suppress_small_counts(measures(ambassadors_count=[42, 12],
                                                           ambassadors_per_10k=[0.2, 0.1]), 5)}
    frame = trend_frame(by_year, AMBASSADORS)
    rows = chart_rows(trend_chart(frame, AMBASSADORS))
    assert ("62", "2025–2026") not in set(zip(rows.territory_code, rows.year_label))
    table, columns = trend_table(frame, AMBASSADORS, "Département")
    shown = display_table(table, columns)
    assert shown.loc[1, "2025–2026"] == "< 5"
    assert shown.loc[1, "2026–2027"] == "12"
    assert "3" not in to_csv_bytes(export_frame(table, columns)).decode("utf-8-sig").split("\n")[2].split(";")


def test_a_figure_that_does_not_exist_is_a_dash_not_no_data():
    per_referent = INDICATORS["inhabitants_per_referent"]
    frame = trend_frame({"2026-2027": measures(inhabitants_per_referent=[1_300_000, float("nan")])}, per_referent)
    assert list(frame.label) == ["1\u202f300\u202f000", "–"]
    assert len(chart_rows(trend_chart(frame, per_referent))) == 1


def test_territories_follow_the_chosen_codes():
    frame = trend_frame(BY_YEAR, EVENTS, codes=["62"])
    assert set(frame.territory_code) == {"62"} and set(frame.name) == {"Pas-de-Calais"}


def test_the_weakest_are_preselected():
    frame = measures(events_per_10k=[2.0, 0.5])
    assert weakest_codes(frame, EVENTS, 1) == ["62"]
    assert weakest_codes(frame, EVENTS) == ["62", "59"]


def test_a_comparison_column_for_a_year_without_data_says_so_for_every_figure():
    codes = ["events_count", "schools_not_reached_count", "remediation_capacity_count"]
    row = measures(events_count=[10, 3], schools_not_reached_count=[40, 20],
                   remediation_capacity_count=[300, 100]).iloc[0]
    table = comparison_table({"Nord": row, "Nord en 2023–2024": no_data_column(codes)},
                             {code: INDICATORS[code] for code in codes})
    assert list(table["Nord en 2023–2024"]) == [NO_DATA] * 3
    assert list(table["Nord"]) == ["10", "40", "300"]
