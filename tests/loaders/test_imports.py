"""Importing a région's spreadsheets into a real Hauts-de-France store: what is accepted, what is refused
and why (line, column, value, French message), all or nothing, the audit trail, re-imports and round trips
that change nothing, interruptions that leave the store as it was, and the command line's exit codes.

The store is conftest's demo_store_url (built once per session); a test that writes works on its own
copy of the SQLite file. Most tests check and write with check_file and write_check: import_file and the
CLI also recompute the measures (several seconds), so they are used where that recompute matters.
"""

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select
from sqlmodel import Session

import loaders.imports as imports
from loaders.build import init_store, store_stats
from loaders.imports import (
    ImportCheck,
    ImportReport,
    check_file,
    check_table,
    export_rows,
    import_file,
    refused_rows,
    write_check,
)
from loaders.kinds import KINDS, kind_of
from loaders.places import Places
from loaders.reading import FileRefused, RawTable
from models.access import Viewer
from models.audit import ImportBatch
from models.db import get_engine
from models.indicators import Indicator, IndicatorValue
from models.measures import INDICATORS
from models.queries import count_demo_rows
from models.resources import (
    Ambassador,
    CapacitySnapshot,
    Event,
    EventSchool,
    Referent,
    ReferentArea,
    RemediationStructure,
)
from models.schoolyear import school_year_label
from models.settings import get_settings
from tests.conftest import DEMO_SEED, DEMO_TODAY
from tests.loaders.import_files import (
    BAD_FILES,
    GOOD_RECORDS,
    csv_bytes,
    headers,
    kind_csv,
    kind_rows,
    xlsx_bytes,
)
from views.formatting import format_number
from views.tables import to_csv_bytes, to_xlsx_bytes

PROJECT = Path(__file__).resolve().parents[2]
TEMPLATES = PROJECT / "data" / "templates"
REGION = "32"
KIND_NAMES = ["referents", "events", "ambassadors", "remediation", "indicators"]
TABLES = {"referents": [Referent, ReferentArea], "events": [Event, EventSchool], "ambassadors": [Ambassador],
          "remediation": [RemediationStructure, CapacitySnapshot], "indicators": [Indicator, IndicatorValue]}
DEMO_KINDS = {"referents": "referents", "events": "events", "ambassadors": "ambassadors",
              "remediation": "remediation"}
DIRECTION = Viewer("direction")
ADMIN = Viewer("admin")


# Stores.

def url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def rows_of(engine: Engine, model) -> list[tuple]:
    """A table's rows without their id, sorted: two stores with the same content give the same list."""
    columns = [column for column in model.__table__.columns if column.name != "id"]
    statement = select(*columns)
    with engine.connect() as connection:
        if model is IndicatorValue:  # the measures Maillage computes are not the import's business
            loaded = connection.execute(select(Indicator.indicator_code).where(
                Indicator.indicator_code.not_in(list(INDICATORS)))).scalars().all()
            statement = statement.where(IndicatorValue.indicator_code.in_(loaded))
        return sorted((tuple(row) for row in connection.execute(statement)), key=repr)


def snapshot(engine: Engine, kind: str) -> dict[str, list[tuple]]:
    """The rows of every table a kind writes."""
    return {model.__tablename__: rows_of(engine, model) for model in TABLES[kind]}


def batches(engine: Engine) -> list[tuple]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(
            select(ImportBatch.kind, ImportBatch.status, ImportBatch.rows_read, ImportBatch.rows_written,
                   ImportBatch.rows_refused).order_by(ImportBatch.id))]


def count(engine: Engine, model, *where) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def check(engine: Engine, kind: str, content: bytes, name: str = "fichier.csv", places: Places | None = None,
          **options) -> ImportCheck:
    return check_file(engine, kind, content, name, REGION, places=places, **options)


def problems(checked: ImportCheck) -> list[tuple]:
    return [(error.line, error.column, error.value, error.message) for error in checked.errors]


def event(title: str = "Forum des métiers", day="12/03/2026", commune="Lille", **more) -> dict:
    """An events row as {French header: cell}."""
    return {"Intitulé": title, "Type": "Forum des métiers", "Date": day, "Commune": commune, **more}


def write(engine: Engine, kind: str, content: bytes, name: str = "fichier.csv", places: Places | None = None,
          **options):
    return write_check(engine, check(engine, kind, content, name, places), **options)


def region_events_count(engine: Engine) -> dict[str, float]:
    with engine.connect() as connection:
        return dict(connection.execute(select(IndicatorValue.period, IndicatorValue.value).where(
            IndicatorValue.indicator_code == "events_count", IndicatorValue.territory_level == "region",
            IndicatorValue.territory_code == REGION)).all())


# Dates.

def test_dates_french_and_iso_in_a_csv_but_no_bare_number(hdf, places):
    """12/03/2026, 2026-03-12 and 1/9/2025 are read as the day they mean; 46000 in a CSV is no date (only an
    Excel date cell is)."""
    content = kind_csv("events", [event("A", "12/03/2026"), event("B", "2026-03-12"), event("C", "46000"),
                                  event("D", "1/9/2025")])
    checked = check(hdf, "events", content, places=places)
    assert [r["start_date"] for r in checked.records] == [date(2026, 3, 12), date(2026, 3, 12), date(2025, 9, 1)]
    assert [(e.line, e.column, e.value) for e in checked.errors] == [(4, "Date", "46000")]


