"""Reading the files people really have: CSV from French Excel in any usual encoding and separator,
XLSX workbooks, and the files that are no table at all, refused with a French reason."""

from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loaders.reading import MAX_DATA_ROWS, FileRefused, RawTable, UnreadCell, read_table
from tests.loaders.import_files import (
    BAD_FILES,
    OLE_HEADER,
    csv_bytes,
    damaged_xlsx,
    sheet_row,
    workbook_with_sheet,
    xlsx_bytes,
)

PLACES = [["Intitulé", "Commune"], ["Forum de la mer", "Dunkerque"], ["Salon à l'Étienne", "Saint-Étienne-au-Mont"]]


def cells(table: RawTable) -> list[list]:
    return [row for _, row in table.rows]


def lines(table: RawTable) -> list[int]:
    return [line for line, _ in table.rows]


# Encodings.

@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8"])
def test_utf8_with_or_without_bom_keeps_accents(encoding):
    """« CSV UTF-8 » from Excel (with a BOM) and a UTF-8 file from elsewhere (without) read the same."""
    table = read_table(csv_bytes(PLACES, encoding=encoding), "evenements.csv")
    assert table.header == ["Intitulé", "Commune"], "the BOM must not stick to the first header"
    assert cells(table) == PLACES[1:]
    assert table.describe() == "CSV, UTF-8, séparateur point-virgule"


def test_windows_1252_from_french_excel_keeps_accents():
    """Excel's plain « CSV (séparateur : point-virgule) » is Windows-1252: « Saint-Étienne-au-Mont » survives."""
    content = csv_bytes(PLACES, encoding="cp1252")
    assert "É".encode("cp1252") in content and b"\xc3" not in content
    table = read_table(content, "evenements.csv")
    assert table.header == ["Intitulé", "Commune"]
    assert cells(table) == PLACES[1:]
    assert table.encoding == "Windows-1252"


def test_utf16_unicode_text_from_excel_is_read_tab_separated():
    """Excel's « Texte Unicode » export: UTF-16 with a BOM, tab-separated, CRLF."""
    content = csv_bytes(PLACES, separator="\t", encoding="utf-16")
    assert content[:2] in (b"\xff\xfe", b"\xfe\xff")
    table = read_table(content, "evenements.txt")
    assert cells(table) == PLACES[1:]
    assert table.describe() == "CSV, UTF-16, séparateur tabulation"


@pytest.mark.parametrize("byte", [0x81, 0x8D, 0x8F, 0x90, 0x9D])
def test_bytes_neither_utf8_nor_windows_1252_are_refused(byte):
    """A byte Windows-1252 leaves undefined: refused, with the advice to save as CSV UTF-8."""
    content = b"Intitul\xe9;Commune\nForum " + bytes([byte]) + b";Lille\n"
    with pytest.raises(FileRefused, match="encodage inconnu : enregistrez le fichier en CSV UTF-8"):
        read_table(content, "evenements.csv")


# Separators and quoting.

@pytest.mark.parametrize(("separator", "name"), [(";", "point-virgule"), (",", "virgule"), ("\t", "tabulation")])
def test_each_usual_separator_is_recognised(separator, name):
    """Semicolon (French Excel), comma (elsewhere) or tab: the header says which, the cells come out whole."""
    rows = [["Intitulé", "Date", "Commune"], ["Forum", "12/03/2026", "Lille"], ["Salon", "01/04/2026", "Amiens"]]
    table = read_table(csv_bytes(rows, separator=separator), "evenements.csv")
    assert table.header == rows[0]
    assert cells(table) == rows[1:]
    assert table.describe() == f"CSV, UTF-8, séparateur {name}"


