"""Import files built in code, as people really send them: CSV in every usual encoding and separator,
XLSX workbooks, a corpus of files that cannot be read at all (no binary file is committed), and the
hostile corpus (HOSTILE_FILES): files that once crashed the import, misled its user or ate the
machine, each with what the user must see. Bombs are built on demand, small and fast.

Also the good files of several rows, one per kind, that the import tests write, export and import again:
each holds a value beginning with "=" (a title or a name) and, where the kind has one, a phone beginning
with "+33", the cells a spreadsheet would run as formulas.
"""

import csv
import gzip
import io
import random
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from openpyxl import Workbook

from loaders.kinds import KINDS


def csv_bytes(rows: list[list], separator: str = ";", encoding: str = "utf-8-sig", line_end: str = "\r\n") -> bytes:
    """Rows as a CSV file (cells quoted only when they must be, as Excel does)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=separator, lineterminator=line_end)
    writer.writerows([["" if cell is None else cell for cell in row] for row in rows])
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(sheets: dict[str, list[list]]) -> bytes:
    """A workbook with one sheet per entry, in order; cells keep their Python type (dates, numbers)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        worksheet = workbook.create_sheet(name)
        for row in rows:
            worksheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def headers(kind: str) -> list[str]:
    """The template's French headers of a kind, in order."""
    return [column.header for column in KINDS[kind].columns]


def kind_rows(kind: str, records: list[dict]) -> list[list]:
    """A header line and one row per record ({French header: cell}); absent columns are left empty."""
    names = headers(kind)
    return [names, *[[record.get(name) for name in names] for record in records]]


def kind_csv(kind: str, records: list[dict]) -> bytes:
    """A kind's file in French Excel's CSV (UTF-8 with BOM, semicolons)."""
    return csv_bytes(kind_rows(kind, records))


def damaged_xlsx() -> bytes:
    """A real workbook whose sheet XML was cut in half (a download interrupted, a disk error)."""
    intact = xlsx_bytes({"Feuil1": [headers("events"), ["Forum", "Forum", "12/03/2026", "Lille"]]})
    source, buffer = zipfile.ZipFile(io.BytesIO(intact)), io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as damaged:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/feuil1.xml" or item.filename.startswith("xl/worksheets/sheet"):
                data = data[:len(data) // 2]
            damaged.writestr(item, data)
    return buffer.getvalue()


def _plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "pas un classeur")
    return buffer.getvalue()


@dataclass(frozen=True)
class BadFile:
    """A file the import must refuse as a whole, and the words of the French reason."""

    name: str
    content: bytes
    message: str


OLE_HEADER = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
BAD_FILES = [
    BadFile("vide.csv", b"", "fichier vide"),
    BadFile("blancs.csv", b"   \r\n\n\t  \n", "fichier vide"),
    BadFile("page.csv", b"<!DOCTYPE html>\n<html><head><title>Connexion</title></head><body></body></html>",
            "page web"),
    BadFile("export.csv", b'{"evenements": []}', "JSON"),
    BadFile("hasard.csv", random.Random(20261125).randbytes(4096), "ce n'est pas un fichier texte"),
    BadFile("ancien.xls", OLE_HEADER + bytes(504), "ancien format Excel (.xls)"),
    BadFile("ancien_renomme.csv", OLE_HEADER + bytes(504), "ancien format Excel (.xls)"),
    BadFile("texte.xlsx", "Intitulé;Type\nForum;Forum\n".encode(), "n'est pas un classeur Excel lisible"),
    BadFile("archive.xlsx", _plain_zip(), "archive ZIP, pas un classeur Excel"),
    BadFile("tronque.xlsx", b"PK\x03\x04" + bytes(200), "classeur Excel illisible"),
    BadFile("cp1252_81.csv", b"Intitul\xe9;Type\nForum \x81;Forum\n", "encodage inconnu"),
    BadFile("seulement_separateurs.csv", b";;;\r\n;;;\r\n", "aucune ligne d'en-tête"),
]

