"""What the commune map shows: distances, people beyond the threshold and counts, never a rate per inhabitant."""

from models.measures import COMMUNE_INDICATORS, COMMUNE_METHOD, INDICATORS


def test_no_rate_per_10000_inhabitants_at_commune_level():
    assert [code for code in COMMUNE_INDICATORS if code.endswith("_per_10k")] == []


def test_no_ratio_over_the_commune_population_or_referent_time():
    for code in ("coverage_index", "inhabitants_per_referent", "schools_per_referent", "remediation_per_100_dropouts"):
        assert code not in COMMUNE_INDICATORS


def test_commune_indicators_are_distances_and_counts_of_the_registry():
    assert set(COMMUNE_INDICATORS) <= set(INDICATORS)
    assert len(set(COMMUNE_INDICATORS)) == len(COMMUNE_INDICATORS)
    assert all(code.endswith(("_distance_km", "_count")) for code in COMMUNE_INDICATORS)
    assert {"event_distance_km", "ambassador_distance_km", "remediation_distance_km"} <= set(COMMUNE_INDICATORS)
    assert {code for code in INDICATORS if code.endswith("_white_zone_population_count")} <= set(COMMUNE_INDICATORS)
    assert COMMUNE_INDICATORS[0].endswith("_distance_km")  # the commune map opens on a distance


def test_the_method_is_said_in_french():
    assert COMMUNE_METHOD.startswith("À la maille communale")
    assert "distance" in COMMUNE_METHOD and "zone blanche" in COMMUNE_METHOD and "10 000 habitants" in COMMUNE_METHOD
