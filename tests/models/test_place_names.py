"""Place names for a map without tiles: préfectures, sous-préfectures and larger communes of the store."""

import pytest
from sqlalchemy import inspect

from models.db import get_engine, is_schema_outdated
from models.queries import PLACE_RANKS, read_place_names


@pytest.fixture(scope="module")
def places(demo_store_url):
    return read_place_names(get_engine(demo_store_url), "32")


def test_place_names_have_their_columns(places):
    assert places.columns.tolist() == ["commune_code", "name", "latitude", "longitude", "population_count", "rank"]
    assert set(places["rank"]) == set(PLACE_RANKS)
    assert places.latitude.between(49, 51.2).all() and places.longitude.between(1.3, 4.3).all()
    assert places.commune_code.is_unique


def test_the_prefectures_of_hauts_de_france(places):
    by_name = places.set_index("name")["rank"]
    assert set(places[places["rank"] == "prefecture"].name) == {"Lille", "Arras", "Amiens", "Beauvais", "Laon"}
    assert by_name["Saint-Quentin"] == "sous-prefecture"
    assert by_name["Vervins"] == "sous-prefecture"  # 2 500 inhabitants, named as a chef-lieu
    assert by_name["Roubaix"] == by_name["Tourcoing"] == "commune"  # over 20 000 inhabitants


def test_communes_are_kept_from_the_population_threshold(places, demo_store_url):
    communes = places[places["rank"] == "commune"]
    assert (communes.population_count >= 20_000).all()
    fewer = read_place_names(get_engine(demo_store_url), "32", min_population=100_000)
    assert set(fewer[fewer["rank"] == "commune"].name) <= {"Roubaix", "Tourcoing"}
    assert len(fewer[fewer["rank"] != "commune"]) == len(places[places["rank"] != "commune"])


def test_most_important_places_come_first(places):
    ranks = places["rank"].map({rank: index for index, rank in enumerate(PLACE_RANKS)})
    assert ranks.is_monotonic_increasing
    assert places.name.iloc[0] == "Lille"


def test_another_region_has_no_place(demo_store_url):
    assert read_place_names(get_engine(demo_store_url), "28").empty


def test_a_store_without_the_seat_column_gets_it(store_url):
    """A store made before chefs-lieux were kept: the column is added (empty until the next reference load)."""
    engine = get_engine(store_url)
    with engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE commune DROP COLUMN seat_rank")
    assert is_schema_outdated(engine)
    for _ in range(2):  # opened by a process, then by another one: the second finds nothing to do
        reopened = get_engine.__wrapped__(store_url)
        try:
            assert "seat_rank" in {column["name"] for column in inspect(reopened).get_columns("commune")}
            assert not is_schema_outdated(reopened)
            assert read_place_names(reopened, "32").empty
        finally:
            reopened.dispose()
