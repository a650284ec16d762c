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


def same_day_last_year(day: date) -> date:
    """The same day one year earlier (29 February gives 28 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def events_up_to(events, last_day: date) -> dict[str, float | None]:
    """Events and participants held up to `last_day` (inclusive), from a table of events (start_date,
    participants_count): what an unfinished school year is compared with, last year at the same date.

    Participants are None when one of the events' counts is hidden (CODIR's small counts): a sum
    would then be wrong.
    """
    held = events[events.start_date.map(lambda d: d <= last_day)] if not events.empty else events
    hidden = "participants_count__hidden" in held.columns and held.participants_count__hidden.notna().any()
    return {"events_count": float(len(held)),
            "participants_count": None if hidden else float(held.participants_count.fillna(0).sum())}
