"""The Présentation page's slide builders, on hand-made measures (no store, no browser)."""

import geopandas as gpd
import pandas as pd
from shapely.geometry import box

from models.disclosure import suppress_small_counts
from models.measures import INDICATORS
from views.presentation import NO_DATA, Scope, build_slides, changes_slide, slide_footer


def measures(names: list[str], ambassadors: list[int], events: list[int]) -> pd.DataFrame:
    frame = pd.DataFrame({code: [10.0] * len(names) for code in INDICATORS})
    frame.insert(0, "territory_code", [f"00{i}" for i in range(len(names))])
    frame.insert(1, "name", names)
    frame["population_count"] = 100_000.0
    frame["ambassadors_count"] = [float(a) for a in ambassadors]
    frame["ambassadors_per_10k"] = frame.ambassadors_count / 10
    frame["events_count"] = [float(e) for e in events]
    frame["coverage_index"] = [80.0 + 10 * i for i in range(len(names))]
    return suppress_small_counts(frame, 5)


def scope(last: bool = True) -> Scope:
    parts = measures(["Aisne", "Nord", "Oise"], [3, 40, 25], [5, 7, 6])
    epci = measures(["CC A", "CC B"], [3, 40], [5, 7])
    region = measures(["Région"], [43], [12]).iloc[0]
    shapes = gpd.GeoDataFrame({"territory_code": epci.territory_code, "name": epci.name},
                              geometry=[box(2, 49, 3, 50), box(3, 49, 4, 50)], crs="EPSG:4326")
    previous = measures(["Aisne", "Nord"], [2, 30], [4, 4])
    return Scope("Région test", "2026-2027", region, parts, "Département", epci, parts, shapes, 10, 20.0,
                 last_row=measures(["Région"], [32], [8]).iloc[0] if last else None,
                 last_parts=previous if last else None)


def test_one_slide_per_topic_each_with_a_sentence_and_one_chart_or_map():
    slides = build_slides(scope(), "2025-2026")
    assert [slide.code for slide in slides] == ["overview", "referents", "events", "ambassadors", "remediation",
                                                "gaps", "changes"]
    for slide in slides:
        assert slide.sentence and slide.figures
        assert (slide.chart is None) != (slide.map is None), slide.code


def test_small_counts_of_people_reach_the_slides_hidden():
    ambassadors = {slide.code: slide for slide in build_slides(scope(), "2025-2026")}["ambassadors"]
    data = ambassadors.chart.data
    assert list(data.value_label) == ["< 5", "4", "secret"]  # secondary suppression: the total would give it back
    assert data.ambassadors_per_10k.isna().any() and "ambassadors_count" not in data.columns


def test_a_year_without_data_reads_no_data_never_zeros():
    slide = changes_slide(scope(last=False), "2025-2026")
    assert NO_DATA in slide.sentence and slide.chart is None
    assert all(figure.delta is None and NO_DATA in figure.help for figure in slide.figures)


def test_last_year_is_compared_and_fewer_unreached_lycees_is_good_news():
    figures = {figure.label: figure for figure in changes_slide(scope(), "2025-2026").figures}
    assert figures["Événements"].delta == "+4"
    assert figures["Ambassadeurs actifs"].delta == "+11"
    assert figures["Lycées non touchés"].is_higher_better is False


def test_the_footer_says_when_data_is_demo():
    assert "démonstration" in slide_footer("Hauts-de-France", "2026-2027", {"events": 3})
    assert "démonstration" not in slide_footer("Hauts-de-France", "2026-2027", {"events": 0})


def test_a_chart_whose_every_bar_is_hidden_is_replaced_by_a_sentence():
    hidden = scope()
    hidden.parts = measures(["Aisne", "Nord"], [3, 0], [5, 7])  # one « < 5 », one without ambassador
    ambassadors = {slide.code: slide for slide in build_slides(hidden, "2025-2026")}["ambassadors"]
    assert ambassadors.chart is None and "secret statistique" in ambassadors.note
