"""French formats on screen, spreadsheet-safe downloads."""

import io
import re
from datetime import UTC, date, datetime

import numpy as np
import openpyxl
import pandas as pd
import pytest

from models.measures import INDICATORS
from tests.fixtures import tiny_events
from views.formatting import (
    NARROW_NBSP,
    WORD_JOINER,
    escape_markdown,
    format_count,
    format_date,
    format_number,
    format_percent,
)
from views.tables import (
    comparison_table,
    display_table,
    export_frame,
    neutralise_formulas,
    number_format,
    to_csv_bytes,
    to_xlsx_bytes,
)

BOM = b"\xef\xbb\xbf"
HOSTILE = ["=SUM(A1)", "+33 6 00 00 00 00", "-1", "@x"]


def read_csv(data: bytes) -> list[list[str]]:
    return [line.split(";") for line in data.decode("utf-8-sig").splitlines()]


def read_xlsx(data: bytes) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return [tuple(cell.value for cell in row) for row in sheet.iter_rows()]


# --- formatting -----------------------------------------------------------------------------------------------------

def test_narrow_no_break_space_separates_thousands():
    assert NARROW_NBSP == "\u202f"


@pytest.mark.parametrize(("value", "decimals", "expected"), [
    (1234.5, 1, "1\u202f234,5"),
    (1234567, 0, "1\u202f234\u202f567"),
    (-1234.5, 1, "-1\u202f234,5"),
    (2 / 3, 2, "0,67"),
    (999, 0, "999"),
    (np.int64(12000), 0, "12\u202f000"),
    (np.float64(0.25), 2, "0,25"),
])
def test_format_number_the_french_way(value, decimals, expected):
    assert format_number(value, decimals) == expected


@pytest.mark.parametrize("missing", [float("nan"), np.nan, np.float64("nan"), None])
def test_format_number_of_nothing_is_a_dash(missing):
    assert format_number(missing, 2) == "–"


@pytest.mark.parametrize(("count", "expected"), [
    (0, "0 ligne refusée"), (1, "1 ligne refusée"), (2, "2 lignes refusées"),
    (12_345, f"12{NARROW_NBSP}345 lignes refusées"),
])
def test_format_count_takes_the_french_plural_from_two_on(count, expected):
    assert format_count(count, "ligne refusée") == expected


def test_format_count_with_an_irregular_plural():
    assert format_count(3, "ligne de démonstration retirée", "lignes de démonstration retirées") == (
        "3 lignes de démonstration retirées")


def test_format_percent():
    assert format_percent(0.255, 1) == "25,5\u00a0%"
    assert format_percent(float("nan")) == "–"


def test_format_date_dd_mm_yyyy():
    assert format_date(date(2026, 3, 5)) == "05/03/2026"
    assert format_date(datetime(2025, 10, 14, 23, 59)) == "14/10/2025"
    assert format_date(pd.Timestamp("2025-12-01")) == "01/12/2025"
    assert format_date(None) == ""
    assert format_date("déjà du texte") == "déjà du texte"


def test_a_missing_datetime_is_shown_empty():
    frame = pd.DataFrame({"what": ["Lycées", "Référents"],
                          "loaded_at": [datetime(2025, 9, 1, 8, 0, tzinfo=UTC), None]})
    assert frame.loaded_at.dtype.kind == "M"  # pandas turns None into NaT
    assert format_date(pd.NaT) == ""
    assert display_table(frame, {"loaded_at": ("Chargées le", None)})["Chargées le"].tolist() == ["01/09/2025", ""]
    assert read_csv(to_csv_bytes(frame))[2] == ["Référents", ""]


# --- display_table, export_frame ------------------------------------------------------------------------------------

def test_display_table_keeps_listed_columns_with_french_labels_and_formats():
    frame = tiny_events().assign(big=[1234.5, 0, np.nan, 2, 3])
    shown = display_table(frame, {
        "title": ("Titre", None), "start_date": ("Date", None), "big": ("Grand nombre", 1),
        "participants_count": ("Participants", 0), "is_demo": ("Démonstration", None), "absent": ("Absente", 0),
    })
    assert list(shown.columns) == ["Titre", "Date", "Grand nombre", "Participants", "Démonstration"]
    first = shown.iloc[0].tolist()
    assert first == ["Forum des métiers", "14/10/2025", "1\u202f234,5", "120", "non"]
    assert shown["Participants"].iloc[2] == "–"  # the event without participant count
    assert shown["Grand nombre"].iloc[2] == "–"


