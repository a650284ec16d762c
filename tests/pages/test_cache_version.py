"""The app shows what the store holds now: cached reads follow the store's data version, not a clock.

An import from the command line (import_file, called here in the test's process as another process would)
while a page's figures are cached: the next run of the page shows the new figures. A store whose import
was cut short before its recompute: the app finishes the recompute before showing figures.
"""

from datetime import date

import pytest

import loaders.compute
from loaders.build import is_store_ready
from loaders.imports import import_file
from tests.loaders.import_files import kind_csv
from tests.loaders.test_imports import event, region_events_count
from tests.pages.test_pages import YEAR, metric, run_page

REGION = "32"
# Three events of the current school year: importing them replaces the demo's (hundreds).
RECORDS = [event(f"Forum {n}", date.today().strftime("%d/%m/%Y"), commune)
           for n, commune in enumerate(["Lille", "Amiens", "Beauvais"])]


def test_an_import_from_the_command_line_shows_at_the_next_run(own_store):
    app = run_page("pages/overview.py")
    before = metric(app, "Événements")
    assert before != "3", "the demo's events are cached"
    report = import_file(own_store, "events", kind_csv("events", RECORDS), "evenements.csv", REGION)
    assert (report.status, report.rows_added) == ("ok", 3)
    app.run()  # at once: no cache entry has expired
    assert not app.exception, [e.message for e in app.exception]
    assert metric(app, "Événements") == "3"


def test_the_app_finishes_a_recompute_an_interrupted_import_left(own_store, monkeypatch):
    run_page("pages/overview.py")  # figures cached

    def killed(*_args, **_kwargs):
        raise KeyboardInterrupt  # the process dies after the write, before the measures are stored

    with monkeypatch.context() as patch:
        patch.setattr(loaders.compute, "compute_store", killed)
        with pytest.raises(KeyboardInterrupt):
            import_file(own_store, "events", kind_csv("events", RECORDS), "evenements.csv", REGION)
    assert region_events_count(own_store).get(YEAR) != 3
    app = run_page("pages/overview.py")  # the next start
    assert not app.exception, [e.message for e in app.exception]
    assert app.status, "the recompute is shown with its progress"
    assert is_store_ready(own_store, REGION)
    assert region_events_count(own_store)[YEAR] == 3
    assert metric(app, "Événements") == "3"


def test_imported_zonings_are_mapped_one_kind_at_a_time(own_store):
    """Two bassins d'emploi imported beside the demo's six référent sectors: the Carte's Zonage level asks which
    kind, and its table then holds the zonings of that kind only (measures computed for them by the import)."""
    rows = [{"Code du zonage": code, "Nom du zonage": name, "Nature du zonage": "bassin d'emploi", "Commune": commune}
            for code, name, communes in (("BE-LILLE", "Bassin de Lille", ("Lille", "Roubaix")),
                                         ("BE-AMIENS", "Bassin d'Amiens", ("Amiens",)))
            for commune in communes]
    assert import_file(own_store, "zonings", kind_csv("zonings", rows), "zonages.csv", REGION).status == "ok"
    app = run_page("pages/map.py")
    app.radio(key="map_level").set_value("zoning").run()
    kinds = app.selectbox(key="map_zoning_kind")
    assert sorted(kinds.options) == ["Secteur de référent", "bassin d'emploi"]
    kinds.set_value("bassin d'emploi").run()
    assert not app.exception, [e.message for e in app.exception]
    assert sorted(app.dataframe[-1].value["Zonage"]) == ["Bassin d'Amiens", "Bassin de Lille"]
    kinds.set_value("Secteur de référent").run()
    assert len(app.dataframe[-1].value) == 6
