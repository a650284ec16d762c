"""Importing a région's own spreadsheets: check every row, then write all of it or nothing.

`check_file` reads a file and checks it against its kind (loaders.kinds) without touching the
store; `write_check` writes the accepted rows in one transaction, with the audit record and the
refused rows, then the measures are recomputed. The CLI, the Données page and the tests call
these same functions.
"""

import getpass
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from sqlalchemy import Engine, delete, func, insert, select, union_all, update
from sqlmodel import Session

from loaders.kinds import KINDS, Kind, finish_row, kind_of, natural_key
from loaders.parsing import ValueParseError, header_key, is_blank, refuse_unsafe_text
from loaders.places import MAX_SUGGESTIONS, Places, read_places
from loaders.reading import MAX_FILE_MB, FileRefused, RawTable, UnreadCell, read_table
from loaders.store import are_measures_stale, mark_measures_stale, upsert
from models.access import Viewer
from models.audit import ImportBatch, ImportRefusal, now_utc
from models.db import transaction
from models.indicators import Indicator, IndicatorValue
from models.measures import INDICATORS
from models.queries import read_frame
from models.resources import (
    Ambassador,
    CapacitySnapshot,
    Event,
    EventSchool,
    Mobilisation,
    Referent,
    ReferentArea,
    RemediationStructure,
    fold_key,
)
from models.territory import Commune, Departement, Epci, Zoning, ZoningCommune
from views.formatting import format_count, format_number

Progress = Callable[[float, str], None]
_VALUE_SHOWN = 120  # characters of a refused value kept in the report


@dataclass(frozen=True)
class RowError:
    """One problem in one cell (or row) of the file."""

    line: int
    column: str
    value: str
    message: str


@dataclass
class ImportCheck:
    """A file checked against its kind: the rows understood, the problems, nothing written yet."""

    kind: Kind
    file_name: str
    file_sha256: str
    region_code: str
    read_as: str = ""
    columns: dict[str, str] = field(default_factory=dict)  # file header -> template header ("" if ignored)
    rows_read: int = 0
    records: list[dict] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    refused: dict[int, dict] = field(default_factory=dict)  # line -> cells of the template's columns, as read
    duplicates: int = 0
    notices: list[str] = field(default_factory=list)

    @property
    def rows_refused(self) -> int:
        """Lines with at least one problem."""
        return len(self.refused)

    @property
    def is_clean(self) -> bool:
        """Every row accepted."""
        return not self.errors

    def preview(self, commune_names: dict[str, str], limit: int = 20) -> pd.DataFrame:
        """The first accepted rows as understood (communes named), under the template's French headers."""
        rows = []
        for record in self.records[:limit]:
            row = {"Ligne": record["_line"]}
            for column in self.kind.columns:
                value = record.get(column.key)
                if column.key == "commune" and value in commune_names:
                    value = f"{commune_names[value]} ({value})"
                elif isinstance(value, list):
                    value = ", ".join(value)
                elif isinstance(value, date):
                    value = value.strftime("%d/%m/%Y")
                elif isinstance(value, bool):
                    value = "oui" if value else "non"
                row[column.header] = "" if value is None else value
            rows.append(row)
        return pd.DataFrame(rows)

    def errors_frame(self) -> pd.DataFrame:
        """The problems, one per line and column, for screen and download."""
        return pd.DataFrame([e.__dict__ for e in self.errors], columns=["line", "column", "value", "message"])


@dataclass
class ImportReport:
    """What an import did: the JSON report of the CLI, the summary of the page."""

    kind: str
    file: str
    rows_read: int
    rows_written: int
    rows_refused: int
    errors: list[RowError]
    rows_duplicate: int = 0
    rows_added: int = 0
    rows_updated: int = 0
    rows_unchanged: int = 0
    demo_removed: int = 0
    status: str = "ok"
    dry_run: bool = False
    batch_id: int | None = None

    def to_json(self) -> dict:
        """The report as the CLI writes it."""
        data = {k: v for k, v in self.__dict__.items() if k != "errors"}
        data["errors"] = [e.__dict__ for e in self.errors]
        return data

    def summary(self) -> str:
        """One French sentence."""
        if self.dry_run:
            return (f"Vérification : {format_count(self.rows_read, 'ligne lue')}, "
                    f"{format_count(self.rows_read - self.rows_refused, 'ligne acceptée')}, "
                    f"{format_count(self.rows_refused, 'ligne refusée')} ; rien n'a été écrit.")
        if self.status == "refusé":
            return (f"Import refusé : {format_count(self.rows_refused, 'ligne refusée')} sur "
                    f"{format_number(self.rows_read)} ; rien n'a été écrit.")
        opening = "Import partiel" if self.rows_refused else "Import terminé"
        text = (f"{opening} : {format_count(self.rows_written, 'ligne enregistrée')} "
                f"({format_count(self.rows_added, 'ajoutée')}, {format_count(self.rows_updated, 'modifiée')}, "
                f"{format_count(self.rows_unchanged, 'inchangée')})")
        if self.rows_refused:
            text += (f" ; {format_count(self.rows_refused, 'ligne refusée')}, "
                     f"{'conservées' if self.rows_refused > 1 else 'conservée'} dans l'historique pour correction")
        if self.rows_duplicate:
            text += f" ; {format_count(self.rows_duplicate, 'doublon ignoré')}"
        if self.demo_removed:
            text += " ; " + format_count(self.demo_removed, "ligne de démonstration retirée",
                                     "lignes de démonstration retirées")
        return text + "."


