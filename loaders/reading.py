"""Reading the spreadsheets people really have: CSV from French Excel (any usual encoding and
separator) and XLSX workbooks, into a header and rows of raw cells with their line numbers.

A file that cannot be read as a table raises FileRefused with the reason in French; the
cells themselves are parsed later (loaders.parsing), column by column.

Small files must not eat the machine: a file is at most MAX_FILE_MB, a workbook at most
MAX_WORKBOOK_MB once decompressed (declared sizes checked first, actual bytes counted while
reading), a table at most MAX_DATA_ROWS rows of data and MAX_COLUMNS columns; blank rows are
skipped as they are read, never kept.
"""

import csv
import io
import re
import tomllib
import zipfile
import zlib
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from pathlib import Path, PurePath
from xml.etree.ElementTree import iterparse

from loaders.parsing import format_bound, is_blank

SERVER_CONFIG = Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml"


def upload_limit_mb(config: Path = SERVER_CONFIG) -> int:
    """The upload limit, in Mo, from one place: the server's `maxUploadSize` (the command line obeys it too)."""
    return int(tomllib.loads(config.read_text(encoding="utf-8"))["server"]["maxUploadSize"])


MAX_FILE_MB = upload_limit_mb()
MAX_WORKBOOK_MB = 300  # a workbook's XML once decompressed; 200,000 rows of 11 columns take about 110
MAX_DATA_ROWS = 200_000
MAX_COLUMNS = 200
_MAX_STRINGS_MB = 100  # the shared strings of a workbook, all read into memory
_MAX_STRINGS = 1_000_000  # openpyxl reads about 20,000 shared strings a second
_STRING_TAG = re.compile(rb"<(?:\w+:)?si[\s/>]")
_MAX_PART_MB = 20  # any other XML part (styles, workbook, relations), each read whole
_MAX_ZIP_ENTRIES = 10_000
_MAX_MERGED_RANGES = 100_000
_MAX_MERGED_CELLS = 5_000_000  # merged cells marked, all ranges together
_MAX_ROW_CELLS = 16_384  # Excel's widest sheet
_SEPARATORS = (";", ",", "\t")
_SEPARATOR_NAMES = {";": "point-virgule", ",": "virgule", "\t": "tabulation"}
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ADVICE = "enregistrez les données en CSV ou en classeur Excel (.xlsx)"
# The first bytes of files that are no table, and what to call them.
_SIGNATURES = [
    (b"%PDF-", "un document PDF"),
    (b"\x89PNG\r\n\x1a\n", "une image PNG"),
    (b"\xff\xd8\xff", "une image JPEG"),
    (b"GIF87a", "une image GIF"),
    (b"GIF89a", "une image GIF"),
    (b"II*\x00", "une image TIFF"),
    (b"MM\x00*", "une image TIFF"),
    (b"\x1f\x8b", "une archive compressée gzip (.gz)"),
    (b"7z\xbc\xaf\x27\x1c", "une archive 7-Zip"),
    (b"Rar!\x1a\x07", "une archive RAR"),
    (b"PK\x05\x06", "une archive ZIP vide"),
    (b"{\\rtf", "un document RTF (Word, WordPad)"),
    (b"SQLite format 3\x00", "une base de données SQLite"),
    (b"\x7fELF", "un programme"),
]
# Other documents of the Office and OpenDocument families: a part that names them.
_ZIP_DOCUMENTS = [
    ("xl/workbook.bin", "un classeur Excel binaire (.xlsb) : enregistrez-le au format .xlsx ou CSV"),
    ("word/document.xml", f"un document Word (.docx), pas un tableau : {_ADVICE}"),
    ("ppt/presentation.xml", f"une présentation PowerPoint (.pptx), pas un tableau : {_ADVICE}"),
]
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW, _CELL, _FORMULA, _MERGE = (_MAIN_NS + tag for tag in ("row", "c", "f", "mergeCell"))


class FileRefused(ValueError):
    """A file that cannot be read at all; the message says why, in French."""


@dataclass(frozen=True)
class UnreadCell:
    """A workbook cell whose value cannot be known, and why: a formula never computed, a merged cell.

    It reads as an empty text; the import refuses it in a column it uses, with the reason.
    """

    reason: str

    def __str__(self) -> str:
        return ""


