"""Tables and downloads marked `personal=` write the access log: a display once per session, every download."""

import pytest
from streamlit.testing.v1 import AppTest

from models.access import Viewer
from models.audit import read_access_log
from models.db import get_engine
from models.settings import get_settings


def personal_table():
    """A page showing a list with personal data through the shared table builder."""
    import pandas as pd

    from views.ui import table_with_downloads

    people = pd.DataFrame({"full_name": ["Camille Exemple", "Dominique Exemple"], "email": ["c@x.fr", "d@x.fr"]})
    table_with_downloads(people, {"full_name": ("Nom", None), "email": ("Courriel", None)}, "personnes",
                         key="people", personal="Liste de test (59)")


def plain_table():
    """The same builder without `personal=`: nothing is logged."""
    import pandas as pd

    from views.ui import table_with_downloads

    table_with_downloads(pd.DataFrame({"name": ["Lille"]}), {"name": ("Commune", None)}, "communes", key="places")


@pytest.fixture
def store(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path}/store.db"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("VIEWER_ROLE", "direction")
    get_settings.cache_clear()
    yield get_engine(url)
    get_settings.cache_clear()
    get_engine(url).dispose()


def entries(engine) -> list[tuple]:
    log = read_access_log(engine, Viewer("admin"))
    return list(log[["person", "role", "action", "what", "rows_count"]].itertuples(index=False, name=None))[::-1]


def test_a_display_is_logged_once_per_session_not_at_every_rerun(store):
    app = AppTest.from_function(personal_table, default_timeout=30)
    app.run()
    app.run()
    assert not app.exception, [e.message for e in app.exception]
    assert entries(store) == [("mode local (direction)", "direction", "affichage", "Liste de test (59)", 2)]
    AppTest.from_function(personal_table, default_timeout=30).run()  # another session
    assert [entry[2] for entry in entries(store)] == ["affichage", "affichage"]


@pytest.mark.parametrize("button", ["people-csv", "people-xlsx"])
def test_each_download_is_logged_as_an_export_when_clicked(store, button):
    app = AppTest.from_function(personal_table, default_timeout=30)
    app.run()
    app.download_button(key=button).click().run()
    assert not app.exception, [e.message for e in app.exception]
    assert entries(store)[1:] == [("mode local (direction)", "direction", "export", "Liste de test (59)", 2)]
    app.run()  # a rerun is no new download
    assert len(entries(store)) == 2


def test_a_table_without_personal_data_logs_nothing(store):
    app = AppTest.from_function(plain_table, default_timeout=30)
    app.run()
    app.download_button(key="places-csv").click().run()
    assert not app.exception, [e.message for e in app.exception]
    assert entries(store) == []