def check_file(engine: Engine, kind_name: str, content: bytes, file_name: str, region_code: str,
               sheet: str | None = None, max_mb: float = MAX_FILE_MB, places: Places | None = None) -> ImportCheck:
    """Read and check a file; raises FileRefused when it cannot be read at all."""
    kind = kind_of(kind_name)
    table = read_table(content, file_name, sheet, max_mb)
    places = places or read_places(engine, region_code)
    known = dict(read_frame(engine, select(Indicator.indicator_code, Indicator.label)).itertuples(index=False))
    check = ImportCheck(kind, file_name, hashlib.sha256(content).hexdigest(), region_code, read_as=table.describe())
    check_table(check, table, places, known)
    return check


def _mapped_columns(kind: Kind, table: RawTable) -> dict[int, object]:
    by_key = {column.key_form: column for column in kind.columns}
    mapping, seen = {}, {}
    for index, header in enumerate(table.header):
        column = by_key.get(header_key(header))
        if column is None:
            continue
        if column.key in seen:
            raise FileRefused(f"colonne « {column.header} » présente deux fois (« {seen[column.key]} » et "
                              f"« {header} »)")
        seen[column.key] = header
        mapping[index] = column
    missing = [c.header for c in kind.columns if c.required and c.key not in seen]
    if missing:
        found = ", ".join(f"« {h} »" for h in table.header if h) or "aucune"
        raise FileRefused(f"colonne{'s' if len(missing) > 1 else ''} obligatoire{'s' if len(missing) > 1 else ''} "
                          f"absente{'s' if len(missing) > 1 else ''} : " + ", ".join(f"« {m} »" for m in missing)
                          + f" ; colonnes trouvées : {found}. Partez du modèle de la page Données "
                          f"({kind.label}).")
    return mapping


def _cell_text(value) -> str:
    """A cell as text, whole (for the file of refused rows)."""
    if is_blank(value):
        return ""
    return value.strftime("%d/%m/%Y") if isinstance(value, date) else str(value)


def _shown(value) -> str:
    if is_blank(value):
        return ""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    text = str(value)
    return text if len(text) <= _VALUE_SHOWN else text[:_VALUE_SHOWN] + "…"


def _parse_cells(line: int, cells: list, mapping: dict, headers: dict) -> tuple[dict, list]:
    """Parse each mapped cell; problems are (column header, message, raw value)."""

    record: dict = {"_line": line}
    problems: list[tuple[str, str, object]] = []
    for index, column in mapping.items():
        value = cells[index]
        record[column.key] = None
        if isinstance(value, UnreadCell):  # a formula never computed, a merged cell: the reader says which
            problems.append((headers[column.key], value.reason, value))
        elif is_blank(value):
            if column.required:
                problems.append((headers[column.key], "valeur obligatoire manquante", value))
        else:
            try:
                refuse_unsafe_text(value)
                record[column.key] = value if column.parse is None else column.read(value)
            except ValueParseError as error:
                problems.append((headers[column.key], str(error), value))
    return record, problems


_TITLE_ROWS = 5  # rows under the first one where the real header may be, below a title


def _holds_required_headers(kind: Kind, cells: list) -> bool:
    found = {header_key(cell) for cell in cells if isinstance(cell, str)}
    return all(column.key_form in found for column in kind.columns if column.required)


def _below_title(check: ImportCheck, table: RawTable) -> RawTable:
    """The table under its real header when a title sits above it (a notice says so); else the table."""
    if _holds_required_headers(check.kind, table.header):
        return table
    for index, (line, cells) in enumerate(table.rows[:_TITLE_ROWS]):
        if not _holds_required_headers(check.kind, cells):
            continue
        skipped = [table.header_line, *(number for number, _ in table.rows[:index])]
        title = next((str(h).strip() for h in table.header if str(h).strip()), "")
        check.notices.append(f"{'Lignes' if len(skipped) > 1 else 'Ligne'} {', '.join(map(str, skipped))} "
                             f"au-dessus de l'en-tête ignorée{'s' if len(skipped) > 1 else ''} (titre « {title} ») : "
                             f"l'en-tête est la ligne {line}.")
        header = [cell.strip() if isinstance(cell, str) else "" if is_blank(cell) else str(cell) for cell in cells]
        while header and not header[-1]:
            header.pop()
        rows = [(number, list(row) + [None] * (len(header) - len(row))) for number, row in table.rows[index + 1:]]
        return RawTable(header, rows, table.encoding, table.separator, table.sheet, line)
    return table


def _skip_total_rows(check: ImportCheck, table: RawTable, mapping: dict) -> None:
    """Drop "Total" rows under the data (a label, required cells empty), with a notice for each."""

    while table.rows:
        line, cells = table.rows[-1]
        label = next((cell for cell in cells if not is_blank(cell) and not isinstance(cell, UnreadCell)), None)
        if not isinstance(label, str) or not header_key(label).startswith(("total", "soustotal")) or all(
                not is_blank(cells[index]) for index, column in mapping.items() if column.required):
            return
        table.rows.pop()
        check.notices.append(f"Ligne {line} ignorée : c'est une ligne de total (« {label.strip()[:40]} »), pas une "
                             "donnée.")


