"""The lists a référent of the Pas-de-Calais works from, on the demo store: there, in French, and only the 62's.

Événements: events ahead (from today, with a date range) and behind, the lycées to contact (as many as the
measure « Lycées non touchés » counts). Ambassadeurs: filières without an ambassador by département and
EPCI, for every role. Remédiation: structures with free places now, most first.
"""

from datetime import date, datetime

import pandas as pd
import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from loaders.compute import read_inputs
from models.access import Viewer
from models.db import get_engine
from models.measures import compute_measures
from models.queries import read_communes, read_remediation
from models.resources import Event
from models.settings import get_settings
from models.territory import Commune
from tests.pages.test_pages import APP, YEAR, metric, scalar
from views.formatting import format_number


def run_as(page: str, monkeypatch, role: str = "referent", departements: str = "62",
           departement: str = "62") -> AppTest:
    monkeypatch.setenv("VIEWER_ROLE", role)
    monkeypatch.setenv("VIEWER_DEPARTEMENTS", departements)
    get_settings.cache_clear()
    app = AppTest.from_file(APP, default_timeout=180)
    app.session_state["departement"] = departement
    app.session_state["school_year"] = YEAR
    app.run()
    app.switch_page(page)
    app.run()
    assert not app.exception, [e.message for e in app.exception]
    return app


def table_with(app_or_tab, column: str):
    tables = [table.value for table in app_or_tab.dataframe if column in table.value.columns]
    assert len(tables) == 1, f"one table with {column!r}, among {[list(t.value.columns) for t in app_or_tab.dataframe]}"
    return tables[0]


def tab(app: AppTest, label: str):
    (found,) = [tab for tab in app.tabs if tab.label == label]
    return found


def days(column) -> list[date]:
    return [datetime.strptime(value, "%d/%m/%Y").date() for value in column]


@pytest.fixture(scope="module")
def measures(demo_store_url):
    """Departement and EPCI measures of the school year, as the computation defines them."""
    measures = compute_measures(read_inputs(get_engine(demo_store_url), "32", YEAR, date.today()),
                                levels=("departement", "epci"))
    return {level: frame.set_index("territory_code") for level, frame in measures.items()}


def test_lycees_to_contact_are_the_62s_and_as_many_as_the_measure(app_env, monkeypatch, measures):
    app = run_as("pages/events.py", monkeypatch)
    listed = table_with(app, "Déjà contacté")
    expected = int(measures["departement"].loc["62", "schools_not_reached_count"])
    assert len(listed) == expected > 0
    assert metric(app, "Lycées non touchés") == format_number(expected)
    assert set(listed["Département"]) == {"62"} and listed["UAI"].str.startswith("062").all()
    never = listed["Déjà contacté"] == "non"
    assert (listed.loc[never, "Dernier contact"] == "").all(), "never contacted: no date"
    assert never.cummin().sum() == never.sum(), "never-contacted lycées come first"
    contacted = days(listed.loc[~never, "Dernier contact"])
    assert contacted == sorted(contacted) and all(day < date.fromisoformat(YEAR[:4] + "-09-01") for day in contacted)
    subheaders = [header.value for header in app.subheader]
    assert "Lycées à contacter" in subheaders and "Lycées n'ayant accueilli aucun événement" in subheaders
    assert not any("sur place" in header for header in subheaders), "one name per figure"


def test_upcoming_and_past_events_are_the_62s_split_at_today(app_env, monkeypatch):
    today = date.today()
    app = run_as("pages/events.py", monkeypatch)
    ahead = table_with(tab(app, "À venir"), "Intitulé")
    in_62 = select(func.count()).select_from(Event).join(Commune, Commune.commune_code == Event.commune_code).where(
        Commune.departement_code == "62", Event.region_code == "32", Event.start_date >= today)
    assert len(ahead) == scalar(app_env, in_62) > 0
    assert ahead["Code commune"].str.startswith("62").all()
    dates = days(ahead["Date"])
    assert dates == sorted(dates) and min(dates) >= today

    behind = table_with(tab(app, "Passés"), "Participants")
    assert behind["Code commune"].str.startswith("62").all()
    dates = days(behind["Date"])
    assert dates == sorted(dates, reverse=True) and max(dates) < today
    assert min(dates) >= date.fromisoformat(YEAR[:4] + "-09-01"), "past events of the school year shown"

    ahead_dates = sorted(days(ahead["Date"]))
    first, last = ahead_dates[0], ahead_dates[len(ahead_dates) // 2]
    app.date_input(key=f"events-ahead-dates-62-{YEAR}").set_value((first, last)).run()
    assert not app.exception
    narrowed = days(table_with(tab(app, "À venir"), "Intitulé")["Date"])
    assert narrowed and all(first <= day <= last for day in narrowed)
    assert len(narrowed) == sum(first <= day <= last for day in ahead_dates)


def rows_of(tab_block, column: str) -> pd.DataFrame:
    """A tab's table, or no row when the tab says in French that it has none."""
    if not tab_block.dataframe:
        assert tab_block.info, "an empty list says so"
        return pd.DataFrame(columns=["Code", "Territoire", "Filières manquantes", column])
    return table_with(tab_block, column)


@pytest.mark.parametrize(("role", "departements", "departement"), [("referent", "62", "62"), ("codir", "", "")])
def test_filieres_without_ambassador_by_departement_and_epci(app_env, monkeypatch, measures, role, departements,
                                                              departement):
    app = run_as("pages/ambassadors.py", monkeypatch, role, departements, departement)
    assert "Filières sans ambassadeur" in [header.value for header in app.subheader]
    communes = read_communes(get_engine(app_env), "32")
    if departement:
        communes = communes[communes.departement_code == departement]
    for label, level, column in (("Par département", "departement", "departement_code"),
                                 ("Par EPCI", "epci", "epci_code")):
        shown = rows_of(tab(app, label), "Filières sans ambassadeur")
        counted = measures[level].sectors_without_ambassador_count
        in_scope = {code for code in set(communes[column].dropna()) if counted.get(code, 0)}
        assert set(shown["Code"]) == in_scope, label
        for code, _name, count, sectors in shown.itertuples(index=False):
            assert int(count) == counted[code] == len(sectors.split(", ")), code
        assert len(shown) > 0 or level == "departement", "some EPCI of the demo lack a filière"


def test_structures_with_free_places_now_are_the_62s_most_first(app_env, monkeypatch):
    app = run_as("pages/remediation.py", monkeypatch)
    free = table_with(app, "Places libres")
    store = read_remediation(get_engine(app_env), Viewer("direction"), "32", "62", None, date.today())
    expected = store[store.free_count > 0]
    assert sorted(free["Structure"]) == sorted(expected.name) and len(free) > 0
    counts = [int(value.replace("\u202f", "")) for value in free["Places libres"]]
    assert counts == sorted(counts, reverse=True) and min(counts) > 0
    assert all(day <= date.today() for day in days(free["Date du relevé"]))