def test_display_table_booleans_read_oui_non():
    shown = display_table(pd.DataFrame({"is_demo": [True, False]}), {"is_demo": ("Démonstration", None)})
    assert shown["Démonstration"].tolist() == ["oui", "non"]


def test_display_table_text_without_value_is_empty_and_index_is_reset():
    frame = pd.DataFrame({"school_uai": ["0590001A", None]}, index=[7, 9])
    shown = display_table(frame, {"school_uai": ("Lycée", None)})
    assert shown["Lycée"].tolist() == ["0590001A", ""]
    assert list(shown.index) == [0, 1]


def test_export_frame_renames_and_keeps_raw_values():
    exported = export_frame(tiny_events(), {"participants_count": ("Participants", 0), "title": ("Titre", None),
                                            "absent": ("Absente", None)})
    assert list(exported.columns) == ["Participants", "Titre"]
    assert exported.Participants.iloc[0] == 120.0


# --- downloads ------------------------------------------------------------------------------------------------------

def test_csv_for_french_excel():
    frame = pd.DataFrame({"Commune": ["Saint-Éloi", "Cité-Neuve"], "Taux": [1234.5, 0.25], "Nombre": [3, 12000],
                          "Date": [date(2026, 3, 5), date(2025, 10, 14)]})
    data = to_csv_bytes(frame)
    assert data.startswith(BOM) and not data.startswith(BOM + BOM)
    assert read_csv(data) == [["Commune", "Taux", "Nombre", "Date"],
                              ["Saint-Éloi", "1234,5", "3", "05/03/2026"],
                              ["Cité-Neuve", "0,25", "12000", "14/10/2025"]]


def test_neutralise_formulas_prefixes_text_cells_only():
    frame = pd.DataFrame({"text": HOSTILE + ["Saint-Éloi"], "number": [-1, 2, -3.5, 4, 5]})
    safe = neutralise_formulas(frame)
    assert safe.text.tolist() == ["'=SUM(A1)", "'+33 6 00 00 00 00", "'-1", "'@x", "Saint-Éloi"]
    assert safe.number.tolist() == [-1, 2, -3.5, 4, 5]
    assert frame.text.iloc[0] == "=SUM(A1)"  # the frame given is left alone


def test_csv_neutralises_formulas_but_not_numbers():
    frame = pd.DataFrame({"text": HOSTILE, "number": [-1, -2.5, 3, 4]})
    rows = read_csv(to_csv_bytes(frame))[1:]
    assert [row[0] for row in rows] == ["'=SUM(A1)", "'+33 6 00 00 00 00", "'-1", "'@x"]
    assert [row[1] for row in rows] == ["-1", "-2,5", "3", "4"]  # whole figures without ",0"


def test_xlsx_neutralises_formulas_but_not_numbers():
    frame = pd.DataFrame({"text": HOSTILE, "number": [-1, -2.5, 3, 4]})
    data = to_xlsx_bytes(frame, "Événements")
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Événements"]
    cells = [(row[0], row[1]) for row in sheet.iter_rows(min_row=2)]
    assert [text.value for text, _ in cells] == ["'=SUM(A1)", "'+33 6 00 00 00 00", "'-1", "'@x"]
    assert {text.data_type for text, _ in cells} == {"s"}  # text, never a formula
    assert [number.value for _, number in cells] == [-1, -2.5, 3, 4]


def test_xlsx_sheet_name_is_cut_to_excel_limit():
    data = to_xlsx_bytes(pd.DataFrame({"a": [1]}), "Structures de remédiation et places libres")
    assert openpyxl.load_workbook(io.BytesIO(data)).sheetnames == ["Structures de remédiation et pl"]