@dataclass
class RawTable:
    """A table as read: the header cells, then each data row with its line number in the file."""

    header: list[str]
    rows: list[tuple[int, list]]
    encoding: str = ""
    separator: str = ""
    sheet: str = ""
    header_line: int = 1

    def describe(self) -> str:
        """How the file was read, in French ("CSV, UTF-8, séparateur point-virgule")."""
        if self.sheet:
            return f"classeur Excel, feuille « {self.sheet} »"
        return f"CSV, {self.encoding}, séparateur {_SEPARATOR_NAMES.get(self.separator, self.separator)}"


def refuse_oversized(size: int, max_mb: float = MAX_FILE_MB) -> None:
    """Refuse a file of `size` bytes over the limit, before reading it."""
    if size > max_mb * 1_000_000:
        raise FileRefused(f"fichier trop volumineux ({size / 1_000_000:.1f} Mo) : "
                          f"la limite est de {max_mb:g} Mo".replace(".", ","))


def read_table(content: bytes, file_name: str, sheet: str | None = None, max_mb: float = MAX_FILE_MB) -> RawTable:
    """Read a CSV or XLSX file's bytes; blank rows and trailing blank columns are dropped."""
    refuse_oversized(len(content), max_mb)
    if not content.strip():
        raise FileRefused("fichier vide")
    suffix = PurePath(file_name).suffix.lower()
    if content[:4] == b"PK\x03\x04":
        table = _read_xlsx(content, sheet)
    else:
        _refuse_other_formats(content)
        if suffix in (".xlsx", ".xlsm"):
            raise FileRefused("ce fichier porte l'extension .xlsx mais n'est pas un classeur Excel lisible")
        if suffix == ".xls":
            raise FileRefused("ancien format Excel (.xls) : enregistrez le fichier au format .xlsx ou CSV")
        table = _read_csv(content)
    return _trimmed(table)


def _refuse_other_formats(content: bytes) -> None:
    """Files recognised by their first bytes: old Office documents, PDF, images, archives."""
    if content.startswith(_OLE):
        if "EncryptedPackage".encode("utf-16-le") in content:
            raise FileRefused("classeur protégé par un mot de passe : ouvrez-le dans Excel, retirez le mot de passe "
                              "et enregistrez-le, ou enregistrez-le en CSV")
        if "WordDocument".encode("utf-16-le") in content:
            raise FileRefused(f"ce fichier est un document Word (.doc), pas un tableau : {_ADVICE}")
        raise FileRefused("ancien format Excel (.xls) : enregistrez le fichier au format .xlsx ou CSV")
    for signature, what in _SIGNATURES:
        if content.startswith(signature):
            raise FileRefused(f"ce fichier est {what}, pas un tableau : {_ADVICE}")


# CSV -------------------------------------------------------------------------------------------------

def _decode(content: bytes) -> tuple[str, str]:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "texte Unicode" export
        try:
            return content.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise FileRefused("fichier « texte Unicode » endommagé : enregistrez-le de nouveau depuis Excel") from None
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
    """The separator of the header line: the one that splits it most (outside quotes).

    A title line above the header may hold no separator at all: the first of the first lines
    that holds one decides.
    """
    lines = (line for line in io.StringIO(text) if line.strip())
    for _, line in zip(range(10), lines):
        counts = {}
        for separator in _SEPARATORS:
            try:
                counts[separator] = len(next(csv.reader([line.rstrip("\r\n")], delimiter=separator))) - 1
            except (csv.Error, StopIteration):
                counts[separator] = 0
        best = max(_SEPARATORS, key=lambda s: counts[s])
        if counts[best] > 0:
            return best
    return ";"


def _csv_error(error: csv.Error, line: int) -> FileRefused:
    """The csv module's complaint, in French."""
    if "field larger than field limit" in str(error):
        return FileRefused(f"une cellule de plus de {format_bound(csv.field_size_limit())} caractères vers la ligne "
                           f"{line} : ce n'est pas un tableau ordinaire, ou un guillemet (\") ouvert n'est jamais "
                           "refermé")
    return FileRefused(f"CSV mal formé vers la ligne {line} : enregistrez-le de nouveau depuis Excel")


