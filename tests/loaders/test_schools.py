"""Lycées: département from the UAI, postal codes repaired, each placed in its commune or reported."""

import pandas as pd
import pytest

from loaders.schools import departement_from_uai, fix_postal_code, place_schools, read_fixture


@pytest.mark.parametrize(("uai", "departement"), [
    ("0590001A", "59"), ("0020001A", "02"), ("0620052V", "62"), ("0801206B", "80"),
    ("6200001G", "2A"), ("7200001X", "2B"), ("9710001A", "971"),
])
def test_departement_from_uai(uai, departement):
    assert departement_from_uai(uai) == departement


def test_departement_from_uai_refuses_what_is_not_a_uai_prefix():
    assert departement_from_uai("5900001A") is None


@pytest.mark.parametrize(("raw", "fixed"), [
    ("1500", "01500"), ("2000", "02000"), ("59000", "59000"), (" 80000 ", "80000"),
    ("1", None), ("", None), (None, None), ("59A00", None), ("590000", None),
])
def test_fix_postal_code(raw, fixed):
    assert fix_postal_code(raw) == fixed


# A tiny made-up territory: two départements, a shared name, a delegated commune.
COMMUNES = pd.DataFrame([
    ("59350", "Lille", "59", 50.6366, 3.0635),
    ("59368", "La Madeleine", "59", 50.6550, 3.0710),
    ("59500", "Neuville", "59", 50.1000, 3.1000),
    ("59501", "Neuville", "59", 50.9000, 2.9000),
    ("59600", "Doublon", "59", 50.2000, 3.2000),
    ("59601", "Doublon", "59", 50.3000, 3.3000),
    ("62765", "Saint-Omer", "62", 50.7500, 2.2520),
    ("62588", "Montreuil-sur-Mer", "62", 50.4640, 1.7640),
    ("62589", "Autre-Village", "62", 50.4700, 1.7700),
    ("02408", "Laon", "02", 49.5640, 3.6200),
    ("80021", "Amiens", "80", 49.8940, 2.2950),
], columns=["commune_code", "name", "departement_code", "latitude", "longitude"])
ALIASES = pd.DataFrame([("59355", "Lomme", "COMA", "59350", 50.6430, 2.9870)],
                       columns=["alias_code", "name", "alias_type", "commune_code", "latitude", "longitude"])
POSTAL_CODES = pd.DataFrame([
    ("59000", "59350"), ("59160", "59350"), ("59110", "59368"), ("59190", "59500"), ("59680", "59501"),
    ("59700", "59600"), ("59700", "59601"), ("62500", "62765"), ("62170", "62588"), ("62170", "62589"),
    ("02000", "02408"), ("80000", "80021"),
], columns=["postal_code", "commune_code"])
FIXTURE = pd.DataFrame([
    ("0590001A", "Lycée du nom", "LA MADELEINE", "59110"),
    ("0590002B", "Lycée CEDEX", "LILLE CEDEX", "59046"),
    ("0590003C", "Lycée homonyme", "NEUVILLE", "59680"),
    ("0590004D", "Lycée délégué", "LOMME", "59160"),
    ("0590005E", "Lycée introuvable", "ATLANTIS", "1"),
    ("0590006F", "Lycée homonyme sans code", "DOUBLON", "59700"),
    ("0590007g", "Lycée minuscule", "Lille", "59000"),
    ("059ABCDE", "UAI invalide", "LILLE", "59000"),
    ("0620001A", "Lycée abrégé", "ST OMER CEDEX", "62505"),
    ("0620002B", "Lycée nom court", "MONTREUIL", "62170"),
    ("0020001A", "Lycée zéro perdu", "LAON", "2000"),
    ("0800001A", "Lycée code seul", "AMIENS-NORD", "80000"),
    ("0750001A", "Lycée parisien", "PARIS", "75005"),
    ("0590001A", "Lycée du nom (doublon)", "LA MADELEINE", "59110"),
], columns=["uai", "name", "city", "zip_code"])