# Good files of several rows per kind, as {French header: cell}: written, exported and imported again.
GOOD_RECORDS = {
    "events": [
        {"Intitulé": "=Forum des métiers", "Type": "Forum des métiers", "Date": "12/03/2026", "Commune": "Lille",
         "UAI du lycée": "0590117G", "Filière": "Industrie", "Public": "Lycéens, Parents", "Participants": "120",
         "Lycées participants": "0590117G, 0593117T"},
        {"Intitulé": "Salon de l'apprentissage", "Type": "Salon", "Date": "2026-04-01", "Commune": "Amiens"},
        {"Intitulé": "-Café des parents", "Type": "Café des parents", "Date": "09/12/2025", "Commune": "St Omer",
         "Filière": "Santé", "Public": "Parents", "Participants": "12", "Lycées participants": "0593117T"},
    ],
    "referents": [
        {"Nom": "=Camille Exemple", "Courriel": "camille.exemple@example.org", "Téléphone": "+33 3 20 00 00 00",
         "ETP": "0,8", "Départements": "59", "EPCI": "200093201"},
        {"Nom": "Dominique Exemple", "Courriel": "dominique.exemple@example.org", "Téléphone": "0320000001",
         "ETP": "1", "Départements": "62, 80"},
        {"Nom": "Sacha Exemple", "Courriel": "sacha.exemple@example.org", "Départements": "02"},
    ],
    "ambassadors": [
        {"Nom": "=Alex Exemple", "Courriel": "alex.exemple@example.org", "Téléphone": "+33 6 00 00 00 00",
         "Métier": "Technicienne de maintenance", "Filière": "Industrie", "Employeur": "Entreprise Exemple",
         "Canal de recrutement": "CCI", "Mécénat": "oui", "Commune": "Dunkerque", "Département": "59",
         "Code postal": "59140", "Date d'entrée": "01/09/2025"},
        {"Nom": "Lou Exemple", "Courriel": "lou.exemple@example.org", "Téléphone": "06 00 00 00 01",
         "Filière": "Santé", "Commune": "Amiens", "Date d'entrée": "01/09/2024", "Date de sortie": "30/06/2025"},
    ],
    "remediation": [
        {"Nom": "=E2C Exemple", "Type": "École de la deuxième chance", "Porteur": "Association Exemple",
         "Commune": "Amiens", "Département": "80", "Code postal": "80000", "Date du relevé": "01/10/2025",
         "Places ouvertes": "40", "Places occupées": "32"},
        {"Nom": "=E2C Exemple", "Type": "École de la deuxième chance", "Porteur": "Association Exemple",
         "Commune": "Amiens", "Date du relevé": "05/01/2026", "Places ouvertes": "40", "Places occupées": "35"},
        {"Nom": "Micro-lycée Exemple", "Type": "Micro-lycée", "Commune": "Lille", "Date du relevé": "01/10/2025",
         "Places ouvertes": "20", "Places occupées": "0"},
    ],
    # Every indicator the demo holds is given, so that no demo value is left to export (see the xfail test).
    "indicators": [
        {"Code indicateur": "decrocheurs_16_25", "Niveau": "département", "Code territoire": "59",
         "Période": "2025-2026", "Valeur": "5230", "Source": "Rectorat, plateforme de suivi (PSAD)",
         "Libellé": "Jeunes décrocheurs de 16 à 25 ans", "Unité": "personnes"},
        {"Code indicateur": "taux_neet_16_25", "Niveau": "département", "Code territoire": "62",
         "Période": "2025", "Valeur": "12,5", "Source": "=INSEE", "Unité": "%"},
        {"Code indicateur": "lyceens_effectif", "Niveau": "région", "Code territoire": "32",
         "Période": "2025-2026", "Valeur": "205 000", "Source": "Rectorat"},
        {"Code indicateur": "mon_indicateur", "Niveau": "commune", "Code territoire": "Lille",
         "Période": "2025", "Valeur": "-2,5", "Source": "Observatoire", "Libellé": "Indicateur maison",
         "Unité": "%"},
        {"Code indicateur": "mon_indicateur", "Niveau": "EPCI", "Code territoire": "200093201",
         "Période": "2025", "Valeur": "3", "Source": "Observatoire", "Libellé": "Indicateur maison",
         "Unité": "%"},
    ],
}


# The hostile corpus -----------------------------------------------------------------------------------

SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def sheet_cell(value) -> bytes:
    """One cell of a sheet's XML, without its reference (readers count the columns): text inline, or a number."""
    if isinstance(value, (int, float)):
        return b"<c><v>%s</v></c>" % repr(value).encode()
    text = str(value).replace("&", "&amp;").replace("<", "&lt;")
    return b'<c t="inlineStr"><is><t>' + text.encode() + b"</t></is></c>"


def sheet_row(values: list, number: int | None = None) -> bytes:
    """One row of a sheet's XML."""
    opening = b"<row>" if number is None else b'<row r="%d">' % number
    return opening + b"".join(sheet_cell(v) for v in values) + b"</row>"