def test_xlsx_writes_aware_datetimes_in_paris_time():
    winter = datetime(2026, 1, 15, 23, 30, tzinfo=UTC)  # 00:30 the next day in Paris (UTC+1)
    summer = datetime(2025, 7, 1, 12, 0, tzinfo=UTC)  # 14:00 in Paris (UTC+2)
    column = pd.DataFrame({"started_at": pd.to_datetime([winter, summer])})
    objects = pd.DataFrame({"started_at": pd.Series([winter, summer], dtype=object)})
    for frame in (column, objects):
        rows = read_xlsx(to_xlsx_bytes(frame))
        assert rows[1:] == [(datetime(2026, 1, 16, 0, 30),), (datetime(2025, 7, 1, 14, 0),)]


def test_xlsx_keeps_dates_and_naive_datetimes():
    frame = pd.DataFrame({"start_date": [date(2026, 3, 5)], "at": [datetime(2026, 3, 5, 9, 15)]})
    assert read_xlsx(to_xlsx_bytes(frame))[1] == (datetime(2026, 3, 5), datetime(2026, 3, 5, 9, 15))


def test_csv_dates_of_aware_datetimes_are_paris_dates_like_the_xlsx():
    frame = pd.DataFrame({"started_at": pd.to_datetime([datetime(2026, 1, 15, 23, 30, tzinfo=UTC)])})
    assert read_csv(to_csv_bytes(frame))[1] == ["16/01/2026"]


# --- French number formats in the files -----------------------------------------------------------------------------

# A table as a page declares it: counts (0 decimals), a rate with 2 decimals, a distance with 1, a date, a date-time.
SCREEN_COLUMNS = {"name": ("Commune", None), "population_count": ("Habitants", 0),
                  "events_per_10k": ("Événements / 10 000 hab.", 2), "event_distance_km": ("Distance (km)", 1),
                  "start_date": ("Date", None), "loaded_at": ("Chargé le", None)}


def screen_frame() -> pd.DataFrame:
    return pd.DataFrame({"name": ["Lille", "Wimille"], "population_count": [12345.0, 4.0],
                         "events_per_10k": [2.345678, 0.5], "event_distance_km": [12.25, 0.0],
                         "start_date": [date(2026, 3, 5), date(2025, 10, 14)],
                         "loaded_at": [datetime(2026, 3, 5, 9, 15), datetime(2026, 3, 6, 0, 0)]})


def sheet_of(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data)).active


def test_number_format_has_the_decimals_of_the_screen():
    assert [number_format(d) for d in (0, 1, 2)] == ["#,##0", "#,##0.0", "#,##0.00"]


def test_xlsx_numbers_stay_numbers_with_the_formats_of_the_screen():
    sheet = sheet_of(to_xlsx_bytes(export_frame(screen_frame(), SCREEN_COLUMNS)))
    assert [c.value for c in sheet[1]] == ["Commune", "Habitants", "Événements / 10 000 hab.", "Distance (km)", "Date",
                                           "Chargé le"]
    lille = sheet[2]
    assert [c.value for c in lille[1:4]] == [12345, 2.345678, 12.25]  # raw values, not rounded text
    assert {c.data_type for c in lille[1:4]} == {"n"}
    assert [c.number_format for c in lille] == ["General", "#,##0", "#,##0.00", "#,##0.0", "dd/mm/yyyy",
                                                "dd/mm/yyyy hh:mm"]
    assert lille[4].value == datetime(2026, 3, 5) and lille[5].value == datetime(2026, 3, 5, 9, 15)
    assert sheet["F3"].number_format == "dd/mm/yyyy hh:mm"  # midnight in a column of times keeps its time


def test_xlsx_header_bold_and_frozen_and_columns_fitted():
    sheet = sheet_of(to_xlsx_bytes(export_frame(screen_frame(), SCREEN_COLUMNS)))
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDEF"}
    assert widths["C"] >= len("Événements / 10 000 hab.") and widths["B"] >= len("Habitants")
    assert widths["A"] < widths["C"] <= 60
    long = to_xlsx_bytes(pd.DataFrame({"Texte": ["x" * 300]}))
    assert sheet_of(long).column_dimensions["A"].width == 60


def test_xlsx_dates_only_column_reads_dd_mm_yyyy():
    frame = pd.DataFrame({"Relevé": pd.to_datetime(["2026-01-01", "2026-02-01"])})
    assert {c.number_format for c in sheet_of(to_xlsx_bytes(frame))["A"][1:]} == {"dd/mm/yyyy"}