def test_quoted_cells_keep_their_separators_and_newlines():
    """A quoted cell may hold the separator and line breaks; the next row keeps its spreadsheet number."""
    rows = [["Intitulé", "Public"], ["Forum; salon", "Lycéens\nParents"], ['Le "grand" forum', "Parents"]]
    table = read_table(csv_bytes(rows), "evenements.csv")
    assert cells(table) == rows[1:]
    assert lines(table) == [2, 3], "numbered as the spreadsheet shows rows, not by physical line"


def test_blank_trailing_rows_and_columns_are_dropped():
    """Excel's `a;b;;` header and `;;;` rows: no empty column, no empty row, line numbers kept."""
    content = b"Intitul\xc3\xa9;Commune;;\r\nForum;Lille;;\r\n;;;\r\nSalon;Amiens;;\r\n;;;\r\n;;;\r\n"
    table = read_table(content, "evenements.csv")
    assert table.header == ["Intitulé", "Commune"]
    assert cells(table) == [["Forum", "Lille", "", ""], ["Salon", "Amiens", "", ""]]
    assert lines(table) == [2, 4], "the blank row 3 is skipped, not renumbered"


def test_an_unclosed_quote_does_not_swallow_the_rows_after_it():
    """A stray opening quote (`"Forum`) must not silently merge the rest of the file into one cell."""
    content = b'Intitul\xc3\xa9;Commune\r\nA;Lille\r\n"B;Lille\r\nC;Lille\r\nD;Lille\r\n'
    try:
        table = read_table(content, "evenements.csv")
    except FileRefused:
        return  # refusing the file is fine: the user is told
    assert len(table.rows) == 4, f"4 data rows in the file, {len(table.rows)} read: {cells(table)}"


# Line numbers.

def test_line_numbers_start_at_2_under_the_header_in_csv_and_xlsx():
    """The header is line 1 and the first data row line 2, in a CSV as in a workbook: refusals point there."""
    rows = [["Intitulé", "Commune"], ["Forum", "Lille"], ["Salon", "Amiens"]]
    assert lines(read_table(csv_bytes(rows), "evenements.csv")) == [2, 3]
    assert lines(read_table(xlsx_bytes({"Feuil1": rows}), "evenements.xlsx")) == [2, 3]


def test_xlsx_rows_keep_the_numbers_excel_shows():
    """Blank rows above the header and between rows are skipped; each row keeps the number Excel shows."""
    workbook = xlsx_bytes({"Feuil1": [[], [], ["Intitulé", "Commune"], ["Forum", "Lille"], [None, None],
                                      ["Salon", "Amiens"]]})
    table = read_table(workbook, "evenements.xlsx")
    assert table.header == ["Intitulé", "Commune"]
    assert table.rows == [(4, ["Forum", "Lille"]), (6, ["Salon", "Amiens"])]


# Workbooks.

def test_xlsx_first_sheet_by_default_and_a_named_sheet_on_request():
    """Without --sheet the first sheet is read; with it, the named one; cells keep their types (dates)."""
    workbook = xlsx_bytes({
        "Lisez-moi": [["Intitulé", "Date"], ["Exemple", datetime(2026, 1, 5)]],
        "Événements": [["Intitulé", "Date"], ["Forum", datetime(2026, 3, 12)], ["Salon", 46000]],
    })
    first = read_table(workbook, "evenements.xlsx")
    assert first.sheet == "Lisez-moi" and cells(first) == [["Exemple", datetime(2026, 1, 5)]]
    named = read_table(workbook, "evenements.xlsx", sheet="Événements")
    assert named.describe() == "classeur Excel, feuille « Événements »"
    assert cells(named) == [["Forum", datetime(2026, 3, 12)], ["Salon", 46000]]


def test_an_absent_sheet_is_refused_listing_the_sheets():
    """A mistyped sheet name: refused, and the message lists the sheets the workbook has."""
    workbook = xlsx_bytes({"Lisez-moi": [["a"]], "Événements": [["Intitulé"], ["Forum"]]})
    with pytest.raises(FileRefused) as refusal:
        read_table(workbook, "evenements.xlsx", sheet="Evenements 2026")
    assert str(refusal.value) == ("feuille « Evenements 2026 » absente du classeur ; feuilles : « Lisez-moi », "
                                  "« Événements »")


