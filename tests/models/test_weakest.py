"""The weakest territories and the rate that makes each weak; events up to a date."""

from datetime import date

import pandas as pd

from models.schoolyear import events_up_to, same_day_last_year
from models.weakest import weakest_resource, weakest_territories
from views.overview import key_figures, weakness_line

REGION = pd.Series({"inhabitants_per_referent": 100_000.0, "events_per_10k": 1.0, "ambassadors_per_10k": 2.0,
                    "remediation_per_10k": 5.0})


def parts() -> pd.DataFrame:
    return pd.DataFrame({
        "territory_code": ["A", "B", "C", "D"], "name": ["CC A", "CC B", "CC C", "CC D"],
        "population_count": [10_000.0, 50_000.0, 20_000.0, 30_000.0], "coverage_index": [60.2, 59.8, 120.0, 45.0],
        "inhabitants_per_referent": [300_000.0, 90_000.0, 50_000.0, 110_000.0],
        "events_per_10k": [0.9, 0.0, 2.0, 0.95], "ambassadors_per_10k": [1.9, 2.5, 3.0, float("nan")],
        "ambassadors_per_10k__hidden": [None, None, None, "< 5"], "remediation_per_10k": [4.0, 5.0, 9.0, 1.0]})


def test_weakest_first_and_equal_indexes_as_shown_by_population():
    weak = weakest_territories(parts(), REGION, 3)
    assert [w.territory_code for w in weak] == ["D", "B", "A"]  # 60 and 60 as shown: B has more inhabitants
    assert all(w.coverage_index < 100 for w in weak)


def test_the_rate_furthest_behind_names_the_weakness():
    by_code = parts().set_index("territory_code")
    assert weakest_resource(by_code.loc["A"], REGION)[0] == "inhabitants_per_referent"  # 3 × the région's load
    assert weakest_resource(by_code.loc["B"], REGION) == ("events_per_10k", 0.0, 1.0)
    assert weakest_resource(by_code.loc["D"], REGION)[0] == "remediation_per_10k"  # the hidden rate is not used
    assert weakest_resource(by_code.loc["C"], REGION) is None  # better off on every rate


def test_a_weakness_reads_in_french():
    (b,) = [w for w in weakest_territories(parts(), REGION, 3) if w.territory_code == "B"]
    assert weakness_line(b, "EPCI") == "**CC B** (EPCI) : indice 60 · aucun événement (région : 1,00)"


def test_an_unfinished_year_is_compared_at_the_same_date():
    events = pd.DataFrame({"start_date": [date(2025, 9, 10), date(2025, 11, 28), date(2026, 3, 1)],
                           "participants_count": [10.0, 20.0, 30.0]})
    assert events_up_to(events, date(2025, 11, 28)) == {"events_count": 2.0, "participants_count": 30.0}
    hidden = events.assign(participants_count__hidden=[None, "< 5", None])
    assert events_up_to(hidden, date(2025, 11, 28))["participants_count"] is None
    assert same_day_last_year(date(2028, 2, 29)) == date(2027, 2, 28)
    row = pd.Series({"events_count": 40.0, "participants_count": 100.0, "population_count": 1.0,
                     "schools_count": 1.0, "referent_fte": 1.0, "inhabitants_per_referent": 1.0,
                     "ambassadors_count": 10.0, "remediation_capacity_count": 5.0})
    figures = {f.label: f for f in key_figures(row, row * 2, "2025-2026",
                                               {"events_count": (12.0, 10.0), "participants_count": (50.0, None)},
                                               "28/11")}
    assert figures["Événements"].delta == "+2 au 28/11" and "10 en 2025–2026 à la même date" in figures[
        "Événements"].help
    assert figures["Participants"].delta is None  # last year's figure unknown (hidden counts)
    assert figures["Ambassadeurs actifs"].delta == "-10"
    assert figures["Habitants"].delta is None
