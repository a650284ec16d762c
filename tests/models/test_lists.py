"""The référent's lists (models.lists) on hand-made frames, and each list against the measure that counts it.

School year 2025-2026 (1 September 2025 to 31 August 2026). Lycées: A has an event held there this year,
B took part in one, C was contacted only last year (an event held there), D in two earlier years (a
participation in 2023, an event held there in 2024), E never, F has no commune (the measure does not count
it), G is reached by an event still to come this year, H only by an event of the next school year.
"""

from datetime import date

import pandas as pd
import pytest

from models.lists import (
    is_school_reached,
    missing_sectors,
    past_events,
    schools_to_contact,
    sectors_without_ambassador,
    structures_with_free_places,
    upcoming_events,
)
from models.measures import compute_measures
from tests.fixtures import SECTORS, tiny_communes, tiny_inputs

YEAR = "2025-2026"


def schools() -> pd.DataFrame:
    rows = [("A", "Lycée Arago", "59001"), ("B", "Lycée Bayard", "59001"), ("C", "Lycée Curie", "59002"),
            ("D", "Lycée Diderot", "59003"), ("E", "Lycée Eiffel", "62001"), ("F", "Lycée Fénelon", None),
            ("G", "Lycée Gambetta", "62002"), ("H", "Lycée Hugo", "62002")]
    return pd.DataFrame([(uai, name, "Ville", "59" if commune is None else commune[:2], commune)
                         for uai, name, commune in rows],
                        columns=["uai", "name", "city_label", "departement_code", "commune_code"])


def events() -> pd.DataFrame:
    rows = [(1, "Forum 2025", date(2025, 10, 14), "A"), (2, "Salon 2025", date(2025, 12, 1), None),
            (3, "Visite 2024", date(2024, 11, 5), "C"), (4, "Atelier 2024", date(2024, 3, 2), "D"),
            (5, "Salon 2023", date(2023, 2, 1), None), (6, "Forum de juin", date(2026, 6, 30), "G"),
            (7, "Forum 2026-2027", date(2026, 9, 15), "H"), (8, "Fin d'année", date(2026, 8, 31), None)]
    return pd.DataFrame(rows, columns=["id", "title", "start_date", "school_uai"])


def participations() -> pd.DataFrame:
    return pd.DataFrame({"event_id": [2, 5, 5], "uai": ["B", "D", "E_gone"]})


def test_a_lycee_is_reached_by_an_event_held_there_or_by_a_participation():
    this_year = events()[events().id.isin([1, 2, 6])]
    reached = is_school_reached(schools(), this_year, participations()[participations().event_id == 2])
    assert list(schools().uai[reached]) == ["A", "B", "G"]


def test_lycees_to_contact_are_the_unreached_with_their_last_contact_never_contacted_first():
    listed = schools_to_contact(schools(), events(), participations(), YEAR)
    assert list(listed.uai) == ["E", "H", "D", "C"], "never contacted first, then the longest since a contact"
    by_uai = listed.set_index("uai")
    assert by_uai.loc["C", "last_contact_date"] == date(2024, 11, 5)
    assert by_uai.loc["C", "last_contact_title"] == "Visite 2024"
    assert by_uai.loc["D", "last_contact_date"] == date(2024, 3, 2), "the latest of a participation and an event"
    assert by_uai.loc["D", "last_contact_title"] == "Atelier 2024"
    assert pd.isna(by_uai.loc["E", "last_contact_date"]) and not by_uai.loc["E", "has_earlier_contact"]
    assert by_uai.loc["C", "has_earlier_contact"] and by_uai.loc["D", "has_earlier_contact"]
    assert pd.isna(by_uai.loc["H", "last_contact_date"]), "a later school year's event is no earlier contact"
    assert "F" not in by_uai.index, "a lycée without commune is not counted by the measure either"


def test_an_event_on_the_last_day_of_the_year_reaches_a_lycee_and_the_next_day_does_not():
    frame = pd.DataFrame({"id": [1], "title": ["Clôture"], "start_date": [date(2026, 8, 31)], "school_uai": ["E"]})
    assert "E" not in set(schools_to_contact(schools(), frame, participations().iloc[:0], YEAR).uai)
    frame["start_date"] = date(2026, 9, 1)
    assert "E" in set(schools_to_contact(schools(), frame, participations().iloc[:0], YEAR).uai)


def test_no_event_at_all_lists_every_located_lycee_as_never_contacted():
    listed = schools_to_contact(schools(), events().iloc[:0], participations().iloc[:0], YEAR)
    assert len(listed) == 7 and not listed.has_earlier_contact.any()
    assert list(listed.name) == sorted(listed.name)


