"""Évolutions: runs for every profile; its table has one column per school year in the store."""

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from models.db import get_engine
from models.queries import read_communes, read_school_years_with_data
from models.settings import get_settings
from tests.pages.test_pages import YEAR

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def open_trends(monkeypatch, role: str, departements: str = "", departement: str | None = None) -> AppTest:
    monkeypatch.setenv("VIEWER_ROLE", role)
    monkeypatch.setenv("VIEWER_DEPARTEMENTS", departements)
    get_settings.cache_clear()
    app = AppTest.from_file(APP, default_timeout=120)
    if departement is not None:
        app.session_state["departement"] = departement
    app.session_state["school_year"] = YEAR
    app.run()
    app.switch_page("pages/trends.py")
    app.run()
    assert not app.exception, [e.message for e in app.exception]
    return app


def year_columns(app_env) -> list[str]:
    years = read_school_years_with_data(get_engine(app_env), "32", date.today())
    assert len(years) >= 3, "the demo spans several school years"
    return [year.replace("-", "–") for year in years]


def charts(app: AppTest) -> list:
    return [element for element in app.main.get("vega_lite_chart")]


@pytest.mark.parametrize(("role", "departements"), [("direction", ""), ("referent", "62"), ("codir", "")])
def test_every_profile_sees_one_column_per_school_year(app_env, monkeypatch, role, departements):
    app = open_trends(monkeypatch, role, departements)
    assert app.title[0].value == "Évolutions"
    for level, rows in [("region", 1), ("departement", 5)]:
        app.radio(key="trends_level").set_value(level).run()
        assert not app.exception, [e.message for e in app.exception]
        table = app.dataframe[-1].value
        assert list(table.columns[2:]) == year_columns(app_env)
        assert len(table) == rows
        assert "pas de données" not in table.to_numpy(), "every year in the store has data"
        assert len(charts(app)) == 1


def epci_of(app_env, departement: str) -> set[str]:
    communes = read_communes(get_engine(app_env), "32")
    return set(communes[communes.departement_code == departement].epci_code)


def test_epci_of_the_referents_departement_weakest_first(app_env, monkeypatch):
    app = open_trends(monkeypatch, "referent", "62")
    app.radio(key="trends_level").set_value("epci").run()
    app.selectbox(key="trends_indicator").set_value("events_per_10k").run()
    assert not app.exception, [e.message for e in app.exception]
    chosen = app.multiselect(key="trends_epci_62_events_per_10k").value
    assert len(chosen) == 5 and set(chosen) <= epci_of(app_env, "62")
    table = app.dataframe[-1].value
    assert list(table.columns[2:]) == year_columns(app_env)
    assert list(table["Code"]) == chosen
    figures = [float(value.replace("\u202f", "").replace(",", ".")) for value in table[YEAR.replace("-", "–")]]
    assert figures == sorted(figures), "the weakest of the sidebar's school year come first"


def test_codir_sees_small_counts_hidden(app_env, monkeypatch):
    app = open_trends(monkeypatch, "codir", departement="59")
    app.radio(key="trends_level").set_value("epci").run()
    app.selectbox(key="trends_indicator").set_value("ambassadors_count").run()
    app.multiselect(key="trends_epci_59_ambassadors_count").set_value(sorted(epci_of(app_env, "59"))).run()
    assert not app.exception, [e.message for e in app.exception]
    cells = app.dataframe[-1].value.iloc[:, 2:].to_numpy().ravel()
    assert "< 5" in cells
    numbers = [int(cell.replace("\u202f", "")) for cell in cells if cell.replace("\u202f", "").isdigit()]
    assert numbers and all(number == 0 or number >= 5 for number in numbers), cells
    assert any("Secret statistique" in caption.value for caption in app.caption)
