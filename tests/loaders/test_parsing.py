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
    uai_check_letter,
)


@pytest.mark.parametrize(("text", "expected"), [
    ("23/11/2026", date(2026, 11, 23)), ("3/9/2025", date(2025, 9, 3)), ("01.09.2025", date(2025, 9, 1)),
    ("2026-11-23", date(2026, 11, 23)), ("2026-11-23 14:30:00", date(2026, 11, 23)),
    ("45000", date(2023, 3, 15)), (45000, date(2023, 3, 15)), (datetime(2025, 9, 1, 8, 0), date(2025, 9, 1)),
])
def test_dates_of_every_form(text, expected):
    assert parse_date(text) == expected


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
    for parser in (parse_date, parse_decimal, parse_count, parse_bool, parse_uai, parse_email):
        try:
            parser(value)
        except ValueParseError:
            pass
    header_key(value)
