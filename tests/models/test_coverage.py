"""Coverage by commune and EPCI, and the référents' shares, checked against figures worked out by hand.

The fixture (tests/fixtures.py), by commune:

    commune  dép. EPCI  hab.    lycées  évén. partic.  amb.  places  libres  ETP référent
    59001    59   ..01  12 000  2       2     150      2     20      5       0,5 × 12/15 = 0,4
    59002    59   ..01   3 000  0       0       0      1      0      0       0,5 ×  3/15 = 0,1
    59003    59   ..02   5 000  1       1       0 (*)  0     12      0       0,8 ×  5/5  = 0,8
    59004    59   ..02       0  0       1      10      0      0      0       0,8 ×  0/5  = 0
    62001    62   ..02   8 000  1       1      80      0     10      6       1,0 ×  8/10 = 0,8
    62002    62   ..02   2 000  0       0       0      1      0      0       1,0 ×  2/10 = 0,2
    (*) the event has no participant count; one more lycée has no commune and counts nowhere.
"""

import numpy as np
import pandas as pd
import pytest

from models.coverage import (
    count_by,
    events_reaching_schools,
    referent_fte_by_commune,
    referent_loads,
    uncovered_communes,
)
from models.measures import compute_measures
from tests.fixtures import tiny_communes, tiny_events, tiny_inputs, tiny_referents, tiny_schools

RATES = ["events_per_10k", "ambassadors_per_10k", "remediation_per_10k", "inhabitants_per_referent"]


def measured(level: str, **changes) -> pd.DataFrame:
    return compute_measures(tiny_inputs(**changes), levels=(level,))[level]


def by_code(frame: pd.DataFrame, column: str, key: str = "territory_code") -> dict:
    return dict(zip(frame[key], frame[column]))


def assert_column(frame: pd.DataFrame, column: str, expected: dict, key: str = "territory_code") -> None:
    got = by_code(frame, column, key)
    assert set(got) == set(expected), column
    for code, value in expected.items():
        if value is None:
            assert np.isnan(got[code]), f"{column}[{code}] = {got[code]}, expected NaN"
        else:
            assert got[code] == pytest.approx(value), f"{column}[{code}]"


# --- every resource counted in its commune, summed to the EPCI -----------------------------------------------------

COMMUNE_COUNTS = {
    "schools_count": {"59001": 2, "59002": 0, "59003": 1, "59004": 0, "62001": 1, "62002": 0},
    "events_count": {"59001": 2, "59002": 0, "59003": 1, "59004": 1, "62001": 1, "62002": 0},
    "participants_count": {"59001": 150, "59002": 0, "59003": 0, "59004": 10, "62001": 80, "62002": 0},
    "ambassadors_count": {"59001": 2, "59002": 1, "59003": 0, "59004": 0, "62001": 0, "62002": 1},
    "remediation_capacity_count": {"59001": 20, "59002": 0, "59003": 12, "59004": 0, "62001": 10, "62002": 0},
    "remediation_free_count": {"59001": 5, "59002": 0, "59003": 0, "59004": 0, "62001": 6, "62002": 0},
    "referent_fte": {"59001": 0.4, "59002": 0.1, "59003": 0.8, "59004": 0.0, "62001": 0.8, "62002": 0.2},
    "events_per_10k": {"59001": 2 / 1.2, "59002": 0, "59003": 2.0, "59004": None, "62001": 1.25, "62002": 0},
    "ambassadors_per_10k": {"59001": 2 / 1.2, "59002": 1 / 0.3, "59003": 0, "59004": None, "62001": 0,
                            "62002": 5.0},
    "remediation_per_10k": {"59001": 20 / 1.2, "59002": 0, "59003": 24.0, "59004": None, "62001": 12.5,
                            "62002": 0},
    "inhabitants_per_referent": {"59001": 30_000, "59002": 30_000, "59003": 6_250, "59004": None,
                                 "62001": 10_000, "62002": 10_000},
}


@pytest.mark.parametrize("column", list(COMMUNE_COUNTS))
def test_each_resource_counts_in_its_commune(column):
    assert_column(measured("commune"), column, COMMUNE_COUNTS[column])


def test_a_lycee_without_commune_counts_nowhere():
    assert measured("commune").schools_count.sum() == 4 == len(tiny_schools()) - 1


EPCI_EXPECTED = {
    "population_count": {"200000001": 15_000, "200000002": 15_000},
    "schools_count": {"200000001": 2, "200000002": 2},
    "events_count": {"200000001": 2, "200000002": 3},
    "participants_count": {"200000001": 150, "200000002": 90},
    "ambassadors_count": {"200000001": 3, "200000002": 1},
    "remediation_capacity_count": {"200000001": 20, "200000002": 22},
    "remediation_free_count": {"200000001": 5, "200000002": 6},
    "referent_fte": {"200000001": 0.5, "200000002": 1.8},
    "events_per_10k": {"200000001": 2 / 1.5, "200000002": 2.0},
    "ambassadors_per_10k": {"200000001": 2.0, "200000002": 1 / 1.5},
    "remediation_per_10k": {"200000001": 20 / 1.5, "200000002": 22 / 1.5},
    "inhabitants_per_referent": {"200000001": 30_000, "200000002": 15_000 / 1.8},
}


