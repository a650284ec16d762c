"""Vue d'ensemble's first screen: the weakest territories named, gaps of the scope, changes since last year."""

from models.db import get_engine
from models.queries import read_departements, read_epci, read_stored_measures
from models.schoolyear import previous_school_year
from tests.pages.test_pages import YEAR, run_page
from views.formatting import escape_markdown

OTHER_DEPARTEMENTS = ("Aisne", "Oise", "Pas-de-Calais", "Somme")


def weakest_epci(url: str, departement: str | None = None) -> str:
    """The name of the EPCI with the lowest coverage index (in a département, when given), read from the store."""
    engine = get_engine(url)
    epci = read_stored_measures(engine, "32", "epci", YEAR).merge(
        read_epci(engine, "32").rename(columns={"epci_code": "territory_code"})[["territory_code", "name"]])
    if departement:
        from models.queries import read_communes

        communes = read_communes(engine, "32")
        epci = epci[epci.territory_code.isin(communes[communes.departement_code == departement].epci_code)]
    return escape_markdown(epci.sort_values(["coverage_index", "population_count"], ascending=[True, False])
                           .iloc[0]["name"])


def first_screen(app) -> str:
    """What the page says above « Les plus grands manques » (the first screen)."""
    return "\n".join(m.value for m in app.markdown if m.value.startswith(("**Les territoires", "- **")))


def gap_lines(app) -> list[str]:
    return [m.value for m in app.markdown if m.value.startswith("- ") and not m.value.startswith("- **")]


def test_the_first_screen_names_the_weakest_epci_of_the_region(app_env):
    app = run_page("pages/overview.py")
    assert not app.exception
    assert f"**{weakest_epci(app_env)}** (EPCI) : indice" in first_screen(app)
    departements = read_departements(get_engine(app_env), "32")
    assert any(f"**{escape_markdown(name)}** (département)" in first_screen(app) for name in departements.name)


def test_with_a_departement_the_gaps_and_weakest_are_its_own(app_env):
    app = run_page("pages/overview.py", "59")
    assert not app.exception
    assert f"**{weakest_epci(app_env, '59')}** (EPCI)" in first_screen(app)
    assert [header.value for header in app.subheader][0].startswith("Les plus grands manques du département")
    text = "\n".join(gap_lines(app) + [first_screen(app)]).replace("\\", "")
    assert gap_lines(app) and not [name for name in OTHER_DEPARTEMENTS if name in text], text


def test_each_key_figure_says_how_it_moved_since_last_year(app_env):
    app = run_page("pages/overview.py")
    moved = {m.label: m for m in app.metric}
    assert "Habitants" in moved and not moved["Habitants"].proto.delta  # the territory itself: no change
    events = moved["Événements"]
    assert events.proto.delta.endswith(" au " + __import__("datetime").date.today().strftime("%d/%m")), events.proto
    assert previous_school_year(YEAR).replace("-", "–") in events.proto.help
    assert moved["Ambassadeurs actifs"].proto.delta  # a stock: against last year's


def test_a_previous_year_without_data_reads_no_data(app_env):
    from datetime import date

    from streamlit.testing.v1 import AppTest

    from models.queries import read_school_years_with_data
    from models.schoolyear import recent_school_years
    from tests.pages.test_pages import APP

    earliest = recent_school_years(date.today())[-1]  # the oldest year the sidebar offers
    assert previous_school_year(earliest) not in read_school_years_with_data(get_engine(app_env), "32", date.today())
    app = AppTest.from_file(APP, default_timeout=120)
    app.session_state["departement"] = ""
    app.session_state["school_year"] = earliest
    app.run()
    events = {m.label: m for m in app.metric}["Événements"]
    assert not events.proto.delta and "pas de données" in events.proto.help
