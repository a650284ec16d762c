"""School years run from 1 September to 31 August."""

from datetime import date

import pytest

from models.schoolyear import recent_school_years, school_year_bounds, school_year_label, school_year_of


@pytest.mark.parametrize(("day", "year"), [
    (date(2026, 8, 31), (2025, 2026)),
    (date(2026, 9, 1), (2026, 2027)),
    (date(2026, 11, 23), (2026, 2027)),
    (date(2027, 1, 1), (2026, 2027)),
    (date(2026, 12, 31), (2026, 2027)),
])
def test_school_year_of(day, year):
    assert school_year_of(day) == year


def test_school_year_label():
    assert school_year_label(date(2026, 11, 23)) == "2026-2027"
    assert school_year_label(date(2026, 8, 31)) == "2025-2026"
    assert school_year_label(date(2026, 9, 1)) == "2026-2027"


def test_school_year_bounds():
    assert school_year_bounds("2025-2026") == (date(2025, 9, 1), date(2026, 8, 31))
    first, last = school_year_bounds("2023-2024")
    assert (last - first).days == 365, "leap year 2024: 366 days from 1 September to 31 August"


@pytest.mark.parametrize("day", [date(2025, 9, 1), date(2026, 2, 28), date(2026, 8, 31)])
def test_bounds_contain_the_days_of_their_year(day):
    first, last = school_year_bounds(school_year_label(day))
    assert first <= day <= last


def test_recent_school_years_newest_first():
    assert recent_school_years(date(2026, 11, 25)) == ["2026-2027", "2025-2026", "2024-2025"]
    assert recent_school_years(date(2026, 8, 31), count=2) == ["2025-2026", "2024-2025"]
