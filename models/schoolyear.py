"""School years run from 1 September to 31 August ("2025-2026")."""

from datetime import date


def school_year_of(day: date) -> tuple[int, int]:
    """Return the (first, second) calendar years of the school year a day falls in."""
    first = day.year if day.month >= 9 else day.year - 1
    return first, first + 1


def school_year_label(day: date) -> str:
    """Return the school year label of a day: 23/11/2026 -> "2026-2027"."""
    first, second = school_year_of(day)
    return f"{first}-{second}"


def school_year_bounds(label: str) -> tuple[date, date]:
    """Return the first and last days of a school year given as "2025-2026"."""
    first = int(label.split("-")[0])
    return date(first, 9, 1), date(first + 1, 8, 31)


def recent_school_years(today: date, count: int = 3) -> list[str]:
    """Return the labels of the current school year and the previous ones, newest first."""
    first, _ = school_year_of(today)
    return [f"{year}-{year + 1}" for year in range(first, first - count, -1)]


def previous_school_year(label: str) -> str:
    """The school year before: "2025-2026" -> "2024-2025"."""
    first = int(label.split("-")[0])
    return f"{first - 1}-{first}"
