"""Parsers of spreadsheet cells: what French Excel files really hold."""

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loaders.parsing import (
    ValueParseError,
    header_key,
    parse_bool,
    parse_count,
    parse_date,
    parse_decimal,
    parse_email,
    parse_uai,
    refuse_unsafe_text,
    uai_check_letter,
)


@pytest.mark.parametrize(("text", "expected"), [
    ("23/11/2026", date(2026, 11, 23)), ("3/9/2025", date(2025, 9, 3)), ("01.09.2025", date(2025, 9, 1)),
    ("2026-11-23", date(2026, 11, 23)), ("2026-11-23 14:30:00", date(2026, 11, 23)),
    (45000, date(2023, 3, 15)), (45000.0, date(2023, 3, 15)), (datetime(2025, 9, 1, 8, 0), date(2025, 9, 1)),
])
def test_dates_of_every_form(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["45000", "46000", "1e5", "45 000", "45000,0", "-3"])
def test_a_number_written_as_text_is_no_date(text):
    """A CSV cell « 46000 » or « 1e5 » was read as an Excel serial date: only a workbook's number cell is one."""
    with pytest.raises(ValueParseError, match="un nombre n'est lu comme une date que dans une cellule de date"):
        parse_date(text)


@pytest.mark.parametrize("serial", [True, 0, 45000.5, 3_000_000, float("inf")])
def test_a_workbook_number_that_is_no_day_is_refused(serial):
    with pytest.raises(ValueParseError, match="date illisible"):
        parse_date(serial)


@pytest.mark.parametrize("text", ["31/02/2025", "2025-13-01", "demain", "12/2025", "45000,5", ""])
def test_impossible_or_unreadable_dates_are_refused_in_french(text):
    with pytest.raises(ValueParseError, match="date"):
        parse_date(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("1 234,5", 1234.5), ("1\u202f234,5", 1234.5), ("1\u00a0234", 1234.0), ("12,75", 12.75), ("1.234,5", 1234.5),
    ("3.5", 3.5), ("-2", -2.0), (7, 7.0),
])
def test_decimal_commas_and_thousands(text, expected):
    assert parse_decimal(text) == expected


@pytest.mark.parametrize("text", ["abc", "1,2,3", "", "12 %", True, float("nan")])
def test_unreadable_numbers_are_refused(text):
    with pytest.raises(ValueParseError):
        parse_decimal(text)


def test_a_number_of_400_digits_is_refused_not_infinite():
    """float("9" * 400) is inf: refused instead of reaching the store (PostgreSQL and SQLite refuse inf)."""
    with pytest.raises(ValueParseError, match=r"nombre trop grand \(400 chiffres\)"):
        parse_decimal("9" * 400)
    assert parse_decimal("9" * 300) == float("9" * 300)


@pytest.mark.parametrize(("column", "value", "message"), [
    ("participants_count", "1000001", "nombre trop grand (au plus 1\u202f000\u202f000)"),
    ("participants_count", 1e30, "nombre trop grand (au plus 1\u202f000\u202f000)"),
    ("value", "-2000000000000", "nombre trop petit (au moins -1\u202f000\u202f000\u202f000\u202f000)"),
])
def test_numbers_are_bounded_by_their_column(column, value, message):
    """Bounds come from the columns: far above any real figure, far below what the store holds."""
    from loaders.kinds import KINDS

    kind = KINDS["events"] if column == "participants_count" else KINDS["indicators"]
    with pytest.raises(ValueParseError) as refusal:
        kind.column(column).read(value)
    assert str(refusal.value) == message
    assert kind.column(column).read("1 000 000") == 1_000_000


@pytest.mark.parametrize(("text", "message"), [
    ("Forum\x00", "caractère de contrôle invisible (code 00) en position 6"),
    ("\x1b[31mForum", "caractère de contrôle invisible (code 1B) en position 1"),
    ("x" * 2_001, "cellule trop longue (2\u202f001 caractères, 2\u202f000 au plus)"),
])
def test_text_no_store_or_workbook_can_hold_is_refused(text, message):
    with pytest.raises(ValueParseError) as refusal:
        refuse_unsafe_text(text)
    assert str(refusal.value).startswith(message)


def test_tabs_line_breaks_and_non_text_cells_are_safe():
    for value in ("Lycéens\nParents", "a\tb", "x" * 2_000, 12, None):
        refuse_unsafe_text(value)


def test_counts_are_whole_and_positive():
    assert parse_count("1 200") == 1200
    for bad in ("-3", "2,5"):
        with pytest.raises(ValueParseError, match="entier"):
            parse_count(bad)


def test_booleans_in_french():
    assert parse_bool("Oui") is True and parse_bool("non") is False and parse_bool("x") is True
    with pytest.raises(ValueParseError, match="oui"):
        parse_bool("peut-être")


def test_uai_format_and_check_letter():
    assert uai_check_letter("0590001") == "F"  # 590001 = 23 × 25652 + 5: the 6th of the 23 letters
    valid = "0590001" + uai_check_letter("0590001")
    assert parse_uai(valid.lower()) == valid
    wrong = "0590001" + ("A" if valid[-1] != "A" else "B")
    with pytest.raises(ValueParseError, match="lettre de contrôle"):
        parse_uai(wrong)
    with pytest.raises(ValueParseError, match="7 chiffres"):
        parse_uai("059001A")


def test_uai_check_letters_of_the_packaged_lycees_are_all_valid():
    from loaders.schools import read_fixture

    codes = read_fixture().uai.str.strip().str.upper()
    codes = codes[codes.str.match(r"^\d{7}[A-Z]$")]
    assert len(codes) > 5000
    assert all(parse_uai(code) == code for code in codes)


def test_emails():
    assert parse_email(" Camille.Martin@Exemple.fr ") == "camille.martin@exemple.fr"
    for bad in ("camille", "camille@", "@exemple.fr", "a b@exemple.fr", "camille@exemple"):
        with pytest.raises(ValueParseError, match="courriel"):
            parse_email(bad)


def test_headers_match_whatever_their_case_accents_spaces_and_underscores():
    assert header_key("Date_début") == header_key("date debut") == header_key(" DATE DÉBUT ") == "datedebut"
    assert header_key("Code INSEE") != header_key("Code postal")


@given(st.one_of(st.text(), st.integers(), st.floats(allow_nan=True), st.none(), st.booleans()))
def test_no_input_raises_anything_but_a_parse_error(value):
    for parser in (parse_date, parse_decimal, parse_count, parse_bool, parse_uai, parse_email, refuse_unsafe_text):
        try:
            parser(value)
        except ValueParseError:
            pass
    header_key(value)
