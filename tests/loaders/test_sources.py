"""The Sources tab: each resource's load date is that of its own last import, the demo's while it is demo data.

The store is a copy of the Hauts-de-France demo store, of each test's own (imports write: tests/loaders/conftest).
"""


import pandas as pd
from sqlalchemy import Engine

from loaders.imports import import_file
from models.queries import read_import_batches, read_sources
from tests.loaders.import_files import kind_csv

REGION = "32"


def _loaded(engine: Engine) -> dict[str, pd.Timestamp]:
    sources = read_sources(engine, REGION)
    return dict(zip(sources.what, pd.to_datetime(sources.loaded_at)))


def _batch(engine: Engine, kind: str) -> pd.Timestamp:
    batches = read_import_batches(engine)  # the store holds one région
    return pd.to_datetime(batches[batches.kind == kind].started_at).max()


def test_demo_resources_show_the_demo_load_date(store):
    demo = _batch(store, "demo")
    loaded = _loaded(store)
    for what in ("Référents", "Événements", "Ambassadeurs", "Structures et places de remédiation"):
        assert loaded[what] == demo, what


def test_an_imported_kind_shows_its_import_date(store):
    """Events imported after the demo: their line gives the import's date (it gave the demo's), the others the
    demo's still."""
    report = import_file(store, "events", kind_csv("events", [
        {"Intitulé": "Forum des métiers", "Type": "Forum des métiers", "Date": "12/03/2026", "Commune": "Lille"}]),
        "evenements.csv", REGION)
    assert report.status == "ok"
    sources = read_sources(store, REGION).set_index("what")
    imported, demo = _batch(store, "events"), _batch(store, "demo")
    assert imported > demo
    assert pd.to_datetime(sources.loaded_at["Événements"]) == imported
    assert sources.source["Événements"] == "Import de la région" and not sources.is_demo["Événements"]
    assert pd.to_datetime(sources.loaded_at["Ambassadeurs"]) == demo


def test_a_refused_import_is_no_load(store):
    """A file refused as a whole wrote nothing: the ambassadors' line keeps the demo's date."""
    report = import_file(store, "ambassadors", kind_csv("ambassadors", [{"Nom": "Sans courriel ni commune"}]),
                         "ambassadeurs.csv", REGION)
    assert report.status == "refusé"
    assert pd.to_datetime(read_sources(store, REGION).set_index("what").loaded_at["Ambassadeurs"]) == _batch(
        store, "demo")


def test_imported_zonings_have_their_line_with_their_date(store):
    """The demo's référent sectors are no imported zoning; a zonings file gives the line its rows and date."""
    line = "Zonages importés (bassins, territoires…)"
    before = read_sources(store, REGION).set_index("what")
    assert before.rows_count[line] == 0 and pd.isna(before.loaded_at[line])
    rows = [{"Code du zonage": "BE-LILLE", "Nom du zonage": "Bassin d'emploi de Lille",
             "Nature du zonage": "bassin d'emploi", "Commune": commune} for commune in ("Lille", "Roubaix")]
    assert import_file(store, "zonings", kind_csv("zonings", rows), "zonages.csv", REGION).status == "ok"
    after = read_sources(store, REGION).set_index("what")
    assert after.rows_count[line] == 1 and pd.to_datetime(after.loaded_at[line]) == _batch(store, "zonings")