def check_table(check: ImportCheck, table: RawTable, places: Places, known_indicators: dict[str, str]) -> None:
    """Check every row of a table read from a file; fills `check`.

    A title above the header and "Total" rows under the data are skipped, with a notice.
    """

    kind = check.kind
    places.reset_suggestions()
    table = _below_title(check, table)
    mapping = _mapped_columns(kind, table)
    headers = {column.key: table.header[index] for index, column in mapping.items()}
    check.columns = {h: (mapping[i].header if i in mapping else "") for i, h in enumerate(table.header) if h}
    ignored = [h for h, target in check.columns.items() if not target]
    if ignored:
        check.notices.append("Colonnes ignorées (inconnues de ce modèle) : " + ", ".join(f"« {h} »" for h in ignored))
    _skip_total_rows(check, table, mapping)
    if not table.rows:
        raise FileRefused("aucune ligne de données sous l'en-tête")
    computed = set(INDICATORS)
    width = len(table.header)
    seen_keys: dict[tuple, tuple[int, dict]] = {}
    seen_entities: dict[tuple, tuple[int, tuple]] = {}
    for line, cells in table.rows:
        check.rows_read += 1
        record, problems = _parse_cells(line, cells, mapping, headers)
        extra = [c for c in cells[width:] if not is_blank(c) and not isinstance(c, UnreadCell)]
        if extra:
            problems.append(("", f"{len(extra)} valeur(s) à droite de la dernière colonne de l'en-tête", extra[0]))
        for key, message in finish_row(kind, record, places, known_indicators, computed):
            column_index = next((i for i, c in mapping.items() if c.key == key), None)
            raw = cells[column_index] if column_index is not None else None
            problems.append((headers.get(key, kind.column(key).header), message, raw))
        if not problems:
            problems = _duplicate_problems(check, kind, record, headers, seen_keys, seen_entities)
            if problems is None:
                continue  # the same row again: counted once
        if problems:
            for header, message, raw in problems:
                check.errors.append(RowError(line, header, _shown(raw), message))
            # Only the template's columns: a column the kind does not know (a contact, a comment) is never kept.
            check.refused[line] = {column.header: _cell_text(cells[index]) for index, column in mapping.items()}
        else:
            check.records.append(record)
    if check.duplicates:
        check.notices.append(f"{check.duplicates} ligne(s) en double dans le fichier, comptée(s) une seule fois.")
    if places.suggestions_skipped:
        check.notices.append(f"Communes inconnues : un nom proche n'est suggéré que pour les {MAX_SUGGESTIONS} "
                             f"premières ; {places.suggestions_skipped} autres restent sans suggestion.")


def _duplicate_problems(check: ImportCheck, kind: Kind, record: dict, headers: dict, seen_keys: dict,
                        seen_entities: dict) -> list | None:
    """Problems of a row against the rows before it; None for an exact duplicate (to skip)."""
    key = natural_key(kind, record)
    content = {k: v for k, v in record.items() if k != "_line"}
    if key in seen_keys:
        first_line, first_content = seen_keys[key]
        if first_content == content:
            check.duplicates += 1
            return None
        column = kind.key_columns[0]
        return [(headers.get(column, kind.column(column).header),
                 f"même clé que la ligne {first_line} ({kind.key_doc.split(' :')[0]}) mais d'autres valeurs",
                 record.get(column))]
    if kind.entity_columns:
        entity = natural_key(kind, record, kind.entity_columns)
        fields = tuple(record.get(f) for f in kind.entity_fields)
        if entity in seen_entities and seen_entities[entity][1] != fields:
            first_line = seen_entities[entity][0]
            names = ", ".join(kind.column(f).header for f in kind.entity_fields)
            return [(headers.get(kind.entity_fields[0], kind.column(kind.entity_fields[0]).header),
                     f"la ligne {first_line} donne d'autres valeurs ({names}) pour le même élément",
                     record.get(kind.entity_fields[0]))]
        seen_entities.setdefault(entity, (record["_line"], fields))
    seen_keys[key] = (record["_line"], content)
    return []


# Writing ---------------------------------------------------------------------------------------------

@dataclass
class _Counts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    demo_removed: int = 0


def _existing(session: Session, statement) -> list[dict]:
    return [dict(row._mapping) for row in session.execute(statement)]


def _sync(session: Session, model, rows: list[dict], existing: dict[tuple, dict], key_of: Callable,
          counts: _Counts, extra_changed: Callable[[dict, dict], bool] = lambda _new, _old: False) -> dict[tuple, int]:
    """Insert new rows, update changed ones (by id); return the id of every row by key."""
    inserts, updates, ids = [], [], {}
    for row in rows:
        key = key_of(row)
        old = existing.get(key)
        if old is None:
            inserts.append(row)
            continue
        ids[key] = old["id"]
        if any(old.get(k) != v for k, v in row.items()) or extra_changed(row, old):
            updates.append({"id": old["id"], **row})
            counts.updated += 1
        else:
            counts.unchanged += 1
    if updates:
        session.execute(update(model), updates)
    if inserts:
        # No RETURNING: on SQLite, SQLAlchemy would send one row per statement to keep the order (minutes for
        # 100,000 rows). The new rows are read back instead: their ids are above the highest before the insert.
        floor = session.execute(select(func.coalesce(func.max(model.id), 0))).scalar_one()
        session.execute(model.__table__.insert(), inserts)  # Core executemany: one batched statement
        columns = [getattr(model, name) for name in inserts[0]]
        wanted = {key_of(row) for row in inserts}
        for row in session.execute(select(model.id, *columns).where(model.id > floor,
                                                                    model.region_code == inserts[0]["region_code"])):
            key = key_of(row._mapping)
            if key in wanted:
                ids[key] = row.id
        if len(ids) != len(rows):
            raise RuntimeError(f"{model.__tablename__} : {len(rows) - len(ids)} lignes écrites introuvables")
        counts.added += len(inserts)
    return ids


