"""Présentation page: runs for every role, moves through its topics, shows aggregates only."""

import io

import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from models.access import Viewer
from models.db import get_engine
from models.queries import read_ambassadors, read_referents
from models.schoolyear import previous_school_year
from models.settings import get_settings
from tests.pages.test_pages import APP, YEAR
from tests.pages.test_rights_matrix import EMAIL, PHONE, downloads, file_text, screen_text  # noqa: F401
from views.presentation import NO_DATA, PRINT_ALL_KEY

PAGE = "pages/presentation.py"
TOPICS = 7


def open_presentation(monkeypatch, role: str = "direction", departements: str = "", departement: str = "",
                      school_year: str = YEAR, print_all: bool = False) -> AppTest:
    monkeypatch.setenv("VIEWER_ROLE", role)
    monkeypatch.setenv("VIEWER_DEPARTEMENTS", departements)
    get_settings.cache_clear()
    app = AppTest.from_file(APP, default_timeout=180)
    app.session_state["departement"] = departement
    app.session_state["school_year"] = school_year
    app.run()
    app.switch_page(PAGE)
    app.run()
    if print_all:
        app.toggle(key=PRINT_ALL_KEY).set_value(True).run()
    assert not app.exception, [e.message for e in app.exception]
    return app


def chart_frames(app: AppTest) -> list[pd.DataFrame]:
    """The data of every Altair chart the page sent (Arrow tables)."""
    return [pa.ipc.open_stream(dataset.data.data).read_pandas() for chart in app.get("vega_lite_chart")
            for dataset in chart.proto.datasets]


def headers(app: AppTest) -> list[str]:
    return [header.value for header in app.header]


@pytest.fixture(scope="module")
def people(demo_store_url) -> set[str]:
    """Every name, e-mail and phone of a person the store holds (read with full rights)."""
    engine = get_engine(demo_store_url)
    direction = Viewer("direction")
    frames = [read_ambassadors(engine, direction, "32", None, None), read_referents(engine, direction, "32")]
    values = {value for frame in frames for column in ("full_name", "email", "phone") for value in frame[column]
              if isinstance(value, str) and value}
    assert len(values) > 400
    return values


@pytest.mark.parametrize(("role", "departements"), [("direction", ""), ("referent", "62"), ("codir", ""),
                                                    ("admin", "")])
def test_the_page_runs_for_every_role(app_env, monkeypatch, role, departements):
    app = open_presentation(monkeypatch, role, departements)
    assert headers(app) == ["1. Hauts-de-France en un coup d'œil"] or headers(app)[0].startswith("1. ")
    assert app.metric, "large figures"


def test_next_and_previous_move_through_the_topics(app_env, monkeypatch):
    app = open_presentation(monkeypatch)
    assert app.button(key="presentation-previous").disabled
    seen = [headers(app)[0]]
    for _ in range(TOPICS - 1):
        app.button(key="presentation-next").click().run()
        assert not app.exception
        seen.append(headers(app)[0])
    assert [title.split(".")[0] for title in seen] == [str(n) for n in range(1, TOPICS + 1)]
    assert seen[1] == "2. Référents départementaux" and seen[-1].startswith("7. Ce qui a changé depuis")
    assert app.button(key="presentation-next").disabled
    app.button(key="presentation-previous").click().run()
    assert headers(app)[0] == seen[-2]


def test_print_all_shows_every_topic_one_after_another(app_env, monkeypatch):
    app = open_presentation(monkeypatch, print_all=True)
    assert [title.split(".")[0] for title in headers(app)] == [str(n) for n in range(1, TOPICS + 1)]
    assert not [b for b in app.button if b.key in ("presentation-previous", "presentation-next")]


@pytest.mark.parametrize("departement", ["", "59"])
@pytest.mark.parametrize(("role", "departements"), [("direction", ""), ("referent", "59")])
def test_no_person_appears_whatever_the_role(app_env, monkeypatch, people, role, departements, departement):
    text = screen_text(open_presentation(monkeypatch, role, departements, departement, print_all=True))
    assert sorted(value for value in people if value in text) == []
    assert not EMAIL.search(text), EMAIL.search(text)
    assert not PHONE.search(text), PHONE.search(text)


def test_small_counts_of_people_are_hidden_even_for_the_direction(app_env, monkeypatch):
    app = open_presentation(monkeypatch, "direction", departement="59", print_all=True)
    frames = chart_frames(app)
    (rates,) = [frame for frame in frames if "ambassadors_per_10k" in frame.columns]  # by EPCI of the Nord
    hidden = rates.value_label == "< 5"
    assert hidden.any() and rates.ambassadors_per_10k[hidden].isna().all(), rates
    assert not any("ambassadors_count" in frame.columns for frame in frames if "année" not in frame.columns)


def test_a_year_without_data_reads_no_data_never_zeros(app_env, monkeypatch):
    earliest = "2015-2016"  # long before the demo data's first event
    app = open_presentation(monkeypatch, school_year=earliest, print_all=True)
    changes = [header for header in headers(app) if header.startswith("7.")]
    assert changes == [f"7. Ce qui a changé depuis {previous_school_year(earliest).replace('-', '–')}"]
    assert any(NO_DATA in markdown.value for markdown in app.markdown)


def test_last_year_with_data_is_compared(app_env, monkeypatch):
    app = open_presentation(monkeypatch, print_all=True)
    deltas = [metric for metric in app.metric if metric.label == "Événements" and metric.proto.delta]
    assert deltas, "this year's events against last year's"
    assert pd.notna(deltas[0].value)


def test_the_deck_is_built_in_one_click_and_offered_as_powerpoint_and_pdf(app_env, monkeypatch, downloads,  # noqa: F811
                                                                           people):
    from pptx import Presentation

    app = open_presentation(monkeypatch, "referent", "59", departement="59")
    assert not [name for name, _ in downloads if name.endswith((".pptx", ".pdf"))], "nothing before the click"
    app.button(key="deck-build").click().run()
    assert not app.exception, [e.message for e in app.exception]
    files = dict(downloads)
    stem = f"maillage-codir-59-{YEAR}"
    slides = Presentation(io.BytesIO(files[f"{stem}.pptx"])).slides
    titles = [shape.text_frame.text for slide in slides for shape in slide.shapes if shape.has_text_frame][:1]
    assert titles == ["Nord"] and len(slides) >= TOPICS
    assert files[f"{stem}.pdf"].startswith(b"%PDF")
    text = file_text(f"{stem}.pptx", files[f"{stem}.pptx"])
    assert sorted(value for value in people if value in text) == []
    assert not EMAIL.search(text)


def test_the_topic_shown_is_in_the_address(app_env, monkeypatch):
    monkeypatch.setenv("VIEWER_ROLE", "direction")
    get_settings.cache_clear()
    app = AppTest.from_file(APP, default_timeout=180)
    app.query_params["sujet"] = "3"
    app.session_state["school_year"] = YEAR
    app.run()
    app.switch_page(PAGE)
    app.run()
    assert headers(app)[0].startswith("3. "), headers(app)
    app.button(key="presentation-next").click().run()
    assert headers(app)[0].startswith("4. ") and app.query_params["sujet"] == "4"
    assert app.query_params["annee"] == YEAR, "the filters stay in the address beside the topic"