def test_real_date_cells_and_numbers_of_a_workbook(hdf, places):
    """An XLSX holds real dates and numbers: a date cell, a serial number, a commune code typed as a number."""
    rows = [headers("events")[:4], ["A", "Forum", datetime(2026, 3, 12), "Lille"],
            ["B", "Forum", 46000, 2058], ["C", "Forum", "05/01/2026", 59350]]
    checked = check(hdf, "events", xlsx_bytes({"Événements": rows}), "evenements.xlsx", places=places)
    assert checked.is_clean, problems(checked)
    assert [(r["start_date"], r["commune"]) for r in checked.records] == [
        (date(2026, 3, 12), "59350"), (date(2025, 12, 9), "02058"), (date(2026, 1, 5), "59350")]


@pytest.mark.parametrize("workbook", [False, True], ids=["csv", "xlsx"])
def test_an_impossible_date_is_refused_with_line_column_value_and_reason(hdf, places, workbook):
    """31/02/2025 is refused: line 3 (the second data row), column « Date », the value and a French reason."""
    rows = kind_rows("events", [event("A"), event("B", "31/02/2025")])
    content = xlsx_bytes({"Feuil1": rows}) if workbook else csv_bytes(rows)
    checked = check(hdf, "events", content, "evenements.xlsx" if workbook else "evenements.csv", places=places)
    assert problems(checked) == [(3, "Date", "31/02/2025", "date impossible « 31/02/2025 »")]
    assert [r["title"] for r in checked.records] == ["A"]


# Communes and lycées.

def test_an_unknown_commune_is_refused_with_a_suggestion(hdf, places):
    """« Lile » is not a commune of the région: refused, suggesting « Lille »."""
    checked = check(hdf, "events", kind_csv("events", [event(commune="Lile")]), places=places)
    assert problems(checked) == [(2, "Commune", "Lile", "commune « Lile » introuvable dans la région "
                                                       "Hauts-de-France ; vouliez-vous dire « Lille » ?")]


@pytest.mark.parametrize(("written", "code"), [
    ("59350", "59350"), ("Lille", "59350"), ("LILLE", "59350"), ("lille", "59350"),
    ("Saint-Étienne-au-Mont", "62746"), ("saint etienne au mont", "62746"), ("SAINT-ETIENNE-AU-MONT", "62746"),
    ("St Omer", "62765"), ("ST-OMER", "62765"), ("Lomme", "59350"), ("Hellemmes-Lille", "59350"),
    ("2058", "02058"), ("02058", "02058"),
])
def test_a_commune_by_code_or_by_name_whatever_the_spelling(hdf, places, written, code):
    """INSEE code, name with or without accents and case, « St », associated communes, a lost leading 0."""
    checked = check(hdf, "events", kind_csv("events", [event(commune=written)]), places=places)
    assert checked.is_clean, problems(checked)
    assert checked.records[0]["commune"] == code


def test_hellemmes_is_lille(hdf, places):
    """Hellemmes, associated with Lille, resolves to Lille (59350) as the places module promises."""
    checked = check(hdf, "events", kind_csv("events", [event(commune="Hellemmes")]), places=places)
    assert checked.is_clean, problems(checked)
    assert checked.records[0]["commune"] == "59350"


@pytest.mark.parametrize(("name", "departement", "postal_code", "expected"), [
    ("Bailleul", None, None, "Bailleul (59043), Bailleul (80051)"),
    ("Bailleul", "59", None, "59043"), ("Bailleul", "80", None, "80051"),
    ("Bailleul", None, "80490", "80051"), ("Bailleul", None, "59270", "59043"),
    ("Abancourt", None, None, "Abancourt (59001), Abancourt (60001)"),
    ("Abancourt", "60", None, "60001"), ("Abancourt", None, "59268", "59001"),
])
def test_a_name_two_communes_share_needs_a_departement_or_postal_code(hdf, places, name, departement,
                                                                      postal_code, expected):
    """Bailleul (Nord and Somme), Abancourt (Nord and Oise): refused alone, settled by a département or CP."""
    row = event(commune=name, **{"Département": departement, "Code postal": postal_code})
    checked = check(hdf, "events", kind_csv("events", [row]), places=places)
    if expected.isdigit():
        assert checked.is_clean, problems(checked)
        assert checked.records[0]["commune"] == expected
    else:
        assert problems(checked) == [(2, "Commune", name, f"commune « {name} » ambiguë : {expected} ; précisez "
                                      "le département ou le code postal, ou indiquez le code INSEE")]


def test_a_uai_with_a_wrong_check_letter_or_absent_from_the_directory_is_refused(hdf, places):
    """A mistyped UAI says which letter it should end with; a well-formed one unknown to the directory says so."""
    content = kind_csv("events", [event("A", **{"UAI du lycée": "0590117A"}),
                                  event("B", **{"UAI du lycée": "0590001F"}),
                                  event("C", **{"Lycées participants": "0590117G, 0593117A"}),
                                  event("D", **{"UAI du lycée": "0590117g"})])
    checked = check(hdf, "events", content, places=places)
    assert problems(checked) == [
        (2, "UAI du lycée", "0590117A", "code UAI invalide « 0590117A » : la lettre de contrôle devrait être G"),
        (3, "UAI du lycée", "0590001F", "lycée « 0590001F » absent de l'annuaire des lycées de la région"),
        (4, "Lycées participants", "0590117G, 0593117A",
         "code UAI invalide « 0593117A » : la lettre de contrôle devrait être T"),
    ]
    assert checked.records[0]["school_uai"] == "0590117G"