def _remove_demo(session: Session, model, region_code: str) -> list[int]:
    ids = list(session.execute(select(model.id).where(model.region_code == region_code,
                                                      model.is_demo.is_(True))).scalars())
    return ids


def _write_referents(session: Session, records: list[dict], region_code: str, counts: _Counts) -> None:
    demo = _remove_demo(session, Referent, region_code)
    if demo:
        session.execute(delete(ReferentArea).where(ReferentArea.referent_id.in_(demo)))
        session.execute(delete(Referent).where(Referent.id.in_(demo)))
        sectors = list(session.execute(select(Zoning.id).where(
            Zoning.region_code == region_code, Zoning.is_demo.is_(True),
            Zoning.zoning_kind == "Secteur de référent")).scalars())
        session.execute(delete(ZoningCommune).where(ZoningCommune.zoning_id.in_(sectors)))
        session.execute(delete(Zoning).where(Zoning.id.in_(sectors)))
        counts.demo_removed += len(demo)
    existing_rows = _existing(session, select(Referent.id, Referent.full_name, Referent.email, Referent.phone,
                                              Referent.fte, Referent.start_date, Referent.end_date)
                              .where(Referent.region_code == region_code))
    areas: dict[int, set] = {}
    for area in _existing(session, select(ReferentArea.referent_id, ReferentArea.departement_code,
                                          ReferentArea.epci_code).join(Referent).where(
                                              Referent.region_code == region_code)):
        areas.setdefault(area["referent_id"], set()).add((area["departement_code"], area["epci_code"]))

    def wanted(record) -> set:
        if record["epci"]:
            return {(record["departements"][0], code) for code in record["epci"]}
        return {(code, None) for code in record["departements"]}

    by_email = {r["email"]: r for r in records}
    rows = [{"region_code": region_code, "full_name": r["full_name"], "email": r["email"], "phone": r["phone"],
             "fte": r["fte"], "start_date": r.get("start_date"), "end_date": r.get("end_date"), "is_demo": False}
            for r in records]
    existing = {(row["email"],): {**row, "region_code": region_code, "is_demo": False} for row in existing_rows}
    ids = _sync(session, Referent, rows, existing, lambda row: (row["email"],), counts,
                lambda new, old: wanted(by_email[new["email"]]) != areas.get(old["id"], set()))
    changed = [(email, ids[(email,)]) for email in by_email
               if wanted(by_email[email]) != areas.get(ids[(email,)], set())]
    if changed:
        session.execute(delete(ReferentArea).where(ReferentArea.referent_id.in_([i for _, i in changed])))
        session.execute(insert(ReferentArea), [
            {"referent_id": referent_id, "departement_code": dep, "epci_code": epci}
            for email, referent_id in changed for dep, epci in sorted(wanted(by_email[email]), key=str)])


def _write_events(session: Session, records: list[dict], region_code: str, counts: _Counts) -> None:

    demo = _remove_demo(session, Event, region_code)
    if demo:
        for start in range(0, len(demo), 5000):
            chunk = demo[start:start + 5000]
            session.execute(delete(EventSchool).where(EventSchool.event_id.in_(chunk)))
            session.execute(delete(Mobilisation).where(Mobilisation.event_id.in_(chunk)))
            session.execute(delete(Event).where(Event.id.in_(chunk)))
        counts.demo_removed += len(demo)
    fields = ["title", "title_key", "event_type", "start_date", "commune_code", "school_uai", "sector",
              "target_public", "participants_count", "latitude", "longitude"]
    existing_rows = _existing(session, select(Event.id, *(getattr(Event, f) for f in fields))
                              .where(Event.region_code == region_code))
    links: dict[int, list] = {}
    for event_id, uai in session.execute(select(EventSchool.event_id, EventSchool.uai).join(Event).where(
            Event.region_code == region_code)):
        links.setdefault(event_id, []).append(uai)

    def key_of(row) -> tuple:
        return (row["title_key"], row["start_date"], row["commune_code"])

    rows, schools = [], {}
    for record in records:
        row = {"region_code": region_code, "is_demo": False, **{f: record.get(f) for f in fields},
               "title_key": fold_key(record["title"]), "commune_code": record["commune"]}
        rows.append(row)
        schools[key_of(row)] = sorted(record["participant_schools"])
    existing = {key_of(r): {**r, "region_code": region_code, "is_demo": False} for r in existing_rows}
    ids = _sync(session, Event, rows, existing, key_of, counts,
                lambda new, old: schools[key_of(new)] != sorted(links.get(old["id"], [])))
    changed = [(key, ids[key]) for key in schools if schools[key] != sorted(links.get(ids[key], []))]
    if changed:
        changed_ids = [i for _, i in changed]
        for start in range(0, len(changed_ids), 5000):
            session.execute(delete(EventSchool).where(EventSchool.event_id.in_(changed_ids[start:start + 5000])))
        new_links = [{"event_id": event_id, "uai": uai} for key, event_id in changed for uai in schools[key]]
        if new_links:
            session.execute(insert(EventSchool), new_links)