def workbook_with_sheet(chunks: Iterable[bytes], dimension: str = "A1", after_rows: bytes = b"") -> bytes:
    """A real workbook whose sheet's rows are the given XML, streamed into the zip (a bomb never sits in memory)."""
    intact = zipfile.ZipFile(io.BytesIO(xlsx_bytes({"Feuil1": [["x"]]})))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as workbook:
        for item in intact.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                workbook.writestr(item.filename, intact.read(item.filename))
                continue
            with workbook.open(item.filename, "w", force_zip64=True) as sheet:
                sheet.write(f'<worksheet xmlns="{SHEET_NS}"><dimension ref="{dimension}"/><sheetData>'.encode())
                for chunk in chunks:
                    sheet.write(chunk)
                sheet.write(b"</sheetData>" + after_rows + b"</worksheet>")
    return buffer.getvalue()


def _event_cells(title: str = "Forum des métiers", day: str = "12/03/2026", commune: str = "Lille") -> list:
    return [title, "Forum des métiers", day, commune]


def inflating_workbook(megabytes: int) -> bytes:
    """A workbook of a few hundred kilobytes whose sheet inflates to `megabytes` (blanks between two rows)."""
    def chunks() -> Iterator[bytes]:
        yield sheet_row(headers("events")[:4]) + sheet_row(_event_cells())
        for _ in range(megabytes // 10):
            yield b" " * 10_000_000
    return workbook_with_sheet(chunks(), "A1:D2")


def declared_size_workbook(declared: int = 2_000_000_000) -> bytes:
    """A small workbook whose zip directory declares a sheet of `declared` bytes (a bomb as the zip lists it)."""
    small = xlsx_bytes({"Feuil1": kind_rows("events", [{"Intitulé": "Forum", "Type": "Forum", "Date": "12/03/2026",
                                                        "Commune": "Lille"}])})
    return declared_size_workbook_from(small, declared)


def lying_size_workbook() -> bytes:
    """A workbook whose sheet holds 50 MB of rows but whose zip declares 2,000 bytes for it."""
    honest = workbook_with_sheet(
        [sheet_row(headers("events")[:4]), *(sheet_row(_event_cells()) * 10_000 for _ in range(25))], "A1:D250001")
    return declared_size_workbook_from(honest, 2_000)


def declared_size_workbook_from(content: bytes, declared: int) -> bytes:
    """A workbook's bytes with the sheet's declared (uncompressed) size in the zip directory replaced."""
    patched = bytearray(content)
    entry = patched.rfind(b"PK\x01\x02")
    while entry >= 0:
        name_length = int.from_bytes(patched[entry + 28:entry + 30], "little")
        name = bytes(patched[entry + 46:entry + 46 + name_length])
        if name.startswith(b"xl/worksheets/"):
            if patched[entry + 24:entry + 28] == b"\xff\xff\xff\xff":  # zip64: the size is in the extra field
                extra = entry + 46 + name_length
                patched[extra + 4:extra + 12] = declared.to_bytes(8, "little")
            else:
                patched[entry + 24:entry + 28] = declared.to_bytes(4, "little")
        entry = patched.rfind(b"PK\x01\x02", 0, entry)
    return bytes(patched)


def formatted_rows_workbook(rows: int = 1_048_576, dimension: str = "A1:XFD1048576") -> bytes:
    """One data row, then every row of the sheet formatted but empty (a whole column coloured in Excel)."""
    def chunks() -> Iterator[bytes]:
        yield sheet_row(headers("events")[:4], 1) + sheet_row(_event_cells(), 2)
        batch = range(3, rows + 1)
        for start in range(0, len(batch), 50_000):
            yield b"".join(b'<row r="%d" s="1" customFormat="1" ht="15"/>' % n for n in batch[start:start + 50_000])
        yield b'<row r="%d"><c r="A%d" s="1"/><c r="XFD%d" s="1"/></row>' % (rows + 1, rows + 1, rows + 1)
    return workbook_with_sheet(chunks(), dimension)


def many_rows_workbook(rows: int) -> bytes:
    """`rows` data rows of one cell each (under an events header)."""
    return workbook_with_sheet([sheet_row(headers("events")[:4]), *(sheet_row(["Forum"]) * 10_000
                                                                    for _ in range(rows // 10_000))],
                               f"A1:D{rows + 1}")


def many_rows_csv(rows: int) -> bytes:
    """`rows` data rows under an events header, in a CSV."""
    return csv_bytes([headers("events")[:4]]) + b"Forum;Forum;12/03/2026;Lille\r\n" * rows


def wide_workbook(column: int = 16_384) -> bytes:
    """A workbook with a value far to the right (column XFD, the last Excel has)."""
    from openpyxl.utils import get_column_letter

    return workbook_with_sheet([sheet_row(headers("events")[:4], 1),
                                b'<row r="2">' + b"".join(sheet_cell(v) for v in _event_cells())
                                + f'<c r="{get_column_letter(column)}2"><v>1</v></c>'.encode() + b"</row>"])


def shared_strings_workbook(count: int) -> bytes:
    """A workbook whose table of shared strings holds `count` tiny texts (openpyxl reads them all, slowly)."""
    intact = zipfile.ZipFile(io.BytesIO(xlsx_bytes({"Feuil1": [["x"]]})))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as workbook:
        for item in intact.infolist():
            workbook.writestr(item.filename, intact.read(item.filename))
        with workbook.open("xl/sharedStrings.xml", "w", force_zip64=True) as strings:
            strings.write(f'<sst xmlns="{SHEET_NS}">'.encode())
            for start in range(0, count, 100_000):
                strings.write(b"".join(b"<si><t>%d</t></si>" % n for n in range(start, min(count, start + 100_000))))
            strings.write(b"</sst>")
    return buffer.getvalue()


def crowded_zip(entries: int = 20_000) -> bytes:
    """A zip of many tiny files, named like a workbook's."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for number in range(entries):
            archive.writestr(f"xl/media/image{number}.png", b"")
    return buffer.getvalue()


def formula_workbook() -> bytes:
    """A workbook written by a program: the commune is a formula Excel never computed (no stored value)."""
    return xlsx_bytes({"Feuil1": [headers("events")[:4], ["Forum", "Forum", "12/03/2026", '=CONCAT("Li","lle")']]})


def merged_workbook() -> bytes:
    """Two events in one commune, written once in two merged cells (D2:D3)."""
    from openpyxl import load_workbook

    rows = [headers("events")[:4], _event_cells("Forum A"), _event_cells("Forum B", commune=None)]
    workbook = load_workbook(io.BytesIO(xlsx_bytes({"Feuil1": rows})))
    workbook.active.merge_cells("D2:D3")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def zip_document(parts: dict[str, str]) -> bytes:
    """A zip holding these parts: an OpenDocument or Office document that is no workbook."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def nul_after_4k_csv() -> bytes:
    """A CSV whose NUL byte comes after the first 4 KB (a disk error, a binary pasted in a cell)."""
    rows = [{"Intitulé": f"Forum {n}", "Type": "Forum", "Date": "12/03/2026", "Commune": "Lille"} for n in range(150)]
    content = kind_csv("events", rows)
    assert len(content) > 5_000
    return content[:5_000] + b"\x00" + content[5_000:]


def encrypted_workbook() -> bytes:
    """What Excel writes for a workbook protected by a password: an OLE container holding an EncryptedPackage."""
    return OLE_HEADER + bytes(504) + "EncryptedPackage".encode("utf-16-le") + bytes(64)


def _events(*cells: list, header: list | None = None, title_rows: list | None = None, total: list | None = None,
            workbook: bool = False) -> Callable[[], bytes]:
    """An events file of these rows (Intitulé, Type, Date, Commune, then more columns), built on demand."""
    def build() -> bytes:
        rows = [*(title_rows or []), header or headers("events"), *cells, *([total] if total else [])]
        return xlsx_bytes({"Feuil1": rows}) if workbook else csv_bytes(rows)
    return build


def _one(kind: str, record: dict, workbook: bool = False) -> Callable[[], bytes]:
    def build() -> bytes:
        rows = kind_rows(kind, [record])
        return xlsx_bytes({"Feuil1": rows}) if workbook else csv_bytes(rows)
    return build


@dataclass(frozen=True)
class HostileFile:
    """A file built to hurt the import, and what its user must see.

    `refused`: words of the French reason when the whole file is refused; else `errors`, the
    (line, column, words of the reason) of each refused cell, and `notices`, words of the notices.
    """

    case: str
    defect: int  # the item of issue 10 it comes from
    kind: str
    name: str
    build: Callable[[], bytes]
    refused: str = ""
    errors: tuple[tuple[int, str, str], ...] = ()
    notices: tuple[str, ...] = ()


_REMEDIATION = {"Nom": "E2C Exemple", "Type": "E2C", "Commune": "Amiens", "Date du relevé": "01/10/2025",
                "Places ouvertes": "40", "Places occupées": "32"}
_INDICATOR = {"Code indicateur": "decrocheurs_16_25", "Niveau": "département", "Code territoire": "59",
              "Période": "2025-2026", "Valeur": "5230", "Source": "Rectorat"}
_TOO_BIG = "nombre trop grand (au plus 1\u202f000\u202f000)"
HOSTILE_FILES = [
    HostileFile("participants-23-chiffres", 1, "events", "evenements.csv",
                _events(_event_cells() + [None, None, None, None, None, "99999999999999999999999"]),
                errors=((2, "Participants", _TOO_BIG),)),
    HostileFile("participants-au-dela-de-2^31", 1, "events", "evenements.csv",
                _events(_event_cells() + [None, None, None, None, None, "2147483648"]),
                errors=((2, "Participants", _TOO_BIG),)),
    HostileFile("participants-1e30-dans-un-classeur", 1, "events", "evenements.xlsx",
                _events(_event_cells() + [None, None, None, None, None, 1e30], workbook=True),
                errors=((2, "Participants", _TOO_BIG),)),
    HostileFile("places-ouvertes-3-milliards", 1, "remediation", "remediation.csv",
                _one("remediation", {**_REMEDIATION, "Places ouvertes": "3000000000"}),
                errors=((2, "Places ouvertes", _TOO_BIG),)),
    HostileFile("valeur-de-400-chiffres", 1, "indicators", "indicateurs.csv",
                _one("indicators", {**_INDICATOR, "Valeur": "9" * 400}),
                errors=((2, "Valeur", "nombre trop grand (400 chiffres)"),)),
    HostileFile("valeur-1e300-dans-un-classeur", 1, "indicators", "indicateurs.xlsx",
                _one("indicators", {**_INDICATOR, "Valeur": -1e300}, workbook=True),
                errors=((2, "Valeur", "nombre trop petit (au moins -1\u202f000\u202f000\u202f000\u202f000)"),)),
    HostileFile("octet-nul-apres-4-ko", 2, "events", "evenements.csv", nul_after_4k_csv,
                refused="caractère nul (octet 0) à la ligne 123 : un fichier texte (CSV) n'en contient jamais"),
    HostileFile("caractere-de-controle", 2, "events", "evenements.csv",
                _events(_event_cells("Forum\x01 des métiers")),
                errors=((2, "Intitulé", "caractère de contrôle invisible (code 01)"),)),
    HostileFile("pdf-renomme-csv", 6, "events", "evenements.csv", lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(300),
                refused="ce fichier est un document PDF, pas un tableau"),
    HostileFile("image-png-renommee-xlsx", 6, "events", "evenements.xlsx",
                lambda: b"\x89PNG\r\n\x1a\n" + bytes(200), refused="ce fichier est une image PNG"),
    HostileFile("photo-jpeg-renommee-csv", 6, "events", "evenements.csv", lambda: b"\xff\xd8\xff\xe0" + bytes(200),
                refused="ce fichier est une image JPEG"),
    HostileFile("csv-compresse-gzip", 6, "events", "evenements.csv",
                lambda: gzip.compress(kind_csv("events", [{"Intitulé": "Forum"}])),
                refused="archive compressée gzip"),
    HostileFile("classeur-ods-renomme-xlsx", 6, "events", "evenements.xlsx",
                lambda: zip_document({"mimetype": "application/vnd.oasis.opendocument.spreadsheet",
                                      "content.xml": "<office:document-content/>"}),
                refused="classeur OpenDocument (.ods"),
    HostileFile("document-word-docx", 6, "events", "evenements.xlsx",
                lambda: zip_document({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"}),
                refused="document Word (.docx)"),
    HostileFile("classeur-binaire-xlsb", 6, "events", "evenements.xlsx",
                lambda: zip_document({"[Content_Types].xml": "<Types/>", "xl/workbook.bin": "\x00"}),
                refused="classeur Excel binaire (.xlsb)"),
    HostileFile("archive-zip-renommee-xlsx", 6, "events", "evenements.xlsx", _plain_zip,
                refused="archive ZIP, pas un classeur Excel"),
    HostileFile("classeur-protege-par-mot-de-passe", 6, "events", "evenements.xlsx", encrypted_workbook,
                refused="classeur protégé par un mot de passe"),
    HostileFile("cellule-de-2-mo", 6, "events", "evenements.csv",
                lambda: csv_bytes([headers("events")[:4]]) + b'"' + b"a" * 2_000_000 + b'";Forum;12/03/2026;Lille\r\n',
                refused="une cellule de plus de 131\u202f072 caractères vers la ligne 2"),
    HostileFile("bombe-2-go-declares", 4, "events", "evenements.xlsx", declared_size_workbook,
                refused="classeur trop volumineux une fois décompressé : plus de 2\u202f000 Mo, la limite est de "
                        "300 Mo"),
    HostileFile("bombe-310-mo-reels", 4, "events", "evenements.xlsx", lambda: inflating_workbook(310),
                refused="classeur trop volumineux une fois décompressé"),
    HostileFile("taille-declaree-mensongere", 4, "events", "evenements.xlsx", lying_size_workbook,
                refused="classeur Excel illisible : le fichier est endommagé"),
    HostileFile("1-048-576-lignes-mises-en-forme", 4, "events", "evenements.xlsx", formatted_rows_workbook),
    HostileFile("200-001-lignes-csv", 4, "events", "evenements.csv", lambda: many_rows_csv(200_001),
                refused="trop de lignes : plus de 200\u202f000 lignes de données"),
    HostileFile("200-001-lignes-classeur", 4, "events", "evenements.xlsx", lambda: many_rows_workbook(210_000),
                refused="trop de lignes : plus de 200\u202f000 lignes de données"),
    HostileFile("valeur-en-colonne-xfd", 4, "events", "evenements.xlsx", wide_workbook,
                refused="trop de colonnes : une valeur en colonne 16\u202f384 à la ligne 2"),
    HostileFile("csv-de-300-colonnes", 4, "events", "evenements.csv",
                lambda: csv_bytes([headers("events")[:4] + [""] * 296, _event_cells() + [""] * 295 + ["x"]]),
                refused="trop de colonnes : une valeur en colonne 300 à la ligne 2"),
    HostileFile("1-100-000-textes-partages", 4, "events", "evenements.xlsx", lambda: shared_strings_workbook(1_100_000),
                refused="classeur de plus de 1\u202f000\u202f000 textes différents"),
    HostileFile("zip-de-20-000-fichiers", 4, "events", "evenements.xlsx", crowded_zip,
                refused="archive de plus de 10\u202f000 fichiers"),
    HostileFile("formule-sans-valeur", 6, "events", "evenements.xlsx", formula_workbook,
                errors=((2, "Commune", "formule dont la valeur n'a jamais été calculée"),)),
    HostileFile("cellules-fusionnees", 6, "events", "evenements.xlsx", merged_workbook,
                errors=((3, "Commune", "cellule fusionnée avec D2"),)),
    HostileFile("date-46000-en-csv", 6, "events", "evenements.csv", _events(_event_cells(day="46000")),
                errors=((2, "Date", "un nombre n'est lu comme une date que dans une cellule de date d'un classeur"),)),
    HostileFile("date-1e5-en-csv", 6, "events", "evenements.csv", _events(_event_cells(day="1e5")),
                errors=((2, "Date", "un nombre n'est lu comme une date que dans une cellule de date d'un classeur"),)),
    HostileFile("date-46000-dans-un-classeur", 6, "events", "evenements.xlsx",
                _events(_event_cells()[:2] + [46000, "Lille"], workbook=True)),
    HostileFile("titre-au-dessus-de-l-en-tete-csv", 6, "events", "evenements.csv",
                _events(_event_cells(), title_rows=[["Événements info-métiers 2026"], []]),
                notices=("Ligne 1 au-dessus de l'en-tête ignorée (titre « Événements info-métiers 2026 ») : "
                         "l'en-tête est la ligne 3.",)),
    HostileFile("titre-au-dessus-de-l-en-tete-classeur", 6, "events", "evenements.xlsx",
                _events(_event_cells(), title_rows=[["Événements 2026"], ["Export du 12/03/2026", None, "Réseau"]],
                        workbook=True),
                notices=("Lignes 1, 2 au-dessus de l'en-tête ignorées (titre « Événements 2026 ») : l'en-tête est "
                         "la ligne 3.",)),
    HostileFile("ligne-de-total", 6, "events", "evenements.xlsx",
                _events(_event_cells() + [None] * 5 + [120], total=["Total", None, None, None] + [None] * 5 + [120],
                        workbook=True),
                notices=("Ligne 3 ignorée : c'est une ligne de total (« Total »), pas une donnée.",)),
]