def _read_csv(content: bytes) -> RawTable:
    text, encoding = _decode(content)
    if text.lstrip().lower().startswith(("<!doctype", "<html", "<?xml", "{", "[")):
        raise FileRefused("ce n'est pas un tableau (page web, XML ou JSON) : attendu un CSV ou un classeur .xlsx")
    if (position := text.find("\x00")) >= 0:
        raise FileRefused(f"caractère nul (octet 0) à la ligne {text.count(chr(10), 0, position) + 1} : un fichier "
                          "texte (CSV) n'en contient jamais ; le fichier est endommagé ou n'est pas un CSV. "
                          "Enregistrez-le de nouveau depuis Excel en CSV UTF-8")
    separator = _separator(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    header, rows = None, []
    try:
        # Record numbers, as a spreadsheet shows them: line 1 is the header.
        for number, record in enumerate(reader, start=1):
            if header is None:
                header = record
            elif any(cell.strip() for cell in record):
                rows.append((number, _bounded(record, number)))
                _refuse_too_many_rows(len(rows))
    except csv.Error as error:
        raise _csv_error(error, reader.line_num) from None
    if header is None:
        raise FileRefused("fichier vide")
    _refuse_unclosed_quote(text, separator)
    return RawTable([str(h) for h in _bounded(header, 1)], rows, encoding=encoding, separator=separator)


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


def _bounded(cells: list, line: int) -> list:
    """A row of at most MAX_COLUMNS cells: blank cells beyond are dropped, a value beyond refuses the file."""
    if len(cells) <= MAX_COLUMNS:
        return cells
    beyond = next((index for index in range(len(cells) - 1, MAX_COLUMNS - 1, -1) if not is_blank(cells[index])),
                  None)
    if beyond is not None:
        raise FileRefused(f"trop de colonnes : une valeur en colonne {format_bound(beyond + 1)} à la ligne {line} ; "
                          f"un tableau d'import a au plus {MAX_COLUMNS} colonnes")
    return cells[:MAX_COLUMNS]


def _refuse_too_many_rows(count: int) -> None:
    """Count data rows as they are read: beyond the limit, stop before they fill the memory."""
    if count > MAX_DATA_ROWS:
        raise FileRefused(f"trop de lignes : plus de {format_bound(MAX_DATA_ROWS)} lignes de données, la limite "
                          "d'un import ; découpez le fichier en plusieurs imports")


# XLSX ------------------------------------------------------------------------------------------------

def _read_xlsx(content: bytes, sheet: str | None) -> RawTable:
    _check_archive(content)
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    unreadable = (zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError, TypeError, IndexError,
                  AttributeError, OSError, SyntaxError, NotImplementedError, RuntimeError, InvalidFileException)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except unreadable:
        raise FileRefused("classeur Excel illisible : le fichier est endommagé ou n'est pas un vrai classeur "
                          "(ouvrez-le dans Excel et enregistrez-le de nouveau)") from None
    try:
        worksheet = _worksheet(workbook, sheet)
        try:
            rows = _sheet_rows(workbook, worksheet)
        except FileRefused:
            raise
        # A sheet cut short: ElementTree's XML errors are SyntaxErrors.
        except unreadable:
            raise FileRefused("classeur Excel illisible : la feuille est endommagée (fichier incomplet ou "
                              "abîmé) ; ouvrez-le dans Excel et enregistrez-le de nouveau") from None
    finally:
        workbook.close()
    if not rows:
        raise FileRefused(f"la feuille « {worksheet.title} » est vide")
    (header_line, header), data = rows[0], rows[1:]
    return RawTable(["" if is_blank(h) else str(h) for h in header], data, sheet=worksheet.title,
                    header_line=header_line)


def _worksheet(workbook, sheet: str | None):
    if not sheet:
        if not workbook.worksheets:
            raise FileRefused("le classeur n'a aucune feuille de calcul")
        return workbook.worksheets[0]
    if sheet not in workbook.sheetnames:
        raise FileRefused(f"feuille « {sheet} » absente du classeur ; feuilles : "
                          + ", ".join(f"« {name} »" for name in workbook.sheetnames))
    return workbook[sheet]


def _check_archive(content: bytes) -> None:
    """Refuse a zip that is no workbook, or whose parts would inflate beyond the limits, before opening it."""
    end = content.rfind(b"PK\x05\x06", max(0, len(content) - 65_557))
    if end >= 0 and int.from_bytes(content[end + 10:end + 12], "little") > _MAX_ZIP_ENTRIES:
        raise FileRefused(f"archive de plus de {format_bound(_MAX_ZIP_ENTRIES)} fichiers : ce n'est pas un classeur "
                          "Excel ordinaire")
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError, IndexError):
        raise FileRefused("classeur Excel illisible : le fichier est incomplet ou endommagé (archive ZIP "
                          "illisible)") from None
    with archive:
        _refuse_other_documents(archive)
        _refuse_inflated(archive.infolist())
        _refuse_crowded_strings(archive)