def _write_ambassadors(session: Session, records: list[dict], region_code: str, counts: _Counts) -> None:
    demo = _remove_demo(session, Ambassador, region_code)
    if demo:
        session.execute(delete(Mobilisation).where(Mobilisation.ambassador_id.in_(demo)))
        session.execute(delete(Ambassador).where(Ambassador.id.in_(demo)))
        counts.demo_removed += len(demo)
    fields = ["full_name", "email", "phone", "job_title", "sector", "employer", "recruitment_channel",
              "has_sponsorship_agreement", "joined_date", "left_date", "latitude", "longitude"]
    existing_rows = _existing(session, select(Ambassador.id, Ambassador.commune_code,
                                              *(getattr(Ambassador, f) for f in fields))
                              .where(Ambassador.region_code == region_code))
    rows = [{"region_code": region_code, "is_demo": False, **{f: r.get(f) for f in fields},
             "job_title": r.get("job_title") or "", "commune_code": r["commune"]} for r in records]
    existing = {(r["email"],): {**r, "region_code": region_code, "is_demo": False} for r in existing_rows}
    _sync(session, Ambassador, rows, existing, lambda row: (row["email"],), counts)


def _write_remediation(session: Session, records: list[dict], region_code: str, counts: _Counts) -> None:

    demo = _remove_demo(session, RemediationStructure, region_code)
    if demo:
        session.execute(delete(CapacitySnapshot).where(CapacitySnapshot.structure_id.in_(demo)))
        session.execute(delete(RemediationStructure).where(RemediationStructure.id.in_(demo)))
        counts.demo_removed += len(demo)
    fields = ["name", "name_key", "structure_kind", "operator", "commune_code", "latitude", "longitude"]
    existing_rows = _existing(session, select(RemediationStructure.id, *(getattr(RemediationStructure, f)
                                                                         for f in fields))
                              .where(RemediationStructure.region_code == region_code))

    def key_of(row) -> tuple:
        return (row["name_key"], row["commune_code"])

    structures: dict[tuple, dict] = {}
    for record in records:
        row = {"region_code": region_code, "is_demo": False, "name": record["name"],
               "name_key": fold_key(record["name"]), "structure_kind": record["structure_kind"],
               "operator": record.get("operator"), "commune_code": record["commune"],
               "latitude": record.get("latitude"), "longitude": record.get("longitude")}
        structures.setdefault(key_of(row), row)
    existing = {key_of(r): {**r, "region_code": region_code, "is_demo": False} for r in existing_rows}
    touched = {key for key, row in structures.items()
               if key not in existing or any(existing[key].get(k) != v for k, v in row.items())}
    ids = _sync(session, RemediationStructure, list(structures.values()), existing, key_of, _Counts())
    snapshots = {(s["structure_id"], s["snapshot_date"]): s for s in _existing(session, select(
        CapacitySnapshot.structure_id, CapacitySnapshot.snapshot_date, CapacitySnapshot.capacity_count,
        CapacitySnapshot.occupied_count).where(CapacitySnapshot.structure_id.in_(list(ids.values()))))}
    changed = []
    for record in records:
        key = (fold_key(record["name"]), record["commune"])
        row = {"structure_id": ids[key], "snapshot_date": record["snapshot_date"],
               "capacity_count": record["capacity_count"], "occupied_count": record["occupied_count"]}
        old = snapshots.get((ids[key], record["snapshot_date"]))
        if old is None:
            counts.added += 1
        elif old != row or key in touched:
            counts.updated += 1
        else:
            counts.unchanged += 1
        if old != row:
            changed.append(row)
    upsert(session, CapacitySnapshot, changed)


def _write_indicators(session: Session, records: list[dict], region_code: str, counts: _Counts) -> None:
    codes = sorted({r["indicator_code"] for r in records})
    known = {row["indicator_code"]: row for row in _existing(session, select(
        Indicator.indicator_code, Indicator.label, Indicator.unit, Indicator.source, Indicator.is_demo)
        .where(Indicator.indicator_code.in_(codes)))}
    definitions = []
    for code in codes:
        last = next(r for r in reversed(records) if r["indicator_code"] == code)
        old = known.get(code, {})
        definitions.append({"indicator_code": code, "label": last.get("label") or old.get("label") or code,
                            "unit": last.get("unit") or old.get("unit") or "", "source": last["source"],
                            "is_demo": False})
    upsert(session, Indicator, definitions)
    territories = [region_code, *(session.execute(union_all(
        select(Departement.departement_code).where(Departement.region_code == region_code),
        select(Epci.epci_code).where(Epci.region_code == region_code),
        select(Commune.commune_code).where(Commune.region_code == region_code),
        select(Zoning.zoning_code).where(Zoning.region_code == region_code))).scalars())]
    for start in range(0, len(territories), 5000):
        demo = session.execute(delete(IndicatorValue).where(
            IndicatorValue.indicator_code.in_(codes), IndicatorValue.is_demo.is_(True),
            IndicatorValue.territory_code.in_(territories[start:start + 5000])))
        counts.demo_removed += demo.rowcount or 0
    existing = {}
    for row in _existing(session, select(IndicatorValue.id, IndicatorValue.indicator_code,
                                         IndicatorValue.territory_level, IndicatorValue.territory_code,
                                         IndicatorValue.period, IndicatorValue.value)
                         .where(IndicatorValue.indicator_code.in_(codes))):
        existing[(row["indicator_code"], row["territory_level"], row["territory_code"], row["period"])] = row
    computed_at = now_utc()
    inserts, updates = [], []
    for record in records:
        key = (record["indicator_code"], record["level"], record["territory_code"], record["period"])
        old = existing.get(key)
        if old is None:
            inserts.append({"indicator_code": key[0], "territory_level": key[1], "territory_code": key[2],
                            "period": key[3], "value": record["value"], "computed_at": computed_at,
                            "is_demo": False})
        elif old["value"] != record["value"]:
            updates.append({"id": old["id"], "value": record["value"], "computed_at": computed_at})
        else:
            counts.unchanged += 1
    if updates:
        session.execute(update(IndicatorValue), updates)
    if inserts:
        session.execute(insert(IndicatorValue), inserts)
    counts.added += len(inserts)
    counts.updated += len(updates)


