"""compute_measures and the distance functions against figures worked out by hand on tests/fixtures.py.

Inputs: the tiny fixture, lycée 0590002B among the participants of event 1, zonings Z1 = {59001, 59002}
and Z2 = {59002, 62001}, dropouts 59 = 200 and 62 = 50, five sectors (Transport has no ambassador).

Région: 30 000 hab., 4 placed lycées, 5 events, 240 participants (120 + 30 + 0 + 10 + 80), every placed
lycée reached (0590001A, 0590003C, 0620001D in place, 0590002B as participant), 4 ambassadors, 6
mobilisations, 3 structures: 42 places, 31 occupied, 11 free (73,81 %), 14 places / 10 000 hab., 16,8 per
100 dropouts (42 / 250); 2,3 ETP, 3 référents, 13 043,48 hab. per ETP.

Département 59: 20 000 hab., 3 lycées, 4 events, 160 participants, 3 ambassadors, 4 mobilisations, 32
places (27 occupied, 5 free), 1,3 ETP (0,5 + 0,8), 2 référents, 16 places per 100 dropouts, 2 sectors
without ambassador (Agriculture, Transport). Département 62: 10 000 hab., 1 event, 1 ambassador, 10
places, 1 ETP, 20 places per 100 dropouts, 4 sectors without ambassador.

Coverage index, 59: référents (1,3/20 000)/(2,3/30 000) = 0,847826; events (4/20 000)/(5/30 000) = 1,2;
ambassadors per lycée (3/3)/(4/4) = 1; places per dropout (32/200)/(42/250) = 0,952381: mean × 100 =
100,0052. 62: 1,304348, 0,6, 1, 1,190476: 102,3706. Commune 59003 (no dropout figure below the
département, so places per inhabitant): référents 0,8 ETP on 5 000 hab. = 2,087 capped at 2; events 1,2;
ambassadors 0 for 1 lycée = 0; places (12/5 000)/(42/30 000) = 1,714286: 122,8571.
"""

import numpy as np
import pandas as pd
import pytest
from pyproj import Transformer

from models.distance import greedy_sites, nearest_distance_km
from models.measures import INDICATORS, compute_measures, indicator_rows
from tests.fixtures import tiny_events, tiny_referents
from tests.fixtures import tiny_inputs as inputs


def row(measures, level, code) -> pd.Series:
    return measures[level].set_index("territory_code").loc[code]


@pytest.fixture(scope="module")
def measures():
    return compute_measures(inputs(), threshold_km=20.0)


def test_every_level_and_every_indicator_is_computed(measures):
    assert set(measures) == {"region", "departement", "epci", "zoning", "commune"}
    for frame in measures.values():
        assert list(frame.columns) == ["territory_code", *INDICATORS]
    assert list(measures["region"].territory_code) == ["32"]
    assert list(measures["zoning"].territory_code) == ["Z1", "Z2"]


def test_region_by_hand(measures):
    region = row(measures, "region", "32")
    expected = {"population_count": 30_000, "schools_count": 4, "events_count": 5, "participants_count": 240,
                "schools_reached_count": 4, "schools_not_reached_count": 0, "ambassadors_count": 4,
                "mobilisations_count": 6, "remediation_structures_count": 3, "remediation_capacity_count": 42,
                "remediation_occupied_count": 31, "remediation_free_count": 11, "referent_count": 3,
                "referent_fte": 2.3, "uncovered_communes_count": 0, "sectors_without_ambassador_count": 1}
    for key, value in expected.items():
        assert region[key] == pytest.approx(value), key
    assert region.events_per_10k == pytest.approx(5 / 3)
    assert region.ambassadors_per_10k == pytest.approx(4 / 3)
    assert region.remediation_per_10k == pytest.approx(14.0)
    assert region.remediation_occupancy_pct == pytest.approx(31 / 42 * 100)
    assert region.remediation_per_100_dropouts == pytest.approx(16.8)
    assert region.inhabitants_per_referent == pytest.approx(30_000 / 2.3)
    assert region.schools_per_referent == pytest.approx(4 / 2.3)
    assert region.coverage_index == pytest.approx(100.0)


@pytest.mark.parametrize(("code", "expected"), [
    ("59", {"population_count": 20_000, "schools_count": 3, "events_count": 4, "participants_count": 160,
            "ambassadors_count": 3, "mobilisations_count": 4, "remediation_capacity_count": 32,
            "remediation_occupied_count": 27, "remediation_free_count": 5, "referent_fte": 1.3, "referent_count": 2,
            "remediation_per_100_dropouts": 16.0, "sectors_without_ambassador_count": 2,
            "coverage_index": 100.0052}),
    ("62", {"population_count": 10_000, "schools_count": 1, "events_count": 1, "participants_count": 80,
            "ambassadors_count": 1, "mobilisations_count": 2, "remediation_capacity_count": 10,
            "remediation_free_count": 6, "referent_fte": 1.0, "referent_count": 1,
            "remediation_per_100_dropouts": 20.0, "sectors_without_ambassador_count": 4,
            "coverage_index": 102.3706}),
])
def test_departements_by_hand(measures, code, expected):
    found = row(measures, "departement", code)
    for key, value in expected.items():
        assert found[key] == pytest.approx(value, abs=1e-3), key


def test_a_commune_in_two_zonings_counts_in_both(measures):
    two = row(measures, "zoning", "Z2")  # 59002 and 62001
    assert two.population_count == 11_000
    assert two.events_count == 1 and two.ambassadors_count == 1
    assert two.referent_count == 2  # n° 2 for 59002, n° 1 for 62001
    assert row(measures, "zoning", "Z1").population_count == 15_000


