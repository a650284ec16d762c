"""Import files built in code, as people really send them: CSV in every usual encoding and separator,
XLSX workbooks, and a corpus of files that cannot be read at all (no binary file is committed).

Also the good files of several rows, one per kind, that the import tests write, export and import again:
each holds a value beginning with "=" (a title or a name) and, where the kind has one, a phone beginning
with "+33", the cells a spreadsheet would run as formulas.
"""

import csv
import io
import random
import zipfile
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
    BadFile("archive.xlsx", _plain_zip(), "classeur Excel illisible"),
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
        {"Intitulé": "-Café des parents", "Type": "Café des parents", "Date": "46000", "Commune": "St Omer",
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