@pytest.fixture(scope="module")
def placement():
    return place_schools(FIXTURE, "32", ["02", "59", "60", "62", "80"], COMMUNES, ALIASES, POSTAL_CODES)


def commune_of(placement, uai):
    row = placement.schools.set_index("uai").loc[uai]
    return None if pd.isna(row.commune_code) else row.commune_code


def test_placed_by_city_name(placement):
    assert commune_of(placement, "0590001A") == "59368"


def test_cedex_suffix_does_not_prevent_placement(placement):
    assert commune_of(placement, "0590002B") == "59350"
    assert commune_of(placement, "0620001A") == "62765"


def test_shared_name_is_settled_by_postal_code(placement):
    assert commune_of(placement, "0590003C") == "59501"


def test_shared_name_and_shared_postal_code_is_not_guessed(placement):
    assert commune_of(placement, "0590006F") is None


def test_delegated_commune_is_placed_in_its_parent(placement):
    assert commune_of(placement, "0590004D") == "59350"
    school = placement.schools.set_index("uai").loc["0590004D"]
    assert (school.latitude, school.longitude) == pytest.approx((50.6430, 2.9870)), "at the delegated town hall"


def test_short_name_found_among_the_postal_code_communes(placement):
    assert commune_of(placement, "0620002B") == "62588"


def test_postal_code_alone_places_when_it_serves_one_commune(placement):
    assert commune_of(placement, "0800001A") == "80021"


def test_unplaceable_school_is_kept_and_reported(placement):
    assert commune_of(placement, "0590005E") is None
    assert set(placement.unplaced.uai) == {"0590005E", "0590006F"}
    assert placement.unplaced.commune_code.isna().all()
    assert pd.isna(placement.schools.set_index("uai").loc["0590005E", "postal_code"]), "junk postal code dropped"


def test_invalid_uai_is_counted_and_left_out(placement):
    assert placement.invalid_uai_count == 1
    assert "059ABCDE" not in set(placement.schools.uai)


def test_lower_case_uai_is_upper_cased(placement):
    assert commune_of(placement, "0590007G") == "59350"
    assert "0590007g" not in set(placement.schools.uai)


def test_lost_leading_zero_is_restored(placement):
    school = placement.schools.set_index("uai").loc["0020001A"]
    assert school.postal_code == "02000"
    assert school.departement_code == "02"
    assert school.commune_code == "02408"


def test_only_the_region_schools_once_each(placement):
    schools = placement.schools
    assert "0750001A" not in set(schools.uai)
    assert schools.uai.is_unique
    assert len(schools) == 11
    assert set(schools.region_code) == {"32"}


def test_placed_schools_get_their_commune_position(placement):
    placed = placement.schools[placement.schools.commune_code.notna()]
    assert placed[["latitude", "longitude"]].notna().all().all()
    madeleine = placed.set_index("uai").loc["0590001A"]
    assert (madeleine.latitude, madeleine.longitude) == pytest.approx((50.6550, 3.0710))


@pytest.fixture(scope="module")
def real_placement(hdf_geography):
    geo = hdf_geography
    return place_schools(read_fixture(), "32", list(geo.departements.departement_code), geo.communes,
                         geo.aliases, geo.postal_codes)


def test_real_lycees_of_hauts_de_france_are_nearly_all_placed_in_their_departement(real_placement, hdf_geography):
    schools = real_placement.schools
    assert 400 <= len(schools) <= 440
    assert len(real_placement.unplaced) <= 5
    departement_of = hdf_geography.communes.set_index("commune_code").departement_code
    placed = schools[schools.commune_code.notna()]
    assert (placed.commune_code.map(departement_of) == placed.departement_code).all()


def test_lycee_in_marcq_en_baroeul_with_a_cedex_code_is_placed(real_placement):
    schools = real_placement.schools.set_index("uai")
    assert schools.loc["0590143K", "commune_code"] == "59378"