@pytest.mark.parametrize("changes", [
    {},
    {"event_schools": pd.DataFrame({"event_id": pd.Series(dtype=int), "uai": pd.Series(dtype=str)})},
    {"events": "only_the_first_two"},
])
def test_the_list_of_lycees_to_contact_has_as_many_rows_as_the_measure_counts(changes):
    inputs = tiny_inputs()
    if changes.get("events") == "only_the_first_two":
        changes = {"events": inputs.events.iloc[:2].reset_index(drop=True)}
    inputs = tiny_inputs(**changes)
    measures = compute_measures(inputs, levels=("region", "departement"))
    listed = schools_to_contact(inputs.schools, inputs.events, inputs.event_schools, YEAR)
    assert len(listed) == measures["region"].schools_not_reached_count.iloc[0]
    departements = measures["departement"].set_index("territory_code").schools_not_reached_count
    communes = tiny_communes().set_index("commune_code").departement_code
    for code, count in departements.items():
        assert (listed.commune_code.map(communes) == code).sum() == count, code


def test_upcoming_events_start_today_and_past_ones_end_yesterday():
    today = date(2025, 12, 1)
    ahead, behind = upcoming_events(events(), today), past_events(events(), today)
    assert list(ahead.id) == [2, 6, 8, 7], "today's event is ahead; soonest first"
    assert list(behind.id) == [1, 3, 4, 5], "most recent first"
    assert len(ahead) + len(behind) == len(events())


def test_a_date_range_keeps_the_events_between_its_two_days_included():
    today = date(2025, 12, 1)
    assert list(upcoming_events(events(), today, date(2026, 6, 30), date(2026, 8, 31)).id) == [6, 8]
    assert list(upcoming_events(events(), today, date(2026, 7, 1)).id) == [8, 7], "no end: up to the last one"
    assert list(past_events(events(), today, date(2024, 1, 1), date(2024, 12, 31)).id) == [3, 4]
    assert upcoming_events(events().iloc[:0], today).empty


def test_missing_sectors_are_the_pairs_no_ambassador_fills():
    memberships = pd.DataFrame({"commune_code": ["c1", "c2", "c3"], "territory_code": ["T1", "T1", "T2"]})
    ambassadors = pd.DataFrame({"commune_code": ["c1", "c2", "c3", "c9"],
                                "sector": ["Industrie", "Santé", "Hors liste", "Numérique"]})
    missing = missing_sectors(memberships, ambassadors, ("Santé", "Industrie", "Numérique"))
    assert sorted(map(tuple, missing.to_numpy())) == [("T1", "Numérique"), ("T2", "Industrie"),
                                                     ("T2", "Numérique"), ("T2", "Santé")]
    assert missing_sectors(memberships, ambassadors, ()).empty


def test_sectors_without_ambassador_by_departement_and_epci_match_the_measure():
    inputs = tiny_inputs()
    measures = compute_measures(inputs, levels=("departement", "epci"))
    for level in ("departement", "epci"):
        listed = sectors_without_ambassador(inputs.communes, inputs.ambassadors, inputs.sectors, level)
        counted = measures[level].set_index("territory_code").sectors_without_ambassador_count
        assert listed.set_index("territory_code").missing_sectors_count.reindex(counted.index, fill_value=0).tolist() \
            == counted.tolist(), level
        for row in listed.itertuples():
            assert len(row.missing_sectors.split(", ")) == row.missing_sectors_count
    by_departement = sectors_without_ambassador(inputs.communes, inputs.ambassadors, SECTORS, "departement")
    assert by_departement.to_dict("records") == [
        {"territory_code": "62", "missing_sectors_count": 4,
         "missing_sectors": "Industrie, Numérique, Santé, Transport"},
        {"territory_code": "59", "missing_sectors_count": 2, "missing_sectors": "Agriculture, Transport"},
    ], "most missing first, sectors in French alphabetical order"


def test_sectors_in_french_order_put_accented_initials_in_their_place():
    memberships = pd.DataFrame({"commune_code": ["c1"], "territory_code": ["T1"]})
    listed = missing_sectors(memberships, memberships.assign(sector="x").iloc[:0],
                             ("Transport", "Énergie", "Banque"))
    assert list(listed.sector) == ["Banque", "Énergie", "Transport"]


def test_a_territory_with_every_sector_is_left_out():
    communes = tiny_communes()
    everyone = pd.DataFrame({"commune_code": ["59001"] * len(SECTORS), "sector": list(SECTORS)})
    listed = sectors_without_ambassador(communes[communes.commune_code == "59001"], everyone, SECTORS, "epci")
    assert listed.empty and list(listed.columns) == ["territory_code", "missing_sectors_count", "missing_sectors"]


def test_structures_with_free_places_most_free_first_full_ones_left_out():
    structures = pd.DataFrame({"name": ["Pleine", "Petite", "Grande", "Autre grande"],
                               "free_count": [0, 2, 7, 7],
                               "snapshot_date": [date(2026, 3, 1), date(2026, 2, 1), date(2026, 3, 1), None]})
    free = structures_with_free_places(structures)
    assert list(free.name) == ["Autre grande", "Grande", "Petite"]
    assert free.snapshot_date.iloc[2] == date(2026, 2, 1), "each structure keeps the date of its own count"
    assert structures_with_free_places(structures.iloc[:1]).empty