def _refuse_crowded_strings(archive: zipfile.ZipFile) -> None:
    """Count the shared strings as they inflate (bytes counted too): openpyxl would read them all, slowly."""
    name = next((n for n in archive.namelist() if n.lower() == "xl/sharedstrings.xml"), None)
    if name is None:
        return
    count, tail = 0, b""
    try:
        with archive.open(name) as raw:
            stream = _BoundedStream(raw, _MAX_STRINGS_MB * 1_000_000, name)
            while chunk := stream.read(1 << 20):
                data = tail + chunk
                count += len(_STRING_TAG.findall(data)) - len(_STRING_TAG.findall(tail))
                tail = data[-16:]
                if count > _MAX_STRINGS:
                    raise FileRefused(f"classeur de plus de {format_bound(_MAX_STRINGS)} textes différents : ce n'est "
                                      "pas un tableau d'import ordinaire ; enregistrez-le en CSV")
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError):
        raise FileRefused("classeur Excel illisible : le fichier est incomplet ou endommagé") from None


def _refuse_other_documents(archive: zipfile.ZipFile) -> None:
    names = set(archive.namelist())
    if "mimetype" in names and archive.getinfo("mimetype").file_size < 200:
        try:
            mimetype = archive.read("mimetype").decode("ascii", "replace")
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError):
            mimetype = ""
        if mimetype.endswith("opendocument.spreadsheet"):
            raise FileRefused("classeur OpenDocument (.ods, LibreOffice ou OpenOffice) : enregistrez-le au format "
                              "Excel (.xlsx) ou CSV")
        raise FileRefused(f"ce fichier est un document OpenDocument, pas un tableau : {_ADVICE}")
    for part, what in _ZIP_DOCUMENTS:
        if part in names:
            raise FileRefused(f"ce fichier est {what}")
    if "[Content_Types].xml" not in names:
        raise FileRefused("ce fichier est une archive ZIP, pas un classeur Excel : décompressez-la et importez le "
                          "fichier CSV ou .xlsx qu'elle contient")


def _refuse_inflated(parts: list[zipfile.ZipInfo]) -> None:
    """The sizes the archive declares for its XML parts (what openpyxl reads), against the limits."""
    total = 0
    for part in parts:
        name = part.filename.lower()
        if not name.endswith((".xml", ".rels")):
            continue  # pictures and printer settings are never read
        total += part.file_size
        limit = (MAX_WORKBOOK_MB if name.startswith("xl/worksheets/") else
                 _MAX_STRINGS_MB if name == "xl/sharedstrings.xml" else _MAX_PART_MB)
        if part.file_size > limit * 1_000_000 or total > MAX_WORKBOOK_MB * 1_000_000:
            raise FileRefused(_inflated_message(max(part.file_size, total), limit, part.filename))


def _inflated_message(size: int, limit_mb: float, part: str) -> str:
    where = "" if part.startswith("xl/worksheets/") else f" (partie « {part} »)"
    return (f"classeur trop volumineux une fois décompressé{where} : plus de {format_bound(size / 1_000_000)} Mo, "
            f"la limite est de {format_bound(limit_mb)} Mo ; un classeur de {format_bound(MAX_DATA_ROWS)} lignes "
            "ordinaires en occupe environ 110. Retirez les lignes, colonnes et mises en forme inutiles, ou "
            "enregistrez-le en CSV")


class _BoundedStream:
    """A decompressing stream that refuses the file past `limit` bytes read: declared sizes can lie."""

    def __init__(self, raw, limit: int, part: str = "xl/worksheets/"):
        self._raw, self._limit, self._part, self._read = raw, limit, part, 0

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size if size >= 0 else self._limit + 1)
        self._read += len(data)
        if self._read > self._limit:
            raise FileRefused(_inflated_message(self._read, self._limit / 1_000_000, self._part))
        return data