def test_xlsx_hidden_small_counts_stay_text_beside_formatted_numbers():
    frame = pd.DataFrame({"epci": ["A", "B", "C"], "ambassadors_count": [np.nan, 12.0, np.nan],
                          "ambassadors_count__hidden": ["< 5", None, "secret"]})
    exported = export_frame(frame, {"epci": ("EPCI", None), "ambassadors_count": ("Ambassadeurs", 0)})
    cells = sheet_of(to_xlsx_bytes(exported))["B"][1:]
    assert [c.value for c in cells] == ["< 5", 12, "secret"]
    assert [c.data_type for c in cells] == ["s", "n", "s"]
    assert cells[1].number_format == "#,##0"
    assert read_csv(to_csv_bytes(exported))[1:] == [["A", "< 5"], ["B", "12"], ["C", "secret"]]


def test_explicit_decimals_win_over_the_frame_attrs():
    frame = pd.DataFrame({"Taux": [0.123456]})
    assert sheet_of(to_xlsx_bytes(frame, decimals={"Taux": 3}))["A2"].number_format == "#,##0.000"
    assert read_csv(to_csv_bytes(frame, decimals={"Taux": 3}))[1] == ["0,123"]


def test_figures_without_declared_decimals_keep_the_general_format():
    sheet = sheet_of(to_xlsx_bytes(pd.DataFrame({"Ligne": [2026, 12], "Valeur": [1.5, 2.0]})))
    assert [c.number_format for c in sheet[2]] == ["General", "General"]


def test_csv_counts_never_read_12_0_and_rates_have_the_decimals_of_the_screen():
    frame = screen_frame().assign(population_count=[12345.0, np.nan])  # a float column of whole counts
    rows = read_csv(to_csv_bytes(export_frame(frame, SCREEN_COLUMNS)))
    assert rows[1][:4] == ["Lille", "12345", "2,35", "12,2"]  # 12.25 -> 12,2 as the screen's format_number does
    assert rows[2][:4] == ["Wimille", "", "0,50", "0,0"]
    assert rows[1][1] == display_table(frame, SCREEN_COLUMNS)["Habitants"][0].replace("\u202f", "")


def test_comparison_downloads_show_each_indicator_with_its_decimals():
    indicators = {key: INDICATORS[key] for key in ("population_count", "events_per_10k", "ambassadors_count")}
    columns = {"Nord": pd.Series({"population_count": 2600000.0, "events_per_10k": 1.23456,
                                  "ambassadors_count": np.nan, "ambassadors_count__hidden": "< 5"})}
    raw = comparison_table(columns, indicators, raw=True)
    cells = sheet_of(to_xlsx_bytes(raw))["B"][1:]
    assert [c.value for c in cells] == [2600000, 1.23456, "< 5"]
    assert [c.number_format for c in cells[:2]] == ["#,##0", number_format(INDICATORS["events_per_10k"].decimals)]
    assert [row[1] for row in read_csv(to_csv_bytes(raw))[1:]] == [
        "2600000", f"{1.23456:.{INDICATORS['events_per_10k'].decimals}f}".replace(".", ","), "< 5"]


@pytest.mark.parametrize("text", ["![](http://example.test/x.png)", "[lien](http://example.test)", ":red[rouge]",
                                  ":material/warning:", "$x^2$", "**gras** _penché_ `code`", "<img src=x>",
                                  "# titre", "- puce", "1. liste", "| a | b |", "&lt;entité&gt;", "www.example.test",
                                  "ecrire@example.test", "https://example.test"])
def test_escape_markdown_leaves_no_markup(text):
    escaped = escape_markdown(text)
    # Every character that Markdown or Streamlit's directives read as markup is escaped…
    assert not re.search(r"[!\[\]()*_`:$<>#|&-]", re.sub(r"\\.", "", escaped))
    # …and no address is left whole for Streamlit to turn into a link.
    assert not re.search(r"(?i)://|www\\?\.|\w@", escaped)
    # …and removing the escapes (and the invisible joiners that keep addresses from becoming links) gives the text
    # back, as the browser shows it.
    assert re.sub(r"\\(.)", r"\1", escaped).replace(WORD_JOINER, "") == text