def test_a_bad_email_is_refused(hdf, places):
    """A courriel without its domain is refused, naming the column and the value."""
    rows = [{"Nom": "Camille", "Courriel": "camille.exemple@", "Départements": "59"},
            {"Nom": "Sacha", "Courriel": " Sacha.Exemple@Example.org ", "Départements": "62"}]
    checked = check(hdf, "referents", kind_csv("referents", rows), places=places)
    assert problems(checked) == [(2, "Courriel", "camille.exemple@", "courriel invalide « camille.exemple@ »")]
    assert checked.records[0]["email"] == "sacha.exemple@example.org"


# Duplicates, columns, headers.

def test_an_exact_duplicate_counts_once_and_a_conflicting_one_names_the_first_line(hdf, places):
    """The same row twice is kept once (with a notice); the same event with other values is refused."""
    content = kind_csv("events", [event("Forum"), event("Salon"), event("Forum"),
                                  event(" forum ", **{"Filière": "Santé"})])
    checked = check(hdf, "events", content, places=places)
    assert checked.rows_read == 4 and checked.duplicates == 1
    assert [r["title"] for r in checked.records] == ["Forum", "Salon"]
    assert problems(checked) == [(5, "Intitulé", "forum", "même clé que la ligne 2 (l'intitulé (sans tenir "
                                  "compte de la casse), la date et la commune) mais d'autres valeurs")]
    assert "1 ligne(s) en double dans le fichier, comptée(s) une seule fois." in checked.notices


def test_missing_required_columns_refuse_the_file_naming_them(hdf, places):
    """A file without « Date » and « Commune » is refused as a whole, naming both and the columns found."""
    with pytest.raises(FileRefused) as refusal:
        check(hdf, "events", csv_bytes([["Intitulé", "Type", "Lieu"], ["Forum", "Forum", "Lille"]]), places=places)
    assert str(refusal.value).startswith("colonnes obligatoires absentes : « Date », « Commune » ; colonnes "
                                         "trouvées : « Intitulé », « Type », « Lieu ».")


def test_headers_match_whatever_their_case_accents_and_underscores(hdf, places):
    """« DATE », « intitule », « code_postal »: the columns are recognised; unknown ones are reported ignored."""
    rows = [["INTITULE", "type", "DATE", "commune", "code_postal", "Remarque"],
            ["Forum", "Forum", "12/03/2026", "Bailleul", "80490", "à revoir"]]
    checked = check(hdf, "events", csv_bytes(rows), places=places)
    assert checked.is_clean, problems(checked)
    assert checked.records[0]["commune"] == "80051", "the Code postal column settled Bailleul"
    assert checked.columns["code_postal"] == "Code postal" and checked.columns["Remarque"] == ""
    assert "Colonnes ignorées (inconnues de ce modèle) : « Remarque »" in checked.notices


def test_a_header_without_rows_is_refused(hdf, places):
    """A template with no row filled in: « aucune ligne de données »."""
    with pytest.raises(FileRefused, match="aucune ligne de données sous l'en-tête"):
        check(hdf, "events", csv_bytes([headers("events")]), places=places)
    with pytest.raises(FileRefused, match="aucune ligne de données sous l'en-tête"):
        check(hdf, "events", xlsx_bytes({"Feuil1": [headers("events")]}), "e.xlsx", places=places)


def test_values_right_of_the_last_header_are_refused(hdf, places):
    """A value typed in a column without header is not silently dropped: the row is refused."""
    rows = [headers("events"), [*kind_rows("events", [event()])[1], "en trop"]]
    checked = check(hdf, "events", csv_bytes(rows), places=places)
    assert problems(checked) == [(2, "", "en trop", "1 valeur(s) à droite de la dernière colonne de l'en-tête")]


@pytest.mark.parametrize("bad", [b for b in BAD_FILES if b.name.endswith((".csv", ".xls"))][:6],
                         ids=lambda b: b.name)
def test_unreadable_files_are_refused_by_the_import_too(hdf, places, bad):
    """check_file refuses what cannot be read, with the reader's French reason."""
    with pytest.raises(FileRefused) as refusal:
        check(hdf, "events", bad.content, bad.name, places=places)
    assert bad.message in str(refusal.value)


def test_text_is_stored_exactly_as_written_and_export_apostrophes_are_removed(store, places):
    """HTML and <script> are plain text, stored unchanged (escaped when shown); « '= » loses its apostrophe."""
    titles = ["<script>alert('x')</script>", "<b>Forum</b> & <i>co</i>", '=HYPERLINK("http://exemple.org")',
              "'=1+1", "'+33 forum", "'Journée portes ouvertes"]
    rows = [event(title, **{"Public": "<img src=x onerror=alert(1)>"}) for title in titles]
    report = write(store, "events", kind_csv("events", rows), places=places)
    assert report.status == "ok" and report.rows_added == 6
    with store.connect() as connection:
        stored = connection.execute(select(Event.title, Event.target_public).where(Event.is_demo.is_(False))).all()
    assert sorted(stored) == sorted((title, "<img src=x onerror=alert(1)>") for title in [
        "<script>alert('x')</script>", "<b>Forum</b> & <i>co</i>", '=HYPERLINK("http://exemple.org")',
        "=1+1", "+33 forum", "'Journée portes ouvertes"])