def test_an_empty_sheet_is_refused():
    """A workbook whose sheet holds nothing: refused, naming the sheet."""
    with pytest.raises(FileRefused, match="la feuille « Feuil1 » est vide"):
        read_table(xlsx_bytes({"Feuil1": []}), "evenements.xlsx")


def test_a_damaged_workbook_is_refused_not_a_crash():
    """A workbook cut short inside its sheet is refused like any unreadable file."""
    with pytest.raises(FileRefused, match="classeur Excel illisible"):
        read_table(damaged_xlsx(), "evenements.xlsx")


# Files that are no table.

@pytest.mark.parametrize("bad", BAD_FILES, ids=[bad.name for bad in BAD_FILES])
def test_files_that_are_no_table_are_refused_in_french(bad):
    """Empty, blank, web page, JSON, binary, old .xls, fake .xlsx, undecodable: refused with the reason."""
    with pytest.raises(FileRefused) as refusal:
        read_table(bad.content, bad.name)
    assert bad.message in str(refusal.value)


def test_a_header_without_rows_reads_as_an_empty_table():
    """A header alone is a table of no rows: the import (not the reader) says « aucune ligne de données »."""
    table = read_table(csv_bytes([["Intitulé", "Commune"]]), "evenements.csv")
    assert table.header == ["Intitulé", "Commune"] and table.rows == []


def test_a_file_over_the_size_limit_is_refused_before_reading():
    """A file over the limit is refused with its size and the limit, before any parsing."""
    content = csv_bytes([["Intitulé", "Commune"], *[["Forum", "Lille"]] * 200])
    assert len(content) > 2_000
    with pytest.raises(FileRefused, match="fichier trop volumineux .* la limite est de 0,002 Mo"):
        read_table(content, "evenements.csv", max_mb=0.002)
    assert len(read_table(content, "evenements.csv", max_mb=1).rows) == 200


def test_an_old_xls_is_recognised_by_its_bytes_whatever_its_name():
    """An .xls renamed .csv is still recognised as old Excel, and the user is told to save as .xlsx."""
    with pytest.raises(FileRefused, match=r"enregistrez le fichier au format \.xlsx ou CSV"):
        read_table(OLE_HEADER + bytes(100), "evenements.csv")


# Whatever the bytes.

def _read_or_refuse(content: bytes, name: str) -> None:
    try:
        table = read_table(content, name)
    except FileRefused as refusal:
        assert str(refusal)
        return
    assert isinstance(table, RawTable) and table.header
    assert all(len(row) >= len(table.header) for _, row in table.rows)
    assert [line for line, _ in table.rows] == sorted({line for line, _ in table.rows})


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=600), st.sampled_from(["f.csv", "f.xlsx", "f.xls", "f.txt"]))
def test_any_bytes_are_read_as_a_table_or_refused(content, name):
    """Whatever is uploaded, the reader answers a table or a French refusal, never a crash."""
    _read_or_refuse(content, name)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.text(max_size=12), max_size=5), max_size=6),
       st.sampled_from([";", ",", "\t"]), st.sampled_from(["utf-8-sig", "cp1252", "utf-16"]))
def test_any_text_table_is_read_or_refused(rows, separator, encoding):
    """Text tables of any cells, separator and encoding: a table or a French refusal, never a crash."""
    try:
        content = csv_bytes(rows, separator=separator, encoding=encoding)
    except UnicodeEncodeError:
        return  # text Windows-1252 cannot hold: not a file Excel would write
    _read_or_refuse(content, "f.csv")


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_behind_a_zip_signature_are_refused_or_read(tail):
    """A file that starts like a workbook but is not one: refused, never a crash."""
    _read_or_refuse(b"PK\x03\x04" + tail, "f.xlsx")


