"""Reading the spreadsheets people really have: CSV from French Excel (any usual encoding and
separator) and XLSX workbooks, into a header and rows of raw cells with their line numbers.

A file that cannot be read as a table raises FileRefused with the reason in French; the
cells themselves are parsed later (loaders.parsing), column by column.
"""

import csv
import io
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePath

from loaders.parsing import is_blank

MAX_FILE_MB = 50
_SEPARATORS = (";", ",", "\t")
_SEPARATOR_NAMES = {";": "point-virgule", ",": "virgule", "\t": "tabulation"}


class FileRefused(ValueError):
    """A file that cannot be read at all; the message says why, in French."""


@dataclass
class RawTable:
    """A table as read: the header cells, then each data row with its line number in the file."""

    header: list[str]
    rows: list[tuple[int, list]]
    encoding: str = ""
    separator: str = ""
    sheet: str = ""

    def describe(self) -> str:
        """How the file was read, in French ("CSV, UTF-8, séparateur point-virgule")."""
        if self.sheet:
            return f"classeur Excel, feuille « {self.sheet} »"
        return f"CSV, {self.encoding}, séparateur {_SEPARATOR_NAMES.get(self.separator, self.separator)}"


def read_table(content: bytes, file_name: str, sheet: str | None = None, max_mb: float = MAX_FILE_MB) -> RawTable:
    """Read a CSV or XLSX file's bytes; blank rows and trailing blank columns are dropped."""
    if len(content) > max_mb * 1_000_000:
        raise FileRefused(f"fichier trop volumineux ({len(content) / 1_000_000:.1f} Mo) : "
                          f"la limite est de {max_mb:g} Mo".replace(".", ","))
    if not content.strip():
        raise FileRefused("fichier vide")
    suffix = PurePath(file_name).suffix.lower()
    if content[:4] == b"PK\x03\x04":
        table = _read_xlsx(content, sheet)
    elif suffix in (".xlsx", ".xlsm"):
        raise FileRefused("ce fichier porte l'extension .xlsx mais n'est pas un classeur Excel lisible")
    elif suffix == ".xls" or content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise FileRefused("ancien format Excel (.xls) : enregistrez le fichier au format .xlsx ou CSV")
    else:
        table = _read_csv(content)
    return _trimmed(table)


def _decode(content: bytes) -> tuple[str, str]:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "texte Unicode" export
        return content.decode("utf-16"), "UTF-16"
    if b"\x00" in content[:4096]:
        raise FileRefused("ce n'est pas un fichier texte (CSV) ni un classeur Excel (.xlsx)")
    try:
        return content.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as error:
        raise FileRefused("encodage inconnu : enregistrez le fichier en CSV UTF-8 ou en CSV (séparateur : "
                          f"point-virgule) depuis Excel (octet illisible en position {error.start})") from None


def _separator(text: str) -> str:
    """The separator of the header line: the one that splits it most (outside quotes)."""
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    counts = {}
    for separator in _SEPARATORS:
        try:
            counts[separator] = len(next(csv.reader([first_line], delimiter=separator))) - 1
        except (csv.Error, StopIteration):
            counts[separator] = 0
    best = max(_SEPARATORS, key=lambda s: counts[s])
    return best if counts[best] > 0 else ";"


def _read_csv(content: bytes) -> RawTable:
    text, encoding = _decode(content)
    if text.lstrip().lower().startswith(("<!doctype", "<html", "<?xml", "{", "[")):
        raise FileRefused("ce n'est pas un tableau (page web, XML ou JSON) : attendu un CSV ou un classeur .xlsx")
    separator = _separator(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    rows = []
    try:
        for record in reader:
            rows.append((reader.line_num, record))
    except csv.Error as error:
        raise FileRefused(f"CSV mal formé vers la ligne {reader.line_num} : {error}") from None
    if not rows:
        raise FileRefused("fichier vide")
    _refuse_unclosed_quote(text, separator)
    (_, header), data = rows[0], rows[1:]
    # Record numbers, as a spreadsheet shows them: line 1 is the header.
    numbered = [(index + 2, record) for index, (_, record) in enumerate(data)]
    return RawTable([str(h) for h in header], numbered, encoding=encoding, separator=separator)


def _refuse_unclosed_quote(text: str, separator: str) -> None:
    """A quote opened and never closed: the lenient reader would merge every following row into one cell."""
    strict = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    records = 0
    try:
        for _ in strict:
            records += 1
    except csv.Error as error:
        if "unexpected end of data" in str(error):
            raise FileRefused(f"guillemet (\") ouvert à la ligne {records + 1} et jamais refermé : toutes les lignes "
                              "qui suivent seraient lues comme une seule cellule ; corrigez ce guillemet") from None
        # Other strict-mode complaints (a stray quote inside a cell) read fine leniently, as Excel does.


def _read_xlsx(content: bytes, sheet: str | None) -> RawTable:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise FileRefused(f"classeur Excel illisible ({type(error).__name__})") from None
    try:
        if sheet:
            if sheet not in workbook.sheetnames:
                raise FileRefused(f"feuille « {sheet} » absente du classeur ; feuilles : "
                                  + ", ".join(f"« {name} »" for name in workbook.sheetnames))
            worksheet = workbook[sheet]
        else:
            worksheet = workbook.worksheets[0]
        try:
            rows = list(_sheet_rows(worksheet))
        # A sheet cut short: ElementTree's and lxml's XML errors are both SyntaxErrors.
        except (SyntaxError, zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError) as error:
            raise FileRefused(f"classeur Excel illisible : la feuille est endommagée ({type(error).__name__})") \
                from None
    finally:
        workbook.close()
    if not rows:
        raise FileRefused(f"la feuille « {worksheet.title} » est vide")
    (_, header), data = rows[0], rows[1:]
    return RawTable(["" if is_blank(h) else str(h) for h in header], data, sheet=worksheet.title)


def _sheet_rows(worksheet) -> Iterator[tuple[int, list]]:
    started = False
    for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
        if not started and all(is_blank(v) for v in values):
            continue  # leading blank rows before the header
        started = True
        yield number, list(values)


def _trimmed(table: RawTable) -> RawTable:
    """Drop blank rows, and trailing columns that are blank in the header and every row."""
    rows = [(line, cells) for line, cells in table.rows if not all(is_blank(c) for c in cells)]
    width = len(table.header)
    while width and is_blank(table.header[width - 1]) and all(
            len(cells) < width or is_blank(cells[width - 1]) for _, cells in rows):
        width -= 1
    if width == 0:
        raise FileRefused("aucune ligne d'en-tête : la première ligne doit porter le nom des colonnes")
    table.header = [str(h).strip() for h in table.header[:width]]
    # Rows keep any cell beyond the header: validation refuses a value that has no column.
    table.rows = [(line, list(cells) + [None] * (width - len(cells))) for line, cells in rows]
    return table