# Kind-specific refusals.

@pytest.mark.parametrize(("kind", "records", "expected"), [
    ("referents", [{"Nom": "Camille", "Courriel": "c@example.org", "Départements": "59, 62", "EPCI": "200093201"}],
     (2, "EPCI", "200093201", "des EPCI ne se listent qu'avec un seul département (celui qu'ils partagent)")),
    ("referents", [{"Nom": "Camille", "Courriel": "c@example.org", "Départements": "62", "EPCI": "200093201"}],
     (2, "EPCI", "200093201", "EPCI sans commune dans le département 62 : 200093201")),
    ("referents", [{"Nom": "Camille", "Courriel": "c@example.org", "ETP": "1,5", "Départements": "59"}],
     (2, "ETP", "1,5", "ETP entre 0 et 1 attendu (0,5 pour un mi-temps), pas « 1,5 »")),
    ("remediation", [{"Nom": "E2C", "Type": "E2C", "Commune": "Amiens", "Date du relevé": "01/10/2025",
                      "Places ouvertes": "10", "Places occupées": "12"}],
     (2, "Places occupées", "12", "12 places occupées pour 10 ouvertes")),
    ("remediation", [{"Nom": "E2C", "Type": "E2C", "Commune": "Amiens", "Date du relevé": "01/10/2025",
                      "Places ouvertes": "10", "Places occupées": "5"},
                     {"Nom": "E2C", "Type": "EPIDE", "Commune": "Amiens", "Date du relevé": "01/01/2026",
                      "Places ouvertes": "10", "Places occupées": "5"}],
     (3, "Type", "EPIDE", "la ligne 2 donne d'autres valeurs (Type, Porteur) pour le même élément")),
    ("indicators", [{"Code indicateur": "nouveau_code", "Niveau": "commune", "Code territoire": "59350",
                     "Période": "2025", "Valeur": "3", "Source": "Observatoire"}],
     (2, "Libellé", "", "indicateur « nouveau_code » nouveau : indiquez son libellé")),
    ("indicators", [{"Code indicateur": "decrocheurs_16_25", "Niveau": "département", "Code territoire": "75",
                     "Période": "2025", "Valeur": "3", "Source": "Rectorat"}],
     (2, "Code territoire", "75", "département « 75 » inconnu dans la région Hauts-de-France")),
    ("indicators", [{"Code indicateur": "decrocheurs_16_25", "Niveau": "département", "Code territoire": "59",
                     "Période": "2025-2027", "Valeur": "3", "Source": "Rectorat"}],
     (2, "Période", "2025-2027",
      "période « 2025-2027 » illisible : année (2025) ou année scolaire (2025-2026) attendue")),
    ("indicators", [{"Code indicateur": "decrocheurs_16_25", "Niveau": "région", "Code territoire": "11",
                     "Période": "2025", "Valeur": "3", "Source": "Rectorat"}],
     (2, "Code territoire", "11", "région « 11 » : seule la région 32 (Hauts-de-France) s'importe ici")),
], ids=["epci-two-departements", "epci-outside", "fte-1,5", "occupied-over-capacity", "structure-two-types",
        "new-code-without-label", "departement-75", "period-2025-2027", "other-region"])
def test_kind_specific_refusals(hdf, places, kind, records, expected):
    """Each kind's own rules: the refused row, column, value and French reason."""
    checked = check(hdf, kind, kind_csv(kind, records), places=places)
    assert problems(checked) == [expected]


def test_indicators_maillage_computes_are_refused(hdf, places):
    """Every computed indicator (events_count, coverage_index…) is refused: Maillage recomputes it."""
    records = [{"Code indicateur": code, "Niveau": "département", "Code territoire": "59", "Période": "2025",
                "Valeur": "1", "Source": "Moi", "Libellé": "x"} for code in INDICATORS]
    checked = check(hdf, "indicators", kind_csv("indicators", records), places=places)
    assert not checked.records
    assert problems(checked) == [
        (line, "Code indicateur", code,
         f"« {code} » est calculé par Maillage après chaque import : il ne s'importe pas")
        for line, code in enumerate(INDICATORS, start=2)]


# All or nothing, audit, refused rows, dry run.

def _three_good_one_bad() -> bytes:
    return kind_csv("events", [event("Forum A"), event("Forum B", commune="Amiens"),
                               event("Forum C", commune="St Omer"), event("Forum D", commune="Lile")])


def test_one_bad_row_writes_nothing_but_leaves_an_audit_row(store, places):
    """A refused row refuses the file: no row written, demo kept, the import recorded as « refusé »."""
    stats, rows = store_stats(store), snapshot(store, "events")
    report = write(store, "events", _three_good_one_bad(), "evenements.csv", places=places)
    assert (report.status, report.rows_read, report.rows_written, report.rows_refused) == ("refusé", 4, 0, 1)
    assert report.summary() == "Import refusé : 1 ligne refusée sur 4 ; rien n'a été écrit."
    assert snapshot(store, "events") == rows
    assert store_stats(store) == {**stats, "import_batches": stats["import_batches"] + 1}
    assert batches(store)[-1] == ("events", "refusé", 4, 0, 1)