# Workbooks as programs write them, and sheets that would eat the machine.

def test_a_workbook_whose_dimension_lies_is_read_whole():
    """Some programs write <dimension ref="A1"/> whatever the sheet holds: every row is read all the same."""
    content = workbook_with_sheet([sheet_row(["Intitulé", "Commune"]), sheet_row(["Forum", "Lille"]),
                                   sheet_row(["Salon", "Amiens"])], dimension="A1")
    table = read_table(content, "evenements.xlsx")
    assert table.rows == [(2, ["Forum", "Lille"]), (3, ["Salon", "Amiens"])]


def test_formulas_without_a_value_merged_cells_and_excel_errors_say_why_they_hold_nothing():
    """A formula never computed, a cell hidden by a merge, #N/A: an UnreadCell with the reason, not None."""
    content = workbook_with_sheet([
        sheet_row(["Intitulé", "Commune", "Public"], 1),
        b'<row r="2"><c r="A2" t="inlineStr"><is><t>Forum</t></is></c><c r="B2"><f>A1</f></c>'
        b'<c r="C2" t="e"><v>#N/A</v></c></row>',
        b'<row r="3"><c r="A3" t="inlineStr"><is><t>Salon</t></is></c><c r="B3" t="str"><f>""</f><v></v></c></row>',
    ], dimension="A1:C3", after_rows=b'<mergeCells count="1"><mergeCell ref="A2:A3"/></mergeCells>')
    table = read_table(content, "evenements.xlsx")
    (_, second), (_, third) = table.rows
    assert second[0] == "Forum" and isinstance(second[1], UnreadCell) and "formule" in second[1].reason
    assert isinstance(second[2], UnreadCell) and "erreur Excel #N/A" in second[2].reason
    assert third[0] == "Salon", "the top-left cell of a merge keeps its value, A3 its own"
    assert third[1] is None, "a text formula that computed an empty text is blank"


def test_a_cell_hidden_by_a_merge_is_marked_in_the_rows_below():
    content = workbook_with_sheet([
        sheet_row(["Intitulé", "Commune"], 1), sheet_row(["Forum", "Lille"], 2), sheet_row(["Salon"], 3),
    ], dimension="A1:B3", after_rows=b'<mergeCells count="1"><mergeCell ref="B2:B3"/></mergeCells>')
    (_, second), (_, third) = read_table(content, "evenements.xlsx").rows
    assert second == ["Forum", "Lille"]
    assert isinstance(third[1], UnreadCell) and third[1].reason.startswith("cellule fusionnée avec B2")


def test_a_title_line_without_separators_does_not_hide_the_headers_separator():
    """« Événements 2026 » alone on line 1, then a comma-separated header: the comma is still found."""
    content = "Événements 2026\r\nIntitulé,Commune\r\nForum,Lille\r\n".encode()
    table = read_table(content, "evenements.csv")
    assert table.separator == ","
    assert table.rows == [(2, ["Intitulé", "Commune"]), (3, ["Forum", "Lille"])]


def test_blank_csv_lines_are_not_kept_and_lines_keep_their_numbers():
    content = b"Intitul\xc3\xa9;Commune\r\n" + b";\r\n" * 100_000 + b"Forum;Lille\r\n"
    assert read_table(content, "evenements.csv").rows == [(100_002, ["Forum", "Lille"])]


@pytest.mark.parametrize("rows", [MAX_DATA_ROWS, MAX_DATA_ROWS + 1])
def test_the_row_limit_counts_data_rows(rows):
    content = b"Intitul\xc3\xa9\r\n" + b"Forum\r\n" * rows
    if rows > MAX_DATA_ROWS:
        with pytest.raises(FileRefused, match="trop de lignes : plus de 200\u202f000 lignes de données"):
            read_table(content, "evenements.csv")
    else:
        assert len(read_table(content, "evenements.csv").rows) == MAX_DATA_ROWS
