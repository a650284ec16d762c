"""Files built to hurt the import (issue 10): each is refused clearly or checked row by row, never crashes,
never writes a value the store cannot hold, never eats the machine.

The corpus is tests/loaders/import_files.py's HOSTILE_FILES: each case says what its user must see (the
French reason of a refused file, or the line, column and reason of each refused cell, and the notices).
The Hauts-de-France store and helpers are those of test_imports; stores that are written to run on
SQLite and on PostgreSQL (conftest's store_url).
"""

import difflib
import json
import re
import tracemalloc
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import Session

import loaders.__main__ as cli
import loaders.places
from loaders.imports import check_file, write_check
from loaders.kinds import MAX_COUNT
from loaders.places import MAX_SUGGESTIONS
from loaders.reading import FileRefused, read_table
from models.db import get_engine
from models.resources import Event
from models.settings import Settings
from models.territory import Commune, Departement, Region
from tests.loaders.import_files import (
    HOSTILE_FILES,
    formatted_rows_workbook,
    kind_csv,
    nul_after_4k_csv,
)
from tests.loaders.test_imports import REGION, check, event, run_cli, snapshot, url_of

# The Hauts-de-France store (read only), its places, and a copy a test may write: tests/loaders/conftest.py.

_PYTHON_WORDS = re.compile(r"Traceback|\w+(Error|Exception)\b|\bfield\b|\blarger\b|\bexpected\b|\bthe\b|\bfile\b")


def assert_french(message: str) -> None:
    """A message a user reads: French, no Python exception name, no English of a library."""
    assert message and not _PYTHON_WORDS.search(message), message


# The corpus.

@pytest.mark.timeout(120)
@pytest.mark.parametrize("hostile", HOSTILE_FILES, ids=[hostile.case for hostile in HOSTILE_FILES])
def test_a_hostile_file_is_refused_or_checked_as_its_user_must_see_it(hdf, places, hostile):
    """Refused whole with a French reason, or each bad cell refused with line, column and reason; notices said."""
    content = hostile.build()
    assert len(content) < 7_000_000, "a corpus file stays small (bombs inflate only when read)"
    if hostile.refused:
        with pytest.raises(FileRefused) as refusal:
            check(hdf, hostile.kind, content, hostile.name, places=places)
        assert hostile.refused in str(refusal.value)
        assert_french(str(refusal.value))
        return
    checked = check(hdf, hostile.kind, content, hostile.name, places=places)
    assert [(error.line, error.column) for error in checked.errors] == [(line, column)
                                                                        for line, column, _ in hostile.errors]
    for error, (_, _, words) in zip(checked.errors, hostile.errors):
        assert words in error.message
        assert_french(error.message)
    for words in hostile.notices:
        assert any(words in notice for notice in checked.notices), checked.notices
    assert checked.rows_read - checked.rows_refused == len(checked.records) >= (0 if hostile.errors else 1)


# Numbers the store cannot hold, NUL bytes: refused before the store, on SQLite and PostgreSQL.

def _small_store(url: str):
    """An empty store with the région, the Nord and Lille only: enough to check and write events."""
    engine = get_engine(url)
    with Session(engine) as session:
        for row in (Region(region_code=REGION, name="Hauts-de-France"),
                    Departement(departement_code="59", name="Nord", region_code=REGION),
                    Commune(commune_code="59350", name="Lille", departement_code="59", region_code=REGION,
                            latitude=50.6311, longitude=3.0468)):
            session.add(row)
            session.flush()  # in this order: each refers to the one before
        session.commit()
    return engine


def _events_in(engine) -> list:
    with engine.connect() as connection:
        return connection.execute(select(Event.title, Event.participants_count)).all()