def test_every_import_leaves_who_when_which_file_and_its_hash(store, places):
    """The audit record names the author, the time, the file and its SHA-256, the kind and the counts."""
    import hashlib

    content = _three_good_one_bad()
    before = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    report = write_check(store, check(store, "events", content, "evenements 2026.csv", places),
                         keep_valid=True, imported_by="Direction (poste de test)")
    with Session(store) as session:
        batch = session.get(ImportBatch, report.batch_id)
    assert (batch.kind, batch.file_name, batch.imported_by) == ("events", "evenements 2026.csv",
                                                                "Direction (poste de test)")
    assert batch.file_sha256 == hashlib.sha256(content).hexdigest()
    assert (batch.rows_read, batch.rows_written, batch.rows_refused, batch.status) == (4, 3, 1, "partiel")
    assert before <= batch.started_at.replace(tzinfo=None) <= batch.finished_at.replace(tzinfo=None)


def test_summaries_of_big_files_group_thousands_the_french_way():
    refused = ImportReport("events", "gros.csv", 100_000, 0, 100_000, [], status="refusé")
    assert refused.summary() == "Import refusé : 100\u202f000 lignes refusées sur 100\u202f000 ; rien n'a été écrit."
    written = ImportReport("events", "gros.csv", 12_345, 12_345, 0, [], rows_added=12_000, rows_updated=345,
                           status="ok")
    assert written.summary() == ("Import terminé : 12\u202f345 lignes enregistrées (12\u202f000 ajoutées, "
                                 "345 modifiées, 0 inchangée).")


def test_keep_valid_writes_the_good_rows_and_keeps_the_refused_ones_for_correction(store, places):
    """With « garder les lignes valides » the 3 good rows are written and the bad one is kept, with its reason."""
    report = write(store, "events", _three_good_one_bad(), "evenements.csv", keep_valid=True, places=places)
    assert (report.status, report.rows_written, report.rows_added, report.rows_refused) == ("partiel", 3, 3, 1)
    assert report.summary() == ("Import partiel : 3 lignes enregistrées (3 ajoutées, 0 modifiée, 0 inchangée) ; "
                                "1 ligne refusée, conservée dans l'historique pour correction ; "
                                f"{format_number(report.demo_removed)} lignes de démonstration retirées.")
    with store.connect() as connection:
        titles = connection.execute(select(Event.title).where(Event.region_code == REGION)).scalars().all()
    assert sorted(titles) == ["Forum A", "Forum B", "Forum C"], "demo events gone, the 3 good rows written"
    assert batches(store)[-1] == ("events", "partiel", 4, 3, 1)
    refused = refused_rows(store, ADMIN, report.batch_id)
    assert list(refused.columns) == ["Ligne d'origine", *headers("events"), "Motif du refus"]
    assert refused.to_dict("records") == [{
        "Ligne d'origine": 5, "Intitulé": "Forum D", "Type": "Forum des métiers", "Date": "12/03/2026",
        "Commune": "Lile", "Département": "", "Code postal": "", "UAI du lycée": "", "Filière": "", "Public": "",
        "Participants": "", "Lycées participants": "",
        "Motif du refus": "Commune : commune « Lile » introuvable dans la région Hauts-de-France ; "
                          "vouliez-vous dire « Lille » ?"}]


def test_refused_ambassadors_are_personal_data_hidden_from_codir(store, places):
    """Refused ambassador rows hold contact details: direction gets them back, CODIR is refused."""
    rows = [{"Nom": "Alex", "Courriel": "alex@example.org", "Filière": "Santé", "Commune": "Amiens",
             "Date d'entrée": "01/09/2025"},
            {"Nom": "Lou", "Courriel": "lou@", "Téléphone": "06 00 00 00 01", "Filière": "Santé",
             "Commune": "Amiens", "Date d'entrée": "01/09/2025"}]
    report = write(store, "ambassadors", kind_csv("ambassadors", rows), keep_valid=True, places=places)
    assert report.status == "partiel"
    with pytest.raises(PermissionError, match="données personnelles"):
        refused_rows(store, Viewer("codir"), report.batch_id)
    refused = refused_rows(store, ADMIN, report.batch_id)
    assert refused[["Ligne d'origine", "Courriel", "Téléphone"]].to_dict("records") == [
        {"Ligne d'origine": 3, "Courriel": "lou@", "Téléphone": "06 00 00 00 01"}]
    assert refused["Motif du refus"].iloc[0] == "Courriel : courriel invalide « lou@ »"


@pytest.mark.parametrize("bad_row", [False, True], ids=["clean", "with-a-refused-row"])
def test_a_dry_run_writes_nothing_and_leaves_no_audit_row(store, bad_row):
    """« Vérifier seulement »: the report says what would happen; the store, audit included, is unchanged."""
    content = _three_good_one_bad() if bad_row else kind_csv("events", [event("Forum A"), event("Forum B")])
    stats, rows = store_stats(store), snapshot(store, "events")
    report = import_file(store, "events", content, "evenements.csv", REGION, dry_run=True)
    assert report.dry_run and report.batch_id is None and report.rows_written == 0
    assert report.status == ("refusé" if bad_row else "vérifié")
    assert report.summary().endswith("rien n'a été écrit.")
    assert store_stats(store) == stats
    assert snapshot(store, "events") == rows


# Templates, demo data, re-imports, round trips.

