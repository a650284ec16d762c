"""Référents' start and end dates through the import, the export and the demo data of a real Hauts-de-France
store: read as French dates, refused with line, column and reason when impossible or when the end comes before
the start, stored, exported and imported again unchanged; the demo's Nord gets its second référent in the middle
of the previous school year, and the stored measures count it from then.

The store is conftest's demo_store_url (built once per session, DEMO_TODAY = 25/11/2026); a test that writes works
on its own copy.
"""

from datetime import date

import pytest
from sqlalchemy import Engine, select

from loaders.imports import check_file, export_rows, write_check
from models.access import Viewer
from models.coverage import referent_change
from models.queries import read_communes, read_frame, read_referents, read_stored_measures
from models.resources import Referent
from tests.loaders.import_files import kind_csv
from views.tables import to_csv_bytes, to_xlsx_bytes

REGION = "32"
DIRECTION = Viewer("direction")
# Mid 2025-2026, the school year before DEMO_TODAY's: 1 September 2025 + 182 days.
SECOND_NORD_START = date(2026, 3, 2)
RECORDS = [
    {"Nom": "Camille Exemple", "Courriel": "camille.exemple@example.org", "Départements": "59",
     "EPCI": "200093201", "Date de début": "01/09/2024"},
    {"Nom": "Dominique Exemple", "Courriel": "dominique.exemple@example.org", "Départements": "62",
     "Date de début": "2025-01-06", "Date de fin": "30/06/2026"},
    {"Nom": "Sacha Exemple", "Courriel": "sacha.exemple@example.org", "Départements": "02"},
]


def problems(checked) -> list[tuple]:
    return [(error.line, error.column, error.value, error.message) for error in checked.errors]


def stored_dates(engine: Engine) -> dict[str, tuple]:
    frame = read_frame(engine, select(Referent.email, Referent.start_date, Referent.end_date)
                       .where(Referent.is_demo.is_(False)))
    return {row.email: (row.start_date, row.end_date) for row in frame.itertuples()}


def test_dates_are_read_stored_and_reimported_unchanged(store, places):
    """French and ISO dates are stored as the days they mean, an empty one as no date; importing the same file
    again, or its export (CSV and XLSX), changes nothing."""
    content = kind_csv("referents", RECORDS)
    report = write_check(store, check_file(store, "referents", content, "referents.csv", REGION, places=places))
    assert (report.status, report.rows_added) == ("ok", 3)
    expected = {"camille.exemple@example.org": (date(2024, 9, 1), None),
                "dominique.exemple@example.org": (date(2025, 1, 6), date(2026, 6, 30)),
                "sacha.exemple@example.org": (None, None)}
    assert stored_dates(store) == expected
    again = write_check(store, check_file(store, "referents", content, "referents.csv", REGION, places=places))
    assert (again.rows_added, again.rows_updated, again.rows_unchanged) == (0, 0, 3)
    exported = export_rows(store, DIRECTION, "referents", REGION)
    assert exported[["Date de début", "Date de fin"]].iloc[1].tolist() == [date(2025, 1, 6), date(2026, 6, 30)]
    for data, name in ((to_csv_bytes(exported), "export.csv"), (to_xlsx_bytes(exported, "Référents"), "export.xlsx")):
        checked = check_file(store, "referents", data, name, REGION, places=places)
        assert checked.is_clean, problems(checked)
        report = write_check(store, checked)
        assert (report.rows_added, report.rows_updated, report.rows_unchanged) == (0, 0, 3), name
    assert stored_dates(store) == expected


def test_a_changed_date_updates_the_referent(store, places):
    """Giving a référent an end date later is an update of that référent, the others unchanged."""
    write_check(store, check_file(store, "referents", kind_csv("referents", RECORDS), "r.csv", REGION, places=places))
    changed = [dict(RECORDS[0], **{"Date de fin": "31/08/2026"}), *RECORDS[1:]]
    report = write_check(store, check_file(store, "referents", kind_csv("referents", changed), "r.csv", REGION,
                                           places=places))
    assert (report.rows_added, report.rows_updated, report.rows_unchanged) == (0, 1, 2)
    assert stored_dates(store)["camille.exemple@example.org"] == (date(2024, 9, 1), date(2026, 8, 31))