def _write_zonings(session: Session, records: list[dict], region_code: str, counts: _Counts) -> None:
    """Each zoning of the file takes the file's name, nature and communes; zonings absent from it are left as they are.

    A zoning is its code without case ("BE-Lille" and "be-lille" are one). A line counts as added when its commune
    joins the zoning, updated when the zoning was renamed or lost communes, unchanged otherwise. The demo's référent
    sectors go with the demo référents (loaders.imports._write_referents), not with this kind.
    """
    zonings: dict[tuple, dict] = {}
    wanted: dict[tuple, set[str]] = {}
    for record in records:
        key = (fold_key(record["zoning_code"]),)
        zonings.setdefault(key, {"zoning_code": record["zoning_code"], "name": record["name"],
                                 "zoning_kind": record["zoning_kind"], "region_code": region_code, "is_demo": False})
        wanted.setdefault(key, set()).add(record["commune"])
    existing = {(fold_key(row["zoning_code"]),): row for row in _existing(session, select(
        Zoning.id, Zoning.zoning_code, Zoning.name, Zoning.zoning_kind, Zoning.region_code, Zoning.is_demo)
        .where(Zoning.region_code == region_code, Zoning.is_demo.is_(False)))}
    ids = _sync(session, Zoning, list(zonings.values()), existing, lambda row: (fold_key(row["zoning_code"]),),
                _Counts())
    stored: dict[int, set[str]] = {}
    for zoning_id, commune_code in session.execute(select(ZoningCommune.zoning_id, ZoningCommune.commune_code)
                                                   .where(ZoningCommune.zoning_id.in_(list(ids.values())))):
        stored.setdefault(zoning_id, set()).add(commune_code)
    touched = set()
    for key, row in zonings.items():
        old, members = existing.get(key), stored.get(ids[key], set())
        gone = sorted(members - wanted[key])
        if old is None or any(old[field] != row[field] for field in ("zoning_code", "name", "zoning_kind")) or gone:
            touched.add(key)
        if gone:
            session.execute(delete(ZoningCommune).where(ZoningCommune.zoning_id == ids[key],
                                                        ZoningCommune.commune_code.in_(gone)))
    new_members = [{"zoning_id": ids[key], "commune_code": code} for key in zonings
                   for code in sorted(wanted[key] - stored.get(ids[key], set()))]
    if new_members:
        session.execute(insert(ZoningCommune), new_members)
    for record in records:
        key = (fold_key(record["zoning_code"]),)
        if record["commune"] not in stored.get(ids[key], set()):
            counts.added += 1
        elif key in touched:
            counts.updated += 1
        else:
            counts.unchanged += 1


WRITERS = {"referents": _write_referents, "events": _write_events, "ambassadors": _write_ambassadors,
           "remediation": _write_remediation, "indicators": _write_indicators, "zonings": _write_zonings}


def _reasons(errors: list[RowError]) -> dict[int, str]:
    reasons: dict[int, list[str]] = {}
    for error in errors:
        reasons.setdefault(error.line, []).append(f"{error.column or 'ligne'} : {error.message}")
    return {line: " ; ".join(messages) for line, messages in reasons.items()}


def write_check(engine: Engine, check: ImportCheck, keep_valid: bool = False, imported_by: str | None = None,
                dry_run: bool = False) -> ImportReport:
    """Write a checked file: everything, or nothing when a row is refused (unless `keep_valid`).

    Data, audit record and refused rows go in one transaction: an error or an interruption
    leaves the store as it was. It holds the région's write lock from its first read of the rows
    already stored, so two imports at once write one after the other, the second finding the
    first's rows. A write that changes anything marks the measures stale in the same transaction
    (until they are recomputed). A dry run writes nothing at all.
    """

    report = ImportReport(check.kind.name, check.file_name, check.rows_read, 0, check.rows_refused,
                          list(check.errors), rows_duplicate=check.duplicates, dry_run=dry_run)
    writes = bool(check.records) and (check.is_clean or keep_valid)
    if dry_run:
        report.status = "vérifié" if check.is_clean else "refusé"
        return report
    started_at = now_utc()
    counts = _Counts()
    with transaction(engine, check.region_code) as session:
        if writes:
            WRITERS[check.kind.name](session, check.records, check.region_code, counts)
            report.rows_written = len(check.records)
        if counts.added or counts.updated or counts.demo_removed:
            mark_measures_stale(session, check.region_code)
        report.status = "ok" if check.is_clean else ("partiel" if writes else "refusé")
        report.rows_added, report.rows_updated, report.rows_unchanged = counts.added, counts.updated, counts.unchanged
        report.demo_removed = counts.demo_removed
        batch = ImportBatch(kind=check.kind.name, region_code=check.region_code, file_name=check.file_name,
                            file_sha256=check.file_sha256,
                            imported_by=imported_by or default_author(), started_at=started_at,
                            finished_at=now_utc(), rows_read=check.rows_read, rows_written=report.rows_written,
                            rows_refused=check.rows_refused, status=report.status, note=report.summary())
        session.add(batch)
        session.flush()
        report.batch_id = batch.id
        if check.refused:
            reasons = _reasons(check.errors)
            session.execute(insert(ImportRefusal), [
                {"batch_id": batch.id, "line_number": line, "row_json": json.dumps(cells, ensure_ascii=False),
                 "reasons": reasons.get(line, "")} for line, cells in check.refused.items()])
    return report