@pytest.mark.parametrize("participants", ["99999999999999999999999", "2147483648", str(MAX_COUNT + 1)])
def test_a_count_beyond_the_columns_bound_is_refused_before_the_store(store_url, participants):
    """Once an OverflowError (SQLite) or an INTEGER out of range (PostgreSQL) at write: now a refused row."""
    engine = _small_store(store_url)
    content = kind_csv("events", [event("Forum A", Participants="120"), event("Forum B", Participants=participants)])
    checked = check_file(engine, "events", content, "evenements.csv", REGION)
    assert [(e.line, e.column, e.message) for e in checked.errors] == [
        (3, "Participants", "nombre trop grand (au plus 1\u202f000\u202f000)")]
    report = write_check(engine, checked)
    assert (report.status, report.rows_written) == ("refusé", 0)
    assert _events_in(engine) == []
    kept = write_check(engine, check_file(engine, "events", content, "evenements.csv", REGION), keep_valid=True)
    assert (kept.status, kept.rows_written) == ("partiel", 1)
    assert _events_in(engine) == [("Forum A", 120)]


def test_a_nul_byte_after_the_first_4_kb_is_refused_before_the_store(store_url):
    """Once stored on SQLite and a crash on PostgreSQL (text cannot hold NUL): now the file is refused."""
    engine = _small_store(store_url)
    with pytest.raises(FileRefused, match="caractère nul"):
        check_file(engine, "events", nul_after_4k_csv(), "evenements.csv", REGION)
    assert _events_in(engine) == []


def test_a_control_character_is_refused_with_its_code_and_never_stored(store_url):
    """A control character (here 0x1B, escape) in a cell: the row is refused, the character is named by its code."""
    engine = _small_store(store_url)
    checked = check_file(engine, "events", kind_csv("events", [event("Forum\x1b")]), "evenements.csv", REGION)
    assert [(e.line, e.column) for e in checked.errors] == [(2, "Intitulé")]
    assert "code 1B" in checked.errors[0].message and "\x1b" not in checked.errors[0].message
    write_check(engine, checked, keep_valid=True)
    assert _events_in(engine) == []


def test_dry_run_and_import_agree_on_a_number_too_big(store_url, tmp_path):
    """`--dry-run` and the real import refuse the same line for the same reason, and neither writes."""
    engine = _small_store(store_url)
    source = tmp_path / "evenements.csv"
    source.write_bytes(kind_csv("events", [event(Participants="99999999999999999999999")]))
    line = "ligne 2, colonne « Participants », valeur « 99999999999999999999999 » : nombre trop grand"
    dry = run_cli(store_url, "import", "events", str(source), "--dry-run")
    real = run_cli(store_url, "import", "events", str(source), "--report", str(tmp_path / "rapport.json"))
    assert (dry.returncode, real.returncode) == (1, 1), (dry.stderr, real.stderr)
    assert line in dry.stderr and line in real.stderr
    assert json.loads((tmp_path / "rapport.json").read_text(encoding="utf-8"))["status"] == "refusé"
    assert _events_in(engine) == []


# The command line: an unexpected error is no traceback.

def _main(monkeypatch, url: str, *args: str) -> int:
    monkeypatch.setattr(cli, "get_settings", lambda: Settings(database_url=url, region_code=REGION))
    return cli.main(list(args))


def test_an_unexpected_error_exits_2_with_a_french_message_and_a_report(store, monkeypatch, capsys, caplog,
                                                                        tmp_path):
    """Before: a traceback and exit 1, like a refusal, and no report. Now: exit 2, French, report « erreur »."""
    def broken(*_args, **_kwargs):
        raise OverflowError("Python int too large to convert to SQLite INTEGER")

    monkeypatch.setattr(cli, "import_file", broken)
    source, report = tmp_path / "evenements.csv", tmp_path / "rapport.json"
    source.write_bytes(kind_csv("events", [event()]))
    rows = snapshot(store, "events")
    assert _main(monkeypatch, url_of(store), "import", "events", str(source), "--report", str(report)) == 2
    err = capsys.readouterr().err
    assert "Erreur : l'import s'est arrêté sur une erreur inattendue ; rien n'a été écrit dans l'entrepôt" in err
    assert "Traceback" not in err
    assert "détail technique : OverflowError: Python int too large to convert to SQLite INTEGER" in [
        record.getMessage() for record in caplog.records if record.name == "loaders.import"], "the detail is logged"
    written = json.loads(report.read_text(encoding="utf-8"))
    assert (written["status"], written["rows_written"]) == ("erreur", 0)
    assert written["message"].startswith("l'import s'est arrêté sur une erreur inattendue")
    assert snapshot(store, "events") == rows