def test_impossible_dates_and_an_end_before_the_start_are_refused_line_by_line(hdf, places):
    """Each refusal names its line (as Excel numbers it), column, value and French reason; nothing is accepted
    from those lines."""
    records = [
        {"Nom": "A", "Courriel": "a@example.org", "Départements": "59", "Date de début": "31/02/2026"},
        {"Nom": "B", "Courriel": "b@example.org", "Départements": "59", "Date de début": "01/09/2025",
         "Date de fin": "31/08/2025"},
        {"Nom": "C", "Courriel": "c@example.org", "Départements": "59", "Date de fin": "septembre"},
        {"Nom": "D", "Courriel": "d@example.org", "Départements": "59", "Date de début": "01/09/2025",
         "Date de fin": "01/09/2025"},
    ]
    checked = check_file(hdf, "referents", kind_csv("referents", records), "referents.csv", REGION, places=places)
    assert problems(checked) == [
        (2, "Date de début", "31/02/2026", "date impossible « 31/02/2026 »"),
        (3, "Date de fin", "31/08/2025", "la date de fin (31/08/2025) précède la date de début (01/09/2025)"),
        (4, "Date de fin", "septembre", "date illisible « septembre » : attendu jj/mm/aaaa"),
    ]
    assert [record["email"] for record in checked.records] == ["d@example.org"], "a one-day mission is accepted"


def test_the_demo_nord_gets_its_second_referent_mid_previous_school_year(hdf):
    """The Nord's two demo référents: the first in post before the data, the second from 2 March 2026; every other
    département's référent has no date."""
    referents = read_referents(hdf, DIRECTION, REGION).drop_duplicates("id")
    nord = referents[referents.departement_code == "59"].sort_values("id")
    assert nord.start_date.tolist() == [None, SECOND_NORD_START]
    others = referents[referents.departement_code != "59"]
    assert others.start_date.isna().all() and referents.end_date.isna().all()


def test_is_the_nord_better_covered_since_its_second_referent(hdf):
    """referent_change on the demo: the day before, one référent for the whole Nord and the east of it uncovered;
    from 2 March 2026, two, and inhabitants per référent halved."""
    change = referent_change(read_communes(hdf, REGION), read_referents(hdf, DIRECTION, REGION), "59")
    assert change.change_date == SECOND_NORD_START
    before, after = change.before, change.after
    assert (before.referent_count, before.referent_fte, after.referent_count, after.referent_fte) == (1, 1.0, 2, 2.0)
    assert before.population_count == after.population_count > 2_500_000
    assert before.inhabitants_per_referent == pytest.approx(2 * after.inhabitants_per_referent)
    assert before.uncovered_population_count > 1_000_000 and after.uncovered_population_count == 0


def test_the_stored_measures_count_the_second_referent_from_its_start(hdf):
    """Computed when the demo store was built: the Nord has 1 ETP in 2024-2025, 1 + 183/365 in 2025-2026 (in post
    from 2 March) and 2 in 2026-2027; the Pas-de-Calais 1 every year."""
    fte = {year: read_stored_measures(hdf, REGION, "departement", year, ["referent_fte"])
           .set_index("territory_code").referent_fte for year in ("2024-2025", "2025-2026", "2026-2027")}
    assert fte["2024-2025"]["59"] == pytest.approx(1.0)
    assert fte["2025-2026"]["59"] == pytest.approx(1 + 183 / 365)
    assert fte["2026-2027"]["59"] == pytest.approx(2.0)
    assert [fte[year]["62"] for year in fte] == pytest.approx([1.0, 1.0, 1.0])