def default_author() -> str:
    """Who runs the import, until there is a sign-in: the system user."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "inconnu"


def import_file(engine: Engine, kind_name: str, content: bytes, file_name: str, region_code: str,
                keep_valid: bool = False, dry_run: bool = False, sheet: str | None = None,
                imported_by: str | None = None, white_zone_km: float = 20.0,
                progress: Progress | None = None) -> ImportReport:
    """Check, write and recompute the measures: what the CLI does.

    Raises FileRefused when the file cannot be read at all.
    """
    progress = progress or (lambda _fraction, _message: None)
    progress(0.0, "Lecture et vérification du fichier…")
    check = check_file(engine, kind_name, content, file_name, region_code, sheet)
    return apply_check(engine, check, keep_valid, dry_run, imported_by, white_zone_km, progress)


def apply_check(engine: Engine, check: ImportCheck, keep_valid: bool = False, dry_run: bool = False,
                imported_by: str | None = None, white_zone_km: float = 20.0,
                progress: Progress | None = None) -> ImportReport:
    """Write a checked file, then recompute the coverage measures if they are stale (the page's import).

    They are stale when this write changed anything, or when an earlier one was not followed by its
    recompute (a process killed in between): importing again finishes it.
    """
    from loaders.compute import compute_store

    progress = progress or (lambda _fraction, _message: None)
    progress(0.4, "Écriture dans l'entrepôt…")
    report = write_check(engine, check, keep_valid, imported_by, dry_run)
    if not dry_run and are_measures_stale(engine, check.region_code):
        compute_store(engine, check.region_code, white_zone_km,
                      progress=lambda fraction, message: progress(0.6 + 0.4 * fraction, message))
    progress(1.0, report.summary())
    return report


def refused_rows(engine: Engine, viewer: Viewer, batch_id: int) -> pd.DataFrame:
    """An import's refused rows, as read, with their reasons: a file to fix and import again.

    They are raw file content, for those who import (and, for référents and ambassadors, who may
    see contact details); only the template's columns are given back, whatever an older store kept.
    """
    batch = read_frame(engine, select(ImportBatch.kind).where(ImportBatch.id == batch_id))
    if batch.empty or batch.kind.iloc[0] not in KINDS:
        return pd.DataFrame()
    kind = kind_of(batch.kind.iloc[0])
    if not viewer.can_import or (kind.has_personal_data and not viewer.can_see_contacts):
        raise PermissionError("Les lignes refusées d'un import sont réservées au profil qui importe les fichiers "
                              "(administration) : elles peuvent contenir des données personnelles.")
    rows = read_frame(engine, select(ImportRefusal.line_number, ImportRefusal.row_json, ImportRefusal.reasons)
                      .where(ImportRefusal.batch_id == batch_id).order_by(ImportRefusal.line_number))
    known = {column.key_form: column.header for column in kind.columns}
    records = []
    for line, cells, reasons in rows.itertuples(index=False):
        kept = {known[header_key(h)]: v for h, v in json.loads(cells).items() if header_key(h) in known}
        records.append({"Ligne d'origine": line, **kept, "Motif du refus": reasons})
    return pd.DataFrame(records)


__all__ = ["FileRefused", "ImportCheck", "ImportReport", "RowError", "apply_check", "check_file", "import_file",
           "refused_rows", "write_check"]


# Exporting -------------------------------------------------------------------------------------------

def export_rows(engine: Engine, viewer: Viewer, kind_name: str, region_code: str) -> pd.DataFrame:
    """The store's rows of a kind, under the template's headers: importing them again changes nothing.

    Référents and ambassadors carry contact details: direction and administration export them all, a
    référent those of their own départements (a référent whose area touches one of them, an ambassador
    placed in one of them), CODIR none.
    """
    kind = kind_of(kind_name)
    if kind.has_personal_data and not viewer.can_see_contacts:
        raise PermissionError(f"{kind.label} : ce fichier contient des données personnelles, réservées aux "
                              "profils direction, administration et référent.")
    frame = _EXPORTERS[kind_name](engine, region_code)
    codes = viewer.detail_departements
    if kind.has_personal_data and codes is not None:
        frame = frame[_in_departements(engine, frame, kind_name, set(codes))]
    headers = {column.key: column.header for column in kind.columns}
    return frame[[c.key for c in kind.columns]].rename(columns=headers).reset_index(drop=True)


def _in_departements(engine: Engine, frame: pd.DataFrame, kind_name: str, codes: set[str]) -> pd.Series:
    """Which exported rows of a personal kind belong to the given départements."""
    if kind_name == "referents":
        return frame.departements.fillna("").map(lambda text: bool(codes & set(text.split(", "))))
    departement_of = read_frame(engine, select(Commune.commune_code, Commune.departement_code)).set_index(
        "commune_code").departement_code
    return frame.commune.map(departement_of).isin(codes)


def _joined(values) -> str:
    return ", ".join(sorted(v for v in values if v))


def _export_referents(engine: Engine, region_code: str) -> pd.DataFrame:
    referents = read_frame(engine, select(Referent.id, Referent.full_name, Referent.email, Referent.phone,
                                          Referent.fte, Referent.start_date, Referent.end_date)
                           .where(Referent.region_code == region_code)
                           .order_by(Referent.full_name, Referent.id))
    areas = read_frame(engine, select(ReferentArea.referent_id, ReferentArea.departement_code, ReferentArea.epci_code)
                       .join(Referent).where(Referent.region_code == region_code))
    grouped = areas.groupby("referent_id")
    referents["departements"] = referents.id.map(grouped.departement_code.agg(lambda v: _joined(set(v))))
    referents["epci"] = referents.id.map(grouped.epci_code.agg(lambda v: _joined(set(v.dropna()))))
    return referents


def _export_events(engine: Engine, region_code: str) -> pd.DataFrame:
    events = read_frame(engine, select(Event.id, Event.title, Event.event_type, Event.start_date,
                                       Event.commune_code.label("commune"), Event.school_uai, Event.sector,
                                       Event.target_public, Event.participants_count)
                        .where(Event.region_code == region_code).order_by(Event.start_date, Event.id))
    links = read_frame(engine, select(EventSchool.event_id, EventSchool.uai).join(Event)
                       .where(Event.region_code == region_code))
    events["participant_schools"] = events.id.map(links.groupby("event_id").uai.agg(_joined)).fillna("")
    events["participants_count"] = events.participants_count.astype("Int64")
    return events.assign(departement=None, postal_code=None)


def _export_ambassadors(engine: Engine, region_code: str) -> pd.DataFrame:
    frame = read_frame(engine, select(Ambassador.full_name, Ambassador.email, Ambassador.phone, Ambassador.job_title,
                                      Ambassador.sector, Ambassador.employer, Ambassador.recruitment_channel,
                                      Ambassador.has_sponsorship_agreement, Ambassador.commune_code.label("commune"),
                                      Ambassador.joined_date, Ambassador.left_date)
                       .where(Ambassador.region_code == region_code).order_by(Ambassador.full_name, Ambassador.id))
    return frame.assign(departement=None, postal_code=None)


def _export_remediation(engine: Engine, region_code: str) -> pd.DataFrame:
    frame = read_frame(engine, select(RemediationStructure.name, RemediationStructure.structure_kind,
                                      RemediationStructure.operator,
                                      RemediationStructure.commune_code.label("commune"),
                                      CapacitySnapshot.snapshot_date, CapacitySnapshot.capacity_count,
                                      CapacitySnapshot.occupied_count)
                       .join(CapacitySnapshot, CapacitySnapshot.structure_id == RemediationStructure.id)
                       .where(RemediationStructure.region_code == region_code)
                       .order_by(RemediationStructure.name, RemediationStructure.id, CapacitySnapshot.snapshot_date))
    return frame.assign(departement=None, postal_code=None)


def _export_indicators(engine: Engine, region_code: str) -> pd.DataFrame:
    """Loaded indicators only: those Maillage computes are recomputed, not imported.

    Once the région has loaded real values, the demo values left for other indicators stay out: importing
    the export would otherwise turn them into real data.
    """
    places_codes = set(read_places(engine, region_code).communes)
    frame = read_frame(engine, select(IndicatorValue.indicator_code, IndicatorValue.territory_level.label("level"),
                                      IndicatorValue.territory_code, IndicatorValue.period, IndicatorValue.value,
                                      Indicator.source, Indicator.label, Indicator.unit, IndicatorValue.is_demo)
                       .join(Indicator, Indicator.indicator_code == IndicatorValue.indicator_code)
                       .where(IndicatorValue.indicator_code.not_in(list(INDICATORS)))
                       .order_by(IndicatorValue.indicator_code, IndicatorValue.territory_level,
                                 IndicatorValue.territory_code, IndicatorValue.period))
    territories = {region_code, *places_codes, *_region_territories(engine, region_code)}
    frame = frame[frame.territory_code.isin(territories)]
    real = ~frame.is_demo.astype(bool)
    return frame[real] if real.any() else frame


def _region_territories(engine: Engine, region_code: str) -> set[str]:
    return set(read_frame(engine, union_all(
        select(Departement.departement_code.label("code")).where(Departement.region_code == region_code),
        select(Epci.epci_code).where(Epci.region_code == region_code),
        select(Zoning.zoning_code).where(Zoning.region_code == region_code))).code)


def _export_zonings(engine: Engine, region_code: str) -> pd.DataFrame:
    """Imported zonings, one line per commune; the demo's référent sectors (demo référents' own) are not exported."""
    frame = read_frame(engine, select(Zoning.zoning_code, Zoning.name, Zoning.zoning_kind,
                                      ZoningCommune.commune_code.label("commune"))
                       .join(ZoningCommune, ZoningCommune.zoning_id == Zoning.id)
                       .where(Zoning.region_code == region_code, Zoning.is_demo.is_(False))
                       .order_by(Zoning.zoning_code, ZoningCommune.commune_code))
    return frame.assign(departement=None, postal_code=None)


_EXPORTERS = {"referents": _export_referents, "events": _export_events, "ambassadors": _export_ambassadors,
              "remediation": _export_remediation, "indicators": _export_indicators, "zonings": _export_zonings}


def template_frame(kind_name: str) -> pd.DataFrame:
    """The template of a kind: its French headers and one example row."""
    kind = kind_of(kind_name)
    return pd.DataFrame([{c.header: c.example for c in kind.columns}])


def columns_doc(kind_name: str) -> pd.DataFrame:
    """Each column of a kind described: header, required or not, format, example."""
    kind = kind_of(kind_name)
    return pd.DataFrame([{"Colonne": c.header, "Obligatoire": "oui" if c.required else "non",
                          "Contenu et format": c.description, "Exemple": c.example} for c in kind.columns])