def test_the_readme_documents_every_column_of_every_kind():
    """The README's column tables and keys are those of loaders.kinds (paste columns_markdown after a change)."""
    from loaders.kinds import columns_markdown

    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    for kind in KINDS:
        assert columns_markdown(kind) in readme, f"README : tableau des colonnes de « {kind} » à mettre à jour"
        assert f"Clé : {kind_of(kind).key_doc}." in readme, kind


def test_the_committed_templates_are_those_the_kinds_describe(tmp_path):
    """data/templates holds, for every kind, the headers and example row loaders.kinds defines (regenerate with
    `python -m loaders templates` after changing a kind)."""
    from openpyxl import load_workbook

    from loaders.__main__ import write_templates

    write_templates(tmp_path)
    for kind in KINDS:
        assert (TEMPLATES / f"{kind}.csv").read_bytes() == (tmp_path / f"{kind}.csv").read_bytes(), kind
        committed, fresh = (load_workbook(folder / f"{kind}.xlsx") for folder in (TEMPLATES, tmp_path))
        assert [list(r) for r in committed.active.iter_rows(values_only=True)] == [
            list(r) for r in fresh.active.iter_rows(values_only=True)], kind
        assert committed.active.title == fresh.active.title
    assert sorted(path.name for path in TEMPLATES.iterdir()) == sorted(
        f"{kind}.{extension}" for kind in KINDS for extension in ("csv", "xlsx"))

