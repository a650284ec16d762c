"""Fiche territoire: the previous school year reads « pas de données » when the store has none, never zeros."""

from datetime import date
from pathlib import Path

from streamlit.testing.v1 import AppTest

from models.db import get_engine
from models.queries import read_school_years_with_data

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def comparison(school_year: str) -> tuple[AppTest, object]:
    """Fiche territoire (Aisne, the first département) for a school year, and its comparison table."""
    app = AppTest.from_file(APP, default_timeout=120)
    app.session_state["departement"] = ""
    app.session_state["school_year"] = school_year
    app.run()
    app.switch_page("pages/territory.py")
    app.run()
    assert not app.exception, [e.message for e in app.exception]
    return app, app.dataframe[0].value


def test_the_previous_year_without_data_reads_no_data(app_env):
    assert read_school_years_with_data(get_engine(app_env), "32", date.today())[0] == "2024-2025"
    _, table = comparison("2024-2025")
    (previous,) = [column for column in table.columns if column.endswith("en 2023–2024")]
    assert set(table[previous]) == {"pas de données"}, table[["Indicateur", previous]]
    assert set(table[table.columns[1]]) != {"pas de données"}, "the year shown has its figures"


def test_the_previous_year_with_data_has_its_figures(app_env):
    _, table = comparison("2025-2026")
    (previous,) = [column for column in table.columns if column.endswith("en 2024–2025")]
    figures = table.set_index("Indicateur")[previous]
    assert "pas de données" not in set(figures)
    assert int(figures["Habitants"].replace("\u202f", "")) > 0