@pytest.mark.parametrize("column", list(EPCI_EXPECTED))
def test_an_epci_straddling_two_departements_sums_its_communes_of_both(column):
    assert_column(measured("epci"), column, EPCI_EXPECTED[column])


@pytest.mark.parametrize("level", ["commune", "epci", "departement", "region"])
def test_no_measure_is_ever_infinite(level):
    result = measured(level, referents=tiny_referents().iloc[0:0][["id", "fte", "departement_code", "epci_code"]])
    numbers = result.select_dtypes("number")
    assert not np.isinf(numbers.to_numpy(dtype=float)).any()


def test_no_event_read_from_an_empty_store_table():
    # read_frame on an empty table: the columns, no row, object dtypes.
    no_event = pd.DataFrame([], columns=list(tiny_events().columns))
    result = measured("departement", events=no_event)
    assert result.events_count.tolist() == [0, 0]
    assert result.participants_count.tolist() == [0, 0]
    assert result.events_per_10k.tolist() == [0, 0]


def test_no_resource_at_all():
    inputs = tiny_inputs()
    empty = {name: getattr(inputs, name).iloc[0:0] for name in ("schools", "events", "event_schools", "ambassadors",
                                                                 "remediation", "referents")}
    result = measured("departement", **empty).set_index("territory_code")
    resources = ["schools_count", "referent_count", "referent_fte", "events_count", "participants_count",
                 "ambassadors_count", "mobilisations_count", "remediation_capacity_count", "remediation_free_count"]
    assert (result[resources] == 0).all().all(), result[resources]
    assert result.population_count.to_dict() == {"59": 20_000, "62": 10_000}
    # Nobody covers anything: every commune is uncovered, every inhabitant in a white zone.
    assert result.uncovered_communes_count.to_dict() == {"59": 4, "62": 2}
    for white_zone in ("ambassador_white_zone_population_count", "remediation_white_zone_population_count"):
        assert result[white_zone].to_dict() == {"59": 20_000, "62": 10_000}, white_zone


# --- referent_fte_by_commune -----------------------------------------------------------------------------------------

def test_referent_fte_is_spread_by_population_and_sums_back_to_the_total():
    fte = referent_fte_by_commune(tiny_communes(), tiny_referents())
    assert fte.to_dict() == pytest.approx(COMMUNE_COUNTS["referent_fte"])
    assert fte.sum() == pytest.approx(tiny_referents().fte.sum()) == pytest.approx(2.3)


def test_referent_fte_whole_departement_area_stays_in_its_departement():
    # Référent n° 1 covers département 62 as a whole: nothing of it reaches 59 (EPCI 200000002 straddles both).
    fte = referent_fte_by_commune(tiny_communes(), tiny_referents().iloc[[0]])
    assert fte.to_dict() == pytest.approx({"59001": 0, "59002": 0, "59003": 0, "59004": 0, "62001": 0.8,
                                           "62002": 0.2})


def test_referent_fte_epci_area_stays_in_its_departement():
    # Référent n° 3 covers EPCI 200000002 within 59 only, not its communes of 62.
    fte = referent_fte_by_commune(tiny_communes(), tiny_referents().iloc[[2]])
    assert fte.to_dict() == pytest.approx({"59001": 0, "59002": 0, "59003": 0.8, "59004": 0, "62001": 0,
                                           "62002": 0})


def test_referent_fte_over_two_areas_is_counted_once():
    # One référent, 1 ETP: the whole 62 and EPCI 200000001 in 59 (25 000 inhabitants).
    referents = pd.DataFrame({"id": [7, 7], "fte": [1.0, 1.0], "departement_code": ["62", "59"],
                              "epci_code": [None, "200000001"]})
    fte = referent_fte_by_commune(tiny_communes(), referents)
    assert fte.to_dict() == pytest.approx({"59001": 0.48, "59002": 0.12, "59003": 0, "59004": 0, "62001": 0.32,
                                           "62002": 0.08})


def test_overlapping_areas_of_one_referent_are_not_counted_twice():
    # The whole 59 and, again, EPCI 200000001 in 59: each commune once.
    referents = pd.DataFrame({"id": [7, 7], "fte": [1.0, 1.0], "departement_code": ["59", "59"],
                              "epci_code": [None, "200000001"]})
    fte = referent_fte_by_commune(tiny_communes(), referents)
    assert fte.sum() == pytest.approx(1.0)
    assert fte["59001"] == pytest.approx(0.6)


def test_referent_fte_without_referent_is_zero_for_every_commune():
    fte = referent_fte_by_commune(tiny_communes(), tiny_referents().iloc[0:0])
    assert list(fte.index) == list(tiny_communes().commune_code)
    assert (fte == 0).all()


