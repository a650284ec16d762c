"""Chart builders: French titles and French numbers in the Vega-Lite spec, and in the PNG and SVG files."""

import re
import struct
from datetime import date
from xml.etree import ElementTree

import altair as alt
import pandas as pd
import pytest

from models.coverage import count_by
from tests.fixtures import tiny_events
from views.charts import (
    EXPORT_WIDTH,
    FRENCH_NUMBER,
    bar_chart,
    chart_png,
    chart_svg,
    events_by_month_chart,
    monthly_chart,
)


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


# --- charts as files ------------------------------------------------------------------------------------------------

def svg_texts(data: bytes) -> list[str]:
    """The texts of an SVG drawing (axis labels, titles), which must parse as XML."""
    root = ElementTree.fromstring(data)
    return ["".join(node.itertext()) for node in root.iter("{http://www.w3.org/2000/svg}text")]


def test_chart_png_is_a_png_picture_of_the_chart():
    data = chart_png(bar_chart(pd.DataFrame({"k": ["Nord", "Aisne"], "v": [12_345, 800]}), "k", "v", "Département",
                               "Habitants"))
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk
    assert width >= 2 * EXPORT_WIDTH and height >= 2 * 140  # drawn at twice the screen's pixels


def test_chart_svg_parses_and_writes_numbers_the_french_way():
    data = chart_svg(bar_chart(pd.DataFrame({"k": ["Nord", "Aisne"], "v": [12_345, 800]}), "k", "v", "Département",
                               "Habitants"))
    texts = svg_texts(data)
    assert {"Nord", "Aisne", "Département", "Habitants"} <= set(texts)
    assert "12\u202f000" in texts  # French thousands on the axis, as on screen
    assert not [t for t in texts if re.fullmatch(r"\d{1,3}(,\d{3})+", t)]  # never English thousands


def test_chart_svg_keeps_decimal_commas():
    texts = svg_texts(chart_svg(bar_chart(pd.DataFrame({"k": ["a"], "v": [1.5]}), "k", "v", "K", "Taux")))
    assert "0,5" in texts and "1,5" in texts


def test_chart_files_of_data_with_python_dates():
    history = pd.DataFrame({"snapshot_date": [date(2025, 9, 1), date(2025, 12, 1)], "capacity_count": [40, 1250]})
    chart = monthly_chart(history, "snapshot_date", {"capacity_count": "Places ouvertes"}, "Places")
    assert chart_png(chart).startswith(b"\x89PNG")
    texts = svg_texts(chart_svg(chart))
    assert {"sept. 2025", "déc. 2025"} <= set(texts) and "1\u202f200" in texts


def test_events_by_month_counts_read_french_beyond_a_thousand():
    events = pd.DataFrame({"start_date": [date(2025, 10, 1)] * 1200, "event_type": ["forum"] * 1200})
    texts = svg_texts(chart_svg(events_by_month_chart(events)))
    assert "oct. 2025" in texts and "1\u202f000" in texts


def test_chart_files_keep_a_title_given_to_the_chart():
    chart = bar_chart(pd.DataFrame({"k": ["a"], "v": [3]}), "k", "v", "K", "V").properties(
        title=alt.TitleParams("Événements par filière", subtitle="Nord (59) · année scolaire 2025–2026"))
    texts = svg_texts(chart_svg(chart))
    assert "Événements par filière" in texts and "Nord (59) · année scolaire 2025–2026" in texts


def test_chart_files_fetch_nothing():
    chart = alt.Chart(alt.UrlData("http://127.0.0.1:9/donnees.csv")).mark_bar().encode(x="a:Q")
    with pytest.raises(ValueError, match="not allowed"):
        chart_svg(chart)
    with pytest.raises(ValueError, match="not allowed"):
        chart_png(chart)