def test_an_error_in_the_recompute_after_writing_says_the_rows_were_written(store, monkeypatch, capsys, tmp_path):
    """The rows are written (one transaction) and the recompute fails: the message says so, and what to run."""
    import loaders.compute

    def broken(*_args, **_kwargs):
        raise RuntimeError("recompute failed")

    monkeypatch.setattr(loaders.compute, "compute_store", broken)
    source, report = tmp_path / "evenements.csv", tmp_path / "rapport.json"
    source.write_bytes(kind_csv("events", [event("Forum écrit")]))
    assert _main(monkeypatch, url_of(store), "import", "events", str(source), "--report", str(report)) == 2
    err = capsys.readouterr().err
    assert "les lignes ont été écrites (import n° " in err and "lancez « python -m loaders compute »" in err
    assert "Traceback" not in err
    written = json.loads(report.read_text(encoding="utf-8"))
    assert (written["status"], written["rows_written"]) == ("erreur", 1)
    with store.connect() as connection:
        assert connection.execute(select(Event.title).where(Event.title == "Forum écrit")).scalars().all() == [
            "Forum écrit"]


def test_a_file_over_the_limit_is_refused_without_being_read(store, monkeypatch, capsys, tmp_path):
    """A 60 MB file (sparse: no disk used) is refused from its size alone, never read into memory."""
    source = tmp_path / "enorme.csv"
    with source.open("wb") as file:
        file.truncate(60_000_000)
    monkeypatch.setattr(Path, "read_bytes", lambda _path: pytest.fail("the file was read"))
    report = tmp_path / "rapport.json"
    assert _main(monkeypatch, url_of(store), "import", "events", str(source), "--report", str(report)) == 2
    assert "Fichier refusé : fichier trop volumineux (60,0 Mo) : la limite est de 50 Mo" in capsys.readouterr().err
    assert json.loads(report.read_text(encoding="utf-8"))["status"] == "illisible"


# Machines not eaten.

@pytest.mark.timeout(120)
def test_a_workbook_formatted_down_to_its_last_row_is_read_in_little_memory():
    """300,000 formatted empty rows: once 863 MB for 1,048,576 of them; now only the rows holding a value stay."""
    content = formatted_rows_workbook(300_000, "A1:D300000")
    tracemalloc.start()
    try:
        table = read_table(content, "evenements.xlsx")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [line for line, _ in table.rows] == [2]
    assert peak < 40_000_000, f"{peak / 1e6:.0f} MB at the peak"


@pytest.mark.timeout(240)
def test_20000_unknown_communes_get_few_suggestions_and_a_notice(hdf, places, monkeypatch):
    """Once 115 s of difflib: now a suggestion for the first names only (still « Lile » -> « Lille »), a notice."""
    calls = []
    close_matches = difflib.get_close_matches
    monkeypatch.setattr(loaders.places.difflib, "get_close_matches",
                        lambda *args, **kwargs: calls.append(args[0]) or close_matches(*args, **kwargs))
    rows = [event(commune="Lile"), *(event(f"Forum {n}", commune=f"Qzx{n:05d}vrk") for n in range(20_000))]
    checked = check(hdf, "events", kind_csv("events", rows), places=places)
    assert checked.rows_refused == 20_001 and not checked.records
    assert len(calls) == MAX_SUGGESTIONS
    assert checked.errors[0].message.endswith("vouliez-vous dire « Lille » ?")
    assert checked.errors[-1].message == "commune « Qzx19999vrk » introuvable dans la région Hauts-de-France"
    assert any(f"pour les {MAX_SUGGESTIONS} premières ; 19901 autres" in notice for notice in checked.notices)
    again = check(hdf, "events", kind_csv("events", rows[:2]), places=places)
    assert len(again.errors) == 2 and len(calls) <= MAX_SUGGESTIONS + 1, "a new file gets its own suggestions"


def test_the_readme_states_the_limits():
    """The limits a user may meet are written in the README's « Ce qui est accepté »."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    accepted = readme[readme.index("Ce qui est accepté"):readme.index("**Tout ou rien**")]
    for words in ("200 000 lignes", "300 Mo", "200 colonnes", "50 Mo", "1 000 000", "formule",
                  "cellules fusionnées", "Total", "classeur Excel"):
        assert words in accepted, words