# --- referent_loads -----------------------------------------------------------------------------------------------

def test_referent_loads_side_by_side():
    loads = referent_loads(tiny_communes(), tiny_referents(), tiny_schools(), tiny_events()).set_index("id")
    assert loads.loc[1, "full_name"] == "Rose Lambert"
    assert loads.loc[2, "email"] == "paul.girard@example.test"
    expected = {
        # id: fte, départements, EPCI areas, communes, inhabitants, lycées, events, inhabitants per ETP
        1: (1.0, "62", 0, 2, 10_000, 1, 1, 10_000),
        2: (0.5, "59", 1, 2, 15_000, 2, 2, 30_000),
        3: (0.8, "59", 1, 2, 5_000, 1, 2, 6_250),
    }
    columns = ["fte", "departements", "epci_count", "communes_count", "population_count", "schools_count",
               "events_count", "inhabitants_per_fte"]
    for referent_id, values in expected.items():
        got = tuple(loads.loc[referent_id, columns])
        assert got == pytest.approx(values), referent_id


def test_referent_loads_of_a_referent_over_two_departements():
    referents = pd.DataFrame({"id": [7, 7], "fte": [0.0, 0.0], "departement_code": ["62", "59"],
                              "epci_code": [None, "200000001"], "full_name": ["Zoé Roy", "Zoé Roy"]})
    loads = referent_loads(tiny_communes(), referents, tiny_schools(), tiny_events())
    assert len(loads) == 1
    row = loads.iloc[0]
    assert (row.departements, row.epci_count, row.communes_count, row.population_count) == ("59, 62", 1, 4, 25_000)
    assert (row.schools_count, row.events_count) == (3, 3)
    assert np.isnan(row.inhabitants_per_fte)  # 0 ETP: no ratio, not infinity


def test_referent_loads_without_personal_columns():
    anonymous = tiny_referents()[["id", "fte", "departement_code", "epci_code"]]
    loads = referent_loads(tiny_communes(), anonymous, tiny_schools(), tiny_events())
    assert not {"full_name", "email", "phone"} & set(loads.columns)
    assert loads.population_count.tolist() == [10_000, 15_000, 5_000]


# --- uncovered_communes -----------------------------------------------------------------------------------------

def test_uncovered_communes_are_those_of_no_referent_area():
    # 59004 given inhabitants here: the test below covers the commune without any.
    communes = tiny_communes().assign(population_count=lambda c: c.population_count.replace(0, 1_000))
    without_62 = tiny_referents()[lambda r: r.departement_code != "62"]
    nobody = uncovered_communes(communes, without_62)
    assert sorted(nobody.commune_code) == ["62001", "62002"]
    assert {"name", "departement_code", "population_count"} <= set(nobody.columns)


def test_without_referent_every_commune_is_uncovered():
    assert len(uncovered_communes(tiny_communes(), tiny_referents().iloc[0:0])) == 6


def test_a_covered_commune_without_inhabitant_is_not_uncovered():
    assert uncovered_communes(tiny_communes(), tiny_referents()).commune_code.tolist() == []


# --- count_by, events_reaching_schools ----------------------------------------------------------------------------

def test_count_by_counts_rows_largest_first():
    result = count_by(tiny_events(), "commune_code", name="events_count")
    assert list(result.columns) == ["commune_code", "events_count"]
    assert result.iloc[0].tolist() == ["59001", 2]
    assert by_code(result, "events_count", "commune_code") == {"59001": 2, "59003": 1, "59004": 1, "62001": 1}


def test_count_by_sums_a_value_largest_first():
    result = count_by(tiny_events(), "event_type", "participants_count", "participants_count")
    assert result.event_type.tolist() == ["forum", "visite", "atelier"]
    assert result.participants_count.tolist() == [200, 40, 0]


def test_count_by_keeps_missing_values_as_a_group():
    result = count_by(tiny_events(), "school_uai")
    assert result["count"].sum() == 5
    assert result[result.school_uai.isna()]["count"].tolist() == [1]


def test_count_by_on_nothing():
    result = count_by(tiny_events().iloc[0:0], "sector", name="events_count")
    assert list(result.columns) == ["sector", "events_count"] and result.empty


def test_events_reaching_schools_counts_events_per_lycee_with_zeros():
    result = events_reaching_schools(tiny_events(), tiny_schools())
    assert by_code(result, "events_count", "uai") == {"0590001A": 2, "0590002B": 0, "0590003C": 1, "0620001D": 1,
                                                      "0620002E": 0}
    assert result.events_count.dtype.kind == "i"
    assert list(result.columns[:-1]) == list(tiny_schools().columns)


def test_events_reaching_schools_without_event():
    result = events_reaching_schools(tiny_events().iloc[0:0], tiny_schools())
    assert result.events_count.tolist() == [0] * 5