@pytest.mark.parametrize("extension", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", KIND_NAMES)
def test_the_templates_import_cleanly_and_replace_that_kinds_demo_only(store, places, monkeypatch, tmp_path,
                                                                       kind, extension):
    """The committed template of each kind passes the CLI check (exit 0) and, written, removes only its own demo."""
    from loaders.__main__ import main

    template = TEMPLATES / f"{kind}.{extension}"
    monkeypatch.setenv("DATABASE_URL", url_of(store))
    monkeypatch.delenv("REGION_CODE", raising=False)
    get_settings.cache_clear()
    try:
        assert main(["import", kind, str(template), "--dry-run", "--report", str(tmp_path / "r.json")]) == 0
    finally:
        get_settings.cache_clear()
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["rows_refused"] == 0
    demo_before = count_demo_rows(store, REGION)
    demo_values = {code: count(store, IndicatorValue, IndicatorValue.indicator_code == code,
                               IndicatorValue.is_demo.is_(True))
                   for code in ("decrocheurs_16_25", "taux_neet_16_25", "lyceens_effectif")}
    report = write(store, kind, template.read_bytes(), template.name, places=places)
    assert (report.status, report.rows_added, report.rows_refused) == ("ok", 1, 0)
    assert report.demo_removed > 0, "the first real import of a kind replaces its demo rows"
    demo_after = count_demo_rows(store, REGION)
    if kind == "indicators":
        assert demo_after == demo_before
        assert report.demo_removed == demo_values["decrocheurs_16_25"]
        assert count(store, IndicatorValue, IndicatorValue.indicator_code == "taux_neet_16_25",
                     IndicatorValue.is_demo.is_(True)) == demo_values["taux_neet_16_25"]
    else:
        assert report.demo_removed == demo_before[kind]
        assert demo_after == {**demo_before, kind: 0}, "the other kinds keep their demo rows"


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_importing_the_same_file_again_changes_nothing(store, places, kind):
    """Re-importing a file: nothing added, nothing updated, every table of the kind identical."""
    content = kind_csv(kind, GOOD_RECORDS[kind])
    first = write(store, kind, content, places=places)
    assert first.status == "ok" and first.rows_added == len(GOOD_RECORDS[kind])
    before = snapshot(store, kind)
    second = write(store, kind, content, places=places)
    assert (second.status, second.rows_added, second.rows_updated, second.demo_removed) == ("ok", 0, 0, 0)
    assert second.rows_unchanged == first.rows_added
    assert snapshot(store, kind) == before


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", KIND_NAMES)
def test_an_export_imports_again_without_any_change(store, places, kind, extension):
    """Export then import: nothing added or updated, same tables; « = » titles and « +33 » phones survive."""
    assert write(store, kind, kind_csv(kind, GOOD_RECORDS[kind]), places=places).status == "ok"
    before = snapshot(store, kind)
    frame = export_rows(store, DIRECTION, kind, REGION)
    assert len(frame) == len(GOOD_RECORDS[kind])
    texts = [str(value) for value in frame.to_numpy().ravel()]
    assert any(text.startswith("=") for text in texts), "a value beginning with = is exported as it is stored"
    if kind in ("referents", "ambassadors"):
        assert any(text.startswith("+33 ") for text in texts)
    data = to_csv_bytes(frame) if extension == "csv" else to_xlsx_bytes(frame, kind_of(kind).label)
    again = check(store, kind, data, f"export.{extension}", places=places)
    assert again.is_clean, problems(again)
    report = write_check(store, again)
    assert (report.rows_added, report.rows_updated, report.rows_unchanged) == (0, 0, len(GOOD_RECORDS[kind]))
    assert snapshot(store, kind) == before


def test_exporting_indicators_after_a_real_import_and_importing_the_export_changes_nothing(store, places):
    """After importing the indicators template, export then import must add nothing (export_rows promises it)."""
    template = (TEMPLATES / "indicators.csv").read_bytes()
    assert write(store, "indicators", template, places=places).status == "ok"
    before = snapshot(store, "indicators")
    data = to_csv_bytes(export_rows(store, DIRECTION, "indicators", REGION))
    report = write(store, "indicators", data, "export.csv", places=places)
    assert (report.rows_added, report.rows_updated, report.demo_removed) == (0, 0, 0)
    assert snapshot(store, "indicators") == before


# Interruptions.

@pytest.mark.parametrize("moment", ["midway", "after-writing"])
@pytest.mark.parametrize("kind", KIND_NAMES)
def test_an_interrupted_write_leaves_the_store_as_it_was(store, places, monkeypatch, kind, moment):
    """Ctrl-C halfway through the writes, or an error once they are done: nothing stays, no audit row."""
    original = imports.WRITERS[kind]

    def interrupted(session, records, region_code, counts):
        if moment == "midway":  # the second statement (after the demo rows are read, as deletions start)
            execute, calls = session.execute, []

            def counted(*args, **kwargs):
                result = execute(*args, **kwargs)
                calls.append(1)
                if len(calls) == 2:
                    raise KeyboardInterrupt
                return result

            session.execute = counted
        original(session, records, region_code, counts)
        raise RuntimeError("coupure de courant simulée")

    checked = check(store, kind, kind_csv(kind, GOOD_RECORDS[kind]), places=places)
    assert checked.is_clean, problems(checked)
    stats, rows, demo = store_stats(store), snapshot(store, kind), count_demo_rows(store, REGION)
    monkeypatch.setitem(imports.WRITERS, kind, interrupted)
    with pytest.raises(KeyboardInterrupt if moment == "midway" else RuntimeError):
        write_check(store, checked)
    assert store_stats(store) == stats
    assert snapshot(store, kind) == rows
    assert count_demo_rows(store, REGION) == demo


# A big file.

def test_a_20000_row_file_imports_and_reports_its_refused_row_at_the_right_line(store, places):
    """20,000 events: checked and written in seconds; the one bad row is reported at its spreadsheet line."""
    communes = ["Lille", "Amiens", "St Omer", "Dunkerque", "59350", "Beauvais", "Laon", "2058"]
    records = [event(f"Forum {n}", f"{1 + n % 28:02d}/{1 + n % 12:02d}/2026", communes[n % 8],
                     **{"Participants": str(n % 300)}) for n in range(20_000)]
    records[14_999] = event("Forum impossible", "30/02/2026")
    report = write(store, "events", kind_csv("events", records), "gros.csv", keep_valid=True, places=places)
    assert report.errors == [imports.RowError(15_001, "Date", "30/02/2026", "date impossible « 30/02/2026 »")]
    assert (report.rows_read, report.rows_added, report.status) == (20_000, 19_999, "partiel")
    assert count(store, Event, Event.region_code == REGION) == 19_999
    assert refused_rows(store, ADMIN, report.batch_id)["Ligne d'origine"].tolist() == [15_001]


# Measures recomputed after an import.

def test_an_import_recomputes_every_school_year_it_changes(store):
    """Importing one real event (removing the demo) leaves no year showing the demo's event counts."""
    today = date.today()
    report = import_file(store, "events", kind_csv("events", [event("Forum", today.strftime("%d/%m/%Y"))]),
                         "evenements.csv", REGION)
    assert report.status == "ok" and report.demo_removed > 0
    counts = region_events_count(store)
    assert counts[school_year_label(today)] == 1
    assert counts == {period: (1 if period == school_year_label(today) else 0) for period in counts}


# The command line.

def run_cli(database_url: str, *args: str, cwd: Path = PROJECT) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items()
           if key not in {"REGION_CODE", "DEMO_SEED", "BUILD_DEMO_ON_START", "VIEWER_ROLE"}}
    env.update({"DATABASE_URL": database_url, "PYTHONPATH": str(PROJECT)})
    return subprocess.run([sys.executable, "-m", "loaders", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=240)


def test_cli_refused_rows_exit_1_with_a_json_report_and_nothing_written(store, tmp_path):
    """`import` with a bad row: exit 1, the reason on stderr, a JSON report, nothing written."""
    source = tmp_path / "evenements.csv"
    source.write_bytes(kind_csv("events", [event("Forum A"), event("Forum B", "31/02/2025")]))
    rows = snapshot(store, "events")
    result = run_cli(url_of(store), "import", "events", str(source), "--report", str(tmp_path / "rapport.json"))
    assert result.returncode == 1, result.stderr
    assert "ligne 3, colonne « Date », valeur « 31/02/2025 » : date impossible « 31/02/2025 »" in result.stderr
    assert "Import refusé : 1 ligne refusée sur 2 ; rien n'a été écrit." in result.stdout
    report = json.loads((tmp_path / "rapport.json").read_text(encoding="utf-8"))
    assert {"kind", "file", "rows_read", "rows_written", "rows_refused", "errors"} <= set(report)
    assert (report["kind"], report["file"], report["rows_read"], report["rows_written"], report["rows_refused"]) == (
        "events", "evenements.csv", 2, 0, 1)
    assert report["errors"] == [{"line": 3, "column": "Date", "value": "31/02/2025",
                                 "message": "date impossible « 31/02/2025 »"}]
    assert snapshot(store, "events") == rows


def test_cli_keep_valid_still_exits_1_but_writes_the_good_rows_and_recomputes(store, tmp_path):
    """--keep-valid: exit 1 (a row was refused) yet the good row is written and the measures recomputed."""
    today = date.today().strftime("%d/%m/%Y")
    source = tmp_path / "evenements.csv"
    source.write_bytes(kind_csv("events", [event("Forum A", today), event("Forum B", "31/02/2025")]))
    result = run_cli(url_of(store), "import", "events", str(source), "--keep-valid")
    assert result.returncode == 1, result.stderr
    assert ("Import partiel : 1 ligne enregistrée (1 ajoutée, 0 modifiée, 0 inchangée) ; 1 ligne refusée, "
            "conservée dans l'historique pour correction") in result.stdout
    with store.connect() as connection:
        assert connection.execute(select(Event.title).where(Event.region_code == REGION)).scalars().all() == [
            "Forum A"]
    assert region_events_count(store)[school_year_label(date.today())] == 1, "the région now counts 1 event"
    assert batches(store)[-1] == ("events", "partiel", 2, 1, 1)


def test_cli_unreadable_file_exits_2(store, tmp_path):
    """A web page saved as .csv, or a missing file: exit 2, a French reason, no traceback, nothing written."""
    page = next(bad for bad in BAD_FILES if bad.name == "page.csv")
    source = tmp_path / page.name
    source.write_bytes(page.content)
    stats = store_stats(store)
    result = run_cli(url_of(store), "import", "events", str(source), "--report", str(tmp_path / "rapport.json"))
    assert result.returncode == 2
    assert "Fichier refusé : ce n'est pas un tableau (page web, XML ou JSON)" in result.stderr
    assert "Traceback" not in result.stderr
    report = json.loads((tmp_path / "rapport.json").read_text(encoding="utf-8"))
    assert (report["status"], report["rows_read"], report["rows_written"]) == ("illisible", 0, 0)
    assert set(report["errors"][0]) == {"line", "column", "value", "message"}
    missing = run_cli(url_of(store), "import", "events", str(tmp_path / "absent.csv"))
    assert missing.returncode == 2 and "Erreur : fichier illisible" in missing.stderr
    assert store_stats(store) == stats


def test_cli_export_then_import_of_the_export_exits_0_and_adds_nothing(store, places, tmp_path):
    """`export events` then `import events` of that file: exit 0, nothing added or updated."""
    assert write(store, "events", kind_csv("events", GOOD_RECORDS["events"]), places=places).status == "ok"
    before = snapshot(store, "events")
    exported = tmp_path / "export.csv"
    result = run_cli(url_of(store), "export", "events", str(exported))
    assert result.returncode == 0, result.stderr
    assert "3 lignes exportées" in result.stdout
    result = run_cli(url_of(store), "import", "events", str(exported), "--report", str(tmp_path / "rapport.json"))
    assert result.returncode == 0, result.stderr
    report = json.loads((tmp_path / "rapport.json").read_text(encoding="utf-8"))
    assert (report["status"], report["rows_read"], report["rows_added"], report["rows_updated"],
            report["rows_refused"]) == ("ok", 3, 0, 0, 0)
    assert snapshot(store, "events") == before


# PostgreSQL.

@pytest.mark.parametrize("store_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_on_postgresql_refusal_changes_nothing_and_a_reimport_is_unchanged(store_url):
    """On PostgreSQL too: a refused file writes nothing; a clean one is written; its re-import changes nothing."""
    engine = get_engine(store_url)
    init_store(engine, REGION, with_demo=True, seed=DEMO_SEED, today=DEMO_TODAY)
    stats, rows = store_stats(engine), snapshot(engine, "events")
    refused = write(engine, "events", _three_good_one_bad())
    assert (refused.status, refused.rows_written) == ("refusé", 0)
    assert snapshot(engine, "events") == rows
    assert store_stats(engine) == {**stats, "import_batches": stats["import_batches"] + 1}
    content = kind_csv("events", GOOD_RECORDS["events"])
    first = write(engine, "events", content)
    assert (first.status, first.rows_added, first.demo_removed) == ("ok", 3, stats["events"])
    written = snapshot(engine, "events")
    second = write(engine, "events", content)
    assert (second.rows_added, second.rows_updated, second.rows_unchanged) == (0, 0, 3)
    assert snapshot(engine, "events") == written


# Whatever the cells.

EVENT_HEADERS = headers("events")
_CELLS = st.one_of(st.none(), st.text(max_size=15), st.sampled_from([
    "Lille", "59350", "2058", "Bailleul", "St Omer", "12/03/2026", "31/02/2025", "46000", "0590117G", "0590117A",
    "0590117G, 0593117T", "=1+1", "'=A1", "1,5", "-3", "<script>", "  ", "\n"]))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(EVENT_HEADERS), st.text(max_size=8)), min_size=1, max_size=13),
       st.lists(st.lists(_CELLS, min_size=15, max_size=15), min_size=1, max_size=6),
       st.booleans())
def test_any_cells_of_an_events_file_are_checked_or_the_file_refused(places, header, rows, real_header):
    """Whatever the cells (and headers), checking an events file answers rows and reasons, never a crash."""
    header = list(EVENT_HEADERS) if real_header else header
    width = len(header)
    table = RawTable(header, [(line, row[:width + 1]) for line, row in enumerate(rows, start=2)])
    checked = ImportCheck(kind_of("events"), "f.csv", "", REGION)
    try:
        check_table(checked, table, places, {})
    except FileRefused as refusal:
        assert str(refusal)
        return
    assert checked.rows_read == len(rows)
    assert len(checked.records) + checked.rows_refused + checked.duplicates == len(rows)
    assert all(error.message for error in checked.errors)
