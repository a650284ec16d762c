"""Refused rows kept for correction: only the template's columns, and only for those who import.

A file often carries columns the template does not know (a contact, a comment): they must never be
stored with the refused rows, nor handed back to a role that may not see them.
"""

import json

import pytest
from sqlalchemy import insert, select

from loaders.imports import refused_rows
from models.access import ROLES, Viewer
from models.audit import ImportBatch, ImportRefusal, now_utc
from models.db import transaction
from tests.loaders.import_files import csv_bytes, headers
from tests.loaders.test_imports import write

CONTACT = {"Contact": "Dominique Martin", "Courriel du contact": "dominique.martin@example.org",
           "Téléphone du contact": "06 12 34 56 78"}


def events_with_contacts() -> bytes:
    """One good events row and one refused (unknown commune), both with a contact the template does not know."""
    header = [*headers("events"), *CONTACT]
    good = ["Forum A", "Forum des métiers", "12/03/2026", "Lille", *[""] * (len(headers("events")) - 4)]
    bad = ["Forum B", "Forum des métiers", "12/03/2026", "Lile", *[""] * (len(headers("events")) - 4)]
    return csv_bytes([header, good + list(CONTACT.values()), bad + list(CONTACT.values())])


def stored_refusals(engine) -> list[dict]:
    with engine.connect() as connection:
        return [json.loads(row) for row in connection.execute(select(ImportRefusal.row_json)).scalars()]


def test_unknown_columns_of_refused_rows_are_never_stored(store, places):  # noqa: F811
    report = write(store, "events", events_with_contacts(), places=places, keep_valid=True)
    assert (report.status, report.rows_refused) == ("partiel", 1)
    (kept,) = stored_refusals(store)
    assert list(kept) == headers("events")
    assert kept["Commune"] == "Lile"
    text = json.dumps(stored_refusals(store), ensure_ascii=False)
    assert not [value for value in CONTACT.values() if value in text]
    assert list(refused_rows(store, Viewer("admin"), report.batch_id).columns) == [
        "Ligne d'origine", *headers("events"), "Motif du refus"]


def test_a_refused_file_keeps_no_unknown_column_either(store, places):  # noqa: F811
    report = write(store, "events", events_with_contacts(), places=places)
    assert report.status == "refusé"
    assert not [row for row in stored_refusals(store) if set(row) - set(headers("events"))]


@pytest.mark.parametrize("role", [role for role in ROLES if role != "admin"])
def test_only_the_importing_profile_downloads_refused_rows(store, places, role):  # noqa: F811
    """Events, remediation or indicators alike: refused rows are raw file content, not an aggregate."""
    report = write(store, "events", events_with_contacts(), places=places, keep_valid=True)
    with pytest.raises(PermissionError, match="réservées au profil qui importe"):
        refused_rows(store, Viewer(role, ("59",)), report.batch_id)
    assert len(refused_rows(store, Viewer("admin"), report.batch_id)) == 1


def test_refusals_stored_by_an_older_version_lose_their_unknown_columns(store):  # noqa: F811
    """Stores written before this fix hold every column of a refused row: they are filtered when read."""
    with transaction(store) as session:
        batch = ImportBatch(kind="events", file_name="ancien.csv", started_at=now_utc(), rows_read=1,
                            rows_refused=1, status="refusé")
        session.add(batch)
        session.flush()
        session.execute(insert(ImportRefusal), [{
            "batch_id": batch.id, "line_number": 2, "reasons": "Commune : introuvable",
            "row_json": json.dumps({"Intitulé": "Forum", "Commune": "Lile", **CONTACT}, ensure_ascii=False)}])
        batch_id = batch.id
    rows = refused_rows(store, Viewer("admin"), batch_id)
    assert list(rows.columns) == ["Ligne d'origine", "Intitulé", "Commune", "Motif du refus"]