def _sheet_rows(workbook, worksheet) -> list[tuple[int, list]]:
    """The rows of a sheet holding a value, with the numbers Excel shows; merged cells marked.

    The sheet's XML is parsed as a stream: each row is turned into values, then dropped from the
    tree, so that a blank row leaves nothing behind (a sheet formatted down to row 1,048,576 is fine).
    """
    from openpyxl.worksheet._reader import WorkSheetParser

    # openpyxl's own cell reader (shared strings, numbers, dates by style), without its row bookkeeping,
    # which keeps every formatted row in memory. Private names of openpyxl 3.1, pinned in requirements.txt.
    parser = WorkSheetParser(None, worksheet._shared_strings, data_only=True, epoch=workbook.epoch,
                             date_formats=workbook._date_formats, timedelta_formats=workbook._timedelta_formats)
    rows, merged, path, number = [], [], [], 0
    with worksheet._get_source() as raw:
        for event, element in iterparse(_BoundedStream(raw, MAX_WORKBOOK_MB * 1_000_000), events=("start", "end")):
            if event == "start":
                path.append(element)
                continue
            path.pop()
            if len(path) == 3 and len(path[2]) > _MAX_ROW_CELLS:  # a cell of a row (worksheet > sheetData > row)
                raise FileRefused(f"ligne {path[2].get('r', number + 1)} de plus de {format_bound(_MAX_ROW_CELLS)} "
                                  "cellules : ce n'est pas un classeur Excel valide")
            if len(path) not in (1, 2):
                continue  # inside a row or a cell: read with the row
            if element.tag == _ROW:
                number = int(element.get("r", number + 1))
                if cells := _row_values(parser, element, number):
                    rows.append((number, cells))
                    _refuse_too_many_rows(len(rows) - 1)
            elif element.tag == _MERGE and len(merged) < _MAX_MERGED_RANGES:
                merged.append(element.get("ref", ""))
            path[-1].remove(element)  # a part of the sheet done with: nothing of it stays in memory
    _mark_merged(rows, merged)
    return rows


def _row_values(parser, row, number: int) -> list:
    """A row's cells as values (None where empty); [] for a row holding no value."""
    parser.row_counter, parser.col_counter = number, 0
    values = {}
    for element in row:
        if element.tag != _CELL:
            continue
        cell = parser.parse_cell(element)
        value = cell["value"]
        if value is None and element.find(_FORMULA) is not None and element.get("t") != "str":
            # No computed value stored (an empty one is a text formula's, t="str"): a program wrote the formula.
            value = UnreadCell("la cellule contient une formule dont la valeur n'a jamais été calculée (fichier "
                               "produit par un programme) : ouvrez-le dans Excel et enregistrez-le, ou collez "
                               "les valeurs à la place des formules")
        elif cell["data_type"] == "e":
            value = UnreadCell(f"la cellule affiche l'erreur Excel {value} : corrigez la formule ou la valeur")
        if value is not None:
            values[cell["column"]] = value
    known = [column for column, value in values.items() if not is_blank(value) and not isinstance(value, UnreadCell)]
    if not known:
        return []
    width = max(known)
    if width > MAX_COLUMNS:
        raise FileRefused(f"trop de colonnes : une valeur en colonne {format_bound(width)} à la ligne {number} ; un "
                          f"tableau d'import a au plus {MAX_COLUMNS} colonnes")
    cells = [None] * max(column for column in values if column <= MAX_COLUMNS)
    for column, value in values.items():
        if column <= MAX_COLUMNS:
            cells[column - 1] = value
    return cells


def _mark_merged(rows: list[tuple[int, list]], ranges: list[str]) -> None:
    """Cells hidden by a merge (all but its top-left one) become UnreadCell, in the rows kept."""
    from openpyxl.utils.cell import get_column_letter, range_boundaries

    by_line = dict(rows)
    lines = sorted(by_line)
    budget = _MAX_MERGED_CELLS
    for ref in ranges:
        try:
            first_column, first_row, last_column, last_row = range_boundaries(ref)
        except (ValueError, TypeError):
            continue
        origin = f"{get_column_letter(first_column)}{first_row}"
        for line in lines[bisect_left(lines, first_row):bisect_right(lines, last_row)]:
            cells = by_line[line]
            cells.extend([None] * (min(last_column, MAX_COLUMNS) - len(cells)))
            for column in range(first_column, min(last_column, len(cells)) + 1):
                budget -= 1
                if (line, column) != (first_row, first_column) and cells[column - 1] is None:
                    cells[column - 1] = UnreadCell(
                        f"cellule fusionnée avec {origin} : sa valeur n'est écrite qu'en {origin} ; défusionnez les "
                        "cellules et recopiez la valeur dans chaque ligne")
            if budget <= 0:
                return


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