def test_capped_coverage_index_and_no_dropouts_below_the_departement(measures):
    commune = row(measures, "commune", "59003")
    assert np.isnan(commune.remediation_per_100_dropouts)
    assert commune.coverage_index == pytest.approx(122.8571, abs=1e-3)
    assert np.isnan(row(measures, "epci", "200000001").remediation_per_100_dropouts)


def test_a_commune_without_inhabitant_gets_no_rate_never_infinity(measures):
    empty = row(measures, "commune", "59004")
    assert empty.events_count == 1 and empty.participants_count == 10
    for key in ("events_per_10k", "ambassadors_per_10k", "remediation_per_10k", "inhabitants_per_referent"):
        assert np.isnan(empty[key]), key
    for frame in measures.values():
        assert not np.isinf(frame.drop(columns="territory_code").to_numpy(dtype=float)).any()


def test_distances_by_hand(measures):
    # 59002's centre is 0,9 km east and 0,1 km south of the events placed in 59001.
    assert row(measures, "commune", "59002").event_distance_km == pytest.approx(np.hypot(0.9, 0.1), abs=1e-4)
    # The structure of 59003 is full: the nearest one with free seats is 62001's, 1,2 km west and 0,8 km south.
    assert row(measures, "commune", "59003").remediation_distance_km == pytest.approx(np.hypot(1.2, 0.8), abs=1e-4)
    # Département 62: 62001 holds an event (0 km, 8 000 hab.), 62002 is 1 km away (2 000 hab.): weighted 0,2.
    assert row(measures, "departement", "62").event_distance_km == pytest.approx(0.2, abs=1e-4)


def test_white_zones_weighted_by_population():
    measures = compute_measures(inputs(), threshold_km=0.95)
    # Beyond 0,95 km of any event: 59004 (1 km, no inhabitant) and 62002 (1 km, 2 000 hab.).
    assert row(measures, "region", "32").event_white_zone_population_count == 2_000
    assert row(measures, "commune", "62002").event_white_zone_population_count == 2_000


def test_no_event_and_no_referent_at_all():
    measures = compute_measures(inputs(events=tiny_events().iloc[0:0], event_schools=pd.DataFrame(
        columns=["event_id", "uai"]), referents=tiny_referents().iloc[0:0][["id", "fte", "departement_code",
                                                                           "epci_code"]]))
    region = row(measures, "region", "32")
    assert region.events_count == 0 and region.schools_reached_count == 0 and region.schools_not_reached_count == 4
    assert region.event_white_zone_population_count == 30_000  # nothing anywhere: everybody is in a white zone
    assert np.isnan(row(measures, "commune", "59001").event_distance_km)
    assert region.referent_fte == 0 and region.referent_count == 0 and region.uncovered_communes_count == 6
    assert np.isnan(region.inhabitants_per_referent)


def test_indicator_rows_are_long_without_missing_values(measures):
    rows = indicator_rows(measures, "2025-2026")
    assert list(rows.columns) == ["indicator_code", "territory_level", "territory_code", "period", "value"]
    assert rows.value.notna().all() and rows.value.dtype == float
    assert not rows.duplicated(["indicator_code", "territory_level", "territory_code"]).any()
    value = rows[(rows.territory_level == "departement") & (rows.territory_code == "59")
                 & (rows.indicator_code == "events_count")].value
    assert value.tolist() == [4.0]


_TO_WGS84 = Transformer.from_crs("EPSG:2154", "EPSG:4326", always_xy=True)


def line_of_communes(populations: list[int], spacing_km: float) -> pd.DataFrame:
    x = 700_000 + np.arange(len(populations)) * spacing_km * 1000
    lon, lat = _TO_WGS84.transform(x, np.full(len(x), 6_600_000.0))
    return pd.DataFrame({"commune_code": [f"0100{i + 1}" for i in range(len(populations))],
                         "name": [f"Commune {i + 1}" for i in range(len(populations))],
                         "population_count": populations, "latitude": lat, "longitude": lon})


def test_nearest_distance_is_metric_after_a_round_trip_through_degrees():
    communes = line_of_communes([1, 1], 3.0)
    assert nearest_distance_km(communes.iloc[[0]], communes.iloc[[1]])[0] == pytest.approx(3.0, abs=1e-6)
    assert np.isnan(nearest_distance_km(communes, communes.iloc[0:0])).all()


def test_greedy_choice_by_hand():
    # Communes every 10 km, radius 10,5 km: A reaches A+B = 150, B reaches A+B+C = 230, C reaches B+C+D = 140,
    # D reaches C+D = 90. First B (230); then only D is left: C and D both reach its 10 inhabitants, the tie
    # goes to the smaller code, C; then nothing is left, so the choice stops at two even when five are asked.
    communes = line_of_communes([100, 50, 80, 10], 10.0)
    picks = greedy_sites(communes, pd.Series([True] * 4), radius_km=10.5, count=5)
    assert [(p.commune_code, p.communes_reached, p.population_reached) for p in picks] == [
        ("01002", 3, 230), ("01003", 1, 10)]


def test_greedy_choice_only_counts_uncovered_inhabitants():
    communes = line_of_communes([100, 50, 80, 10], 10.0)
    picks = greedy_sites(communes, pd.Series([False, False, True, True]), radius_km=10.5, count=5)
    assert [(p.commune_code, p.population_reached) for p in picks] == [("01003", 90)]
