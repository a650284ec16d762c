"""Tables beside maps list the weakest territories first."""

import numpy as np
import pandas as pd

from models.measures import INDICATORS
from views.tables import weakest_first


def frame(column: str, values: list, populations: list | None = None, **extra) -> pd.DataFrame:
    codes = [f"59{index:03d}" for index in range(1, len(values) + 1)]
    populations = populations or [1_000] * len(values)
    return pd.DataFrame({"territory_code": codes, column: values, "population_count": populations, **extra})


def test_where_more_is_better_the_smallest_comes_first():
    rows = frame("events_per_10k", [2.5, 0.0, 1.2, np.nan, 4.0])
    assert weakest_first(rows, INDICATORS["events_per_10k"]).territory_code.tolist() == [
        "59002", "59003", "59001", "59005", "59004"]


def test_where_less_is_better_the_largest_comes_first():
    rows = frame("event_distance_km", [3.0, 25.0, np.nan, 0.0, 12.5])
    assert weakest_first(rows, "event_distance_km").territory_code.tolist() == [
        "59002", "59005", "59001", "59004", "59003"]
    per_referent = frame("inhabitants_per_referent", [30_000.0, 6_250.0, 10_000.0])
    assert weakest_first(per_referent, "inhabitants_per_referent").territory_code.tolist() == [
        "59001", "59003", "59002"]


def test_rows_without_figure_come_last_hidden_ones_too():
    rows = frame("ambassadors_count", [np.nan, 3.0, np.nan, 0.0], populations=[0, 900, 5_000, 100],
                 ambassadors_count__hidden=[None, None, "< 5", None])
    assert weakest_first(rows, "ambassadors_count").territory_code.tolist() == ["59004", "59002", "59003", "59001"]


def test_equal_figures_by_population_largest_first_then_code():
    rows = frame("events_count", [0.0, 0.0, 0.0, 1.0], populations=[800, 12_000, 800, 50])
    assert weakest_first(rows, "events_count").territory_code.tolist() == ["59002", "59001", "59003", "59004"]


def test_figures_that_display_the_same_are_equal():
    """0,704 and 0,696 both read « 0,70 »: population decides, not the hidden third decimal."""
    rows = frame("events_per_10k", [0.696, 0.704], populations=[500, 90_000])
    assert weakest_first(rows, "events_per_10k").territory_code.tolist() == ["59002", "59001"]


def test_the_frame_is_left_as_it_was_and_the_index_kept():
    rows = frame("events_count", [3.0, 1.0, 2.0])
    before = rows.copy()
    ordered = weakest_first(rows, INDICATORS["events_count"])
    pd.testing.assert_frame_equal(rows, before)
    assert ordered.index.tolist() == [1, 2, 0]
    assert ordered.columns.tolist() == rows.columns.tolist()


def test_without_population_nor_code_column():
    rows = pd.DataFrame({"coverage_index": [120.0, 40.0, np.nan, 80.0]})
    assert weakest_first(rows, "coverage_index").coverage_index.tolist()[:3] == [40.0, 80.0, 120.0]
