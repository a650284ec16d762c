"""Chart builders: French titles and French numbers in the Vega-Lite spec."""

import re
from datetime import date

import altair as alt
import pandas as pd

from models.coverage import count_by
from tests.fixtures import tiny_events
from views.charts import FRENCH_NUMBER, bar_chart, events_by_month_chart, monthly_chart


def apply_french_number(expression: str, value: float) -> str:
    """Play the labelExpr's nested Vega replace() calls (each replaces the first match, as in JavaScript)."""
    text = f"{value:,.0f}"
    for pattern, replacement in re.findall(r"'(.)', '(.)'\)", expression):
        text = text.replace(pattern, replacement, 1)
    return text


def test_french_number_label_expression_swaps_every_thousands_comma():
    assert "datum.value" in FRENCH_NUMBER
    assert apply_french_number(FRENCH_NUMBER, 1_234_567_890) in ("1 234 567 890", "1\u202f234\u202f567\u202f890")
    assert apply_french_number(FRENCH_NUMBER, 999) == "999"


def test_bar_chart_spec():
    frame = count_by(tiny_events(), "event_type", name="events_count")
    spec = bar_chart(frame, "event_type", "events_count", "Type d'événement", "Événements", "#e6550d").to_dict()
    assert spec["mark"]["type"] == "bar" and spec["mark"]["color"] == "#e6550d"
    x, y = spec["encoding"]["x"], spec["encoding"]["y"]
    assert (x["field"], x["title"], x["axis"]["labelExpr"]) == ("events_count", "Événements", FRENCH_NUMBER)
    assert (y["field"], y["title"], y["sort"]) == ("event_type", "Type d'événement", "-x")
    assert [t["title"] for t in spec["encoding"]["tooltip"]] == ["Type d'événement", "Événements"]


def test_bar_chart_grows_with_its_bars():
    small = pd.DataFrame({"k": ["a"], "v": [1]})
    large = pd.DataFrame({"k": list("abcdefghij"), "v": range(10)})
    assert bar_chart(small, "k", "v", "K", "V").to_dict()["height"] == 140
    assert bar_chart(large, "k", "v", "K", "V").to_dict()["height"] == 340


def test_monthly_chart_spec():
    history = pd.DataFrame({"snapshot_date": [date(2026, 1, 1), date(2025, 9, 1), date(2025, 12, 1)],
                            "capacity_count": [40, 30, 42], "occupied_count": [35, 12, 30]})
    chart = monthly_chart(history, "snapshot_date", {"capacity_count": "Places ouvertes",
                                                     "occupied_count": "Places occupées"}, "Places")
    assert isinstance(chart, alt.Chart)
    spec = chart.to_dict()
    encoding = spec["encoding"]
    assert encoding["x"]["title"] == "Mois" and encoding["y"]["title"] == "Places"
    assert encoding["y"]["axis"]["labelExpr"] == FRENCH_NUMBER
    (rows,) = spec["datasets"].values()
    assert {row["série"] for row in rows} == {"Places ouvertes", "Places occupées"}
    assert {row["mois_label"] for row in rows} == {"sept. 2025", "déc. 2025", "janv. 2026"}
    if isinstance(encoding["x"].get("sort"), list):  # months in calendar order, not alphabetical
        assert encoding["x"]["sort"] == ["sept. 2025", "déc. 2025", "janv. 2026"]


def test_events_by_month_chart_counts_events_per_month_and_type():
    spec = events_by_month_chart(tiny_events()).to_dict()
    encoding = spec["encoding"]
    assert (encoding["x"]["title"], encoding["y"]["title"], encoding["color"]["title"]) == ("Mois", "Événements",
                                                                                            "Type")
    (rows,) = spec["datasets"].values()
    counts = {(row["mois_label"], row["event_type"]): row["événements"] for row in rows}
    assert counts == {("oct. 2025", "forum"): 1, ("nov. 2025", "visite"): 1, ("nov. 2025", "atelier"): 1,
                      ("janv. 2026", "visite"): 1, ("mars 2026", "forum"): 1}


def test_tooltips_do_not_print_english_thousands():
    frame = pd.DataFrame({"k": ["a"], "v": [1234]})
    tooltips = bar_chart(frame, "k", "v", "K", "V").to_dict()["encoding"]["tooltip"]
    assert not [t for t in tooltips if "," in t.get("format", "")]
