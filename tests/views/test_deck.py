"""The CODIR deck: PowerPoint and PDF built from the demo store, aggregates only, no personal data."""

import io
import re
import shutil
import subprocess
import zipfile
from datetime import date

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from PIL import Image
from pptx import Presentation
from pptx.util import Emu

from loaders.__main__ import main
from loaders.deck import read_deck, select_places
from models import queries
from models.access import Viewer
from models.db import get_engine
from models.measures import INDICATORS
from tests.conftest import DEMO_TODAY
from tests.fixtures import tiny_communes, tiny_shapes
from views.deck import NO_DATA, MapSpec, deck_pdf, deck_pptx, draw_map, draw_table, map_png

YEAR = "2025-2026"
CHANGES_TITLE = "Ce qui a changé depuis 2024–2025"
TOPIC_TITLES = ["Hauts-de-France en un coup d'œil", "Référents départementaux", "Événements info-métiers",
                "Ambassadeurs métiers", "Places de remédiation", "Les plus grands manques", CHANGES_TITLE,
                "Tableau par département"]
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
PHONE = re.compile(r"(?<!\d)(?:\+33\s?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\d)")


@pytest.fixture(scope="module")
def deck(demo_store_url):
    return read_deck(get_engine(demo_store_url), "32", YEAR, DEMO_TODAY)


@pytest.fixture(scope="module")
def pptx_bytes(deck) -> bytes:
    return deck_pptx(deck)


@pytest.fixture(scope="module")
def pdf_bytes(deck) -> bytes:
    return deck_pdf(deck)


def _slide_texts(data: bytes) -> list[list[str]]:
    slides = []
    for slide in Presentation(io.BytesIO(data)).slides:
        texts = [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
        texts += [cell.text for shape in slide.shapes if shape.has_table
                  for row in shape.table.rows for cell in row.cells]
        slides.append(texts)
    return slides


def _pdf_page_count(data: bytes) -> int:
    """Pages of a PDF, counted from its page objects (matplotlib writes them uncompressed)."""
    return len(re.findall(rb"/Type\s*/Page(?!s)", data))


def _pdf_text(data: bytes) -> str:
    """The text a PDF shows, read with pdftotext when present, else the raw bytes (fonts may be subset)."""
    if shutil.which("pdftotext"):
        return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    return data.decode("latin-1")


def test_deck_opens_with_the_expected_slides(pptx_bytes):
    presentation = Presentation(io.BytesIO(pptx_bytes))
    assert presentation.slide_width / presentation.slide_height == pytest.approx(16 / 9, rel=0.01)
    slides = list(presentation.slides)
    texts = _slide_texts(pptx_bytes)
    assert len(slides) == 1 + len(TOPIC_TITLES)
    assert texts[0][0] == "Hauts-de-France"
    assert any("2025–2026" in text for text in texts[0])  # the year as the app writes it
    assert any("Données au" in text for text in texts[0])
    assert [slide_texts[0] for slide_texts in texts[1:]] == TOPIC_TITLES
    for slide, title in zip(slides[1:], TOPIC_TITLES):
        pictures = [shape for shape in slide.shapes if shape.shape_type == 13]  # MSO_SHAPE_TYPE.PICTURE
        tables = [shape for shape in slide.shapes if shape.has_table]
        if title == "Tableau par département":
            assert len(tables) == 1 and not pictures
            table = tables[0].table
            assert len(table.rows) == 1 + 5 + 1  # heading, five départements, the région
            assert table.cell(0, 0).text == "Département"
        elif title == CHANGES_TITLE:  # a chart of events by département beside the table of changes
            assert len(tables) == 1 and len(pictures) == 1
            assert [cell.text for cell in tables[0].table.rows[0].cells] == [
                "Indicateur", "2024–2025", "2025–2026", "Évolution"]
        else:
            assert len(pictures) == 1, title
            assert Emu(pictures[0].height).inches > 4  # a map large enough to read when projected


def test_per_departement_adds_a_slide_each(demo_store_url):
    deck = read_deck(get_engine(demo_store_url), "32", YEAR, DEMO_TODAY, per_departement=True)
    titles = [topic.title for topic in deck.topics]
    assert titles[len(TOPIC_TITLES):] == ["Aisne", "Nord", "Oise", "Pas-de-Calais", "Somme"]


def test_departement_deck_keeps_to_its_epci(demo_store_url):
    deck = read_deck(get_engine(demo_store_url), "32", YEAR, DEMO_TODAY, departement_code="80")
    assert deck.scope_label == "Somme"
    events = next(topic for topic in deck.topics if topic.title == "Événements info-métiers")
    assert 0 < len(events.map.values) < 30


def test_map_png_is_a_picture_with_colour(deck):
    image = Image.open(io.BytesIO(map_png(deck.topics[2].map, deck.credit))).convert("RGB")
    assert image.size == (1200, 900)
    assert len(image.getcolors(maxcolors=1_000_000)) > 20  # not blank: classes, outlines, text


def test_pdf_has_one_page_per_topic_and_is_not_blank(pdf_bytes, tmp_path):
    assert pdf_bytes.startswith(b"%PDF")
    assert _pdf_page_count(pdf_bytes) == 1 + len(TOPIC_TITLES)
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm (poppler-utils) absent : rendu des pages en PNG non vérifié ; nombre de pages vérifié.")
    (tmp_path / "deck.pdf").write_bytes(pdf_bytes)
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(tmp_path / "deck.pdf"), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 1 + len(TOPIC_TITLES)
    for page in pages:
        image = Image.open(page).convert("L")
        assert image.getextrema()[0] < 100, page.name  # something dark is drawn: text at least
        non_white = sum(count for count, value in image.getcolors() if value < 245)
        assert non_white > image.width * image.height * 0.01, page.name


def test_no_personal_data_in_deck_or_pdf(demo_store_url, pptx_bytes, pdf_bytes):
    engine = get_engine(demo_store_url)
    direction = Viewer("direction")
    names = set(queries.read_referents(engine, direction, "32").full_name.dropna())
    names |= set(queries.read_ambassadors(engine, direction, "32", None, None).full_name.dropna())
    assert len(names) > 10
    texts = {"pptx": "\n".join(text for slide in _slide_texts(pptx_bytes) for text in slide),
             "pdf": _pdf_text(pdf_bytes)}
    for kind, text in texts.items():
        assert not EMAIL.search(text), kind
        assert not PHONE.search(text), kind
        assert not [name for name in names if name in text], kind
    # Every XML part of the PowerPoint file as well (notes, properties), not only the visible text.
    with zipfile.ZipFile(io.BytesIO(pptx_bytes)) as archive:
        xml = "\n".join(archive.read(name).decode("utf-8") for name in archive.namelist() if name.endswith(".xml"))
    assert not EMAIL.search(xml)
    assert not [name for name in names if name in xml]


def test_cli_writes_the_deck_and_exits_0(demo_store_url, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", demo_store_url)
    from models.settings import get_settings

    if hasattr(get_settings, "cache_clear"):
        get_settings.cache_clear()
    out, pdf = tmp_path / "codir.pptx", tmp_path / "codir.pdf"
    try:
        code = main(["deck", str(out), "--pdf", str(pdf), "--departement", "02", "--year", YEAR])
    finally:
        if hasattr(get_settings, "cache_clear"):
            get_settings.cache_clear()
    assert code == 0
    captured = capsys.readouterr()
    assert "Présentation écrite" in captured.out and "%]" in captured.err
    assert len(Presentation(str(out)).slides) == 1 + len(TOPIC_TITLES)
    assert _pdf_page_count(pdf.read_bytes()) == 1 + len(TOPIC_TITLES)


def test_cli_refuses_an_unknown_departement(demo_store_url, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", demo_store_url)
    from models.settings import get_settings

    if hasattr(get_settings, "cache_clear"):
        get_settings.cache_clear()
    try:
        code = main(["deck", str(tmp_path / "x.pptx"), "--departement", "75"])
    finally:
        if hasattr(get_settings, "cache_clear"):
            get_settings.cache_clear()
    assert code == 2
    assert "75" in capsys.readouterr().err
    assert not (tmp_path / "x.pptx").exists()


def test_default_year_is_today_s(demo_store_url):
    assert read_deck(get_engine(demo_store_url), "32", "2026-2027", date(2026, 11, 25)).school_year == "2026-2027"


# --- what changed since the previous school year ------------------------------------------------


def test_changes_compare_with_the_previous_year(demo_store_url, deck):
    assert "2024-2025" in queries.read_school_years_with_data(get_engine(demo_store_url), "32", DEMO_TODAY)
    topic = next(topic for topic in deck.topics if topic.title == CHANGES_TITLE)
    assert list(topic.table.columns) == ["Indicateur", "2024–2025", "2025–2026", "Évolution"]
    assert list(topic.table.Indicateur) == ["Événements", "Participants", "Ambassadeurs actifs",
                                            "Places de remédiation", "Lycées non touchés"]
    assert NO_DATA not in topic.table.to_numpy()
    events = topic.table.set_index("Indicateur").loc["Événements"]
    change = int(events["2025–2026"].replace("\u202f", "")) - int(events["2024–2025"].replace("\u202f", ""))
    assert events["Évolution"] == ("+" if change > 0 else "−" if change < 0 else "") + str(abs(change))
    assert list(topic.chart.values.columns) == ["2024–2025", "2025–2026"] and not topic.chart.missing
    assert list(topic.chart.values.index) == ["Aisne", "Nord", "Oise", "Pas-de-Calais", "Somme"]
    assert "en 2025–2026" in topic.sentence and "en 2024–2025" in topic.sentence


def test_changes_say_no_data_when_the_previous_year_has_none(demo_store_url):
    engine = get_engine(demo_store_url)
    assert "2023-2024" not in queries.read_school_years_with_data(engine, "32", DEMO_TODAY)
    deck = read_deck(engine, "32", "2024-2025", DEMO_TODAY)
    topic = next(topic for topic in deck.topics if topic.title.startswith("Ce qui a changé"))
    assert topic.title == "Ce qui a changé depuis 2023–2024"
    assert list(topic.table["2023–2024"]) == [NO_DATA] * 5  # never zeros
    assert set(topic.table["Évolution"]) == {"–"}
    assert list(topic.chart.values.columns) == ["2024–2025"] and topic.chart.missing == ["2023–2024"]
    assert "2023–2024 : pas de données" in topic.sentence
    slide = _slide_texts(deck_pptx(deck))[1 + deck.topics.index(topic)]
    assert slide[0] == "Ce qui a changé depuis 2023–2024"
    assert [" ".join(text.split()) for text in slide].count(NO_DATA) == 5  # a cell may wrap « pas de / données »


def test_sentences_name_the_school_year(deck):
    for topic in deck.topics:
        for sentence in [topic.sentence, *topic.bullets]:
            assert "cette année" not in sentence, topic.title
    events = next(topic for topic in deck.topics if topic.title == "Événements info-métiers")
    assert "en 2025–2026" in events.sentence


# --- maps: place names, scale bar, legend ------------------------------------------------------


def _tiny_spec(**changes) -> MapSpec:
    shapes = tiny_shapes("commune")
    values = pd.DataFrame({"territory_code": shapes.territory_code, "coverage_index": [60, 80, 100, 120, 90, 110]})
    places = tiny_communes().assign(rank=["prefecture", "sous-prefecture", *["commune"] * 4])
    return MapSpec(shapes, values, INDICATORS["coverage_index"], "Commune", **{"places": places.iloc[:2], **changes})


def _drawn(spec: MapSpec, size=(8.0, 6.0)):
    figure = plt.figure(figsize=size)
    ax = figure.add_axes((0.01, 0.01, 0.98, 0.98))
    draw_map(ax, spec, "Source : essai.")
    figure.canvas.draw()
    return figure, ax


def test_map_names_its_places_with_a_white_halo():
    figure, ax = _drawn(_tiny_spec())
    labels = {text.get_text(): text for text in ax.texts}
    assert {"Bourg-sur-Lys", "Saint-Éloi"} <= set(labels)
    assert labels["Bourg-sur-Lys"].get_fontweight() == "bold"  # the préfecture stands out
    assert labels["Bourg-sur-Lys"].get_path_effects()  # the halo
    legend = ax.get_legend()
    assert min(text.get_fontsize() for text in legend.get_texts()) >= 12  # readable when projected
    renderer = figure.canvas.get_renderer()
    boxes = [labels[name].get_window_extent(renderer) for name in ("Bourg-sur-Lys", "Saint-Éloi")]
    assert not boxes[0].overlaps(boxes[1])
    assert not any(box.overlaps(legend.get_window_extent(renderer)) for box in boxes)
    plt.close(figure)


def test_crowded_place_names_never_overlap():
    communes = tiny_communes()  # twelve places in a row across the three northern squares, labels would collide
    places = pd.DataFrame({"name": [f"Ville numéro {n}" for n in range(12)], "rank": ["sous-prefecture"] * 12,
                           "longitude": np.linspace(communes.longitude.iloc[0], communes.longitude.iloc[2], 12),
                           "latitude": np.linspace(communes.latitude.iloc[0], communes.latitude.iloc[2], 12)})
    figure, ax = _drawn(_tiny_spec(places=places))
    renderer = figure.canvas.get_renderer()
    boxes = [text.get_window_extent(renderer) for text in ax.texts if text.get_text().startswith("Ville")]
    assert 1 <= len(boxes) < 12  # the ones that fit, the others left out
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    frame = ax.get_window_extent(renderer)
    assert all(frame.x0 <= box.x0 and box.x1 <= frame.x1 for box in boxes)  # inside the map, off the legend
    plt.close(figure)


def test_scale_bar_sits_under_the_outlines():
    spec = _tiny_spec()
    figure, ax = _drawn(spec)
    south = spec.shapes.to_crs("EPSG:2154").total_bounds[1]
    (bar,) = [line for line in ax.lines if line.get_gid() == "scale-bar"]
    assert max(bar.get_ydata()) < south
    renderer = figure.canvas.get_renderer()
    shapes_bottom = ax.transData.transform((0, south))[1]
    label = next(text for text in ax.texts if text.get_text().endswith(" km"))
    assert label.get_window_extent(renderer).y1 < shapes_bottom
    plt.close(figure)


def test_select_places_keeps_prefectures_or_a_departement_s_seats():
    communes = tiny_communes()
    places = communes[["commune_code", "name", "latitude", "longitude", "population_count"]].assign(
        rank=["prefecture", "sous-prefecture", "commune", "commune", "prefecture", "sous-prefecture"])
    assert list(select_places(places, communes).name) == ["Bourg-sur-Lys", "Cité-Neuve"]
    assert list(select_places(places, communes, "62").name) == ["Cité-Neuve", "Les Deux-Rives"]


def test_deck_maps_carry_place_names(deck):
    glance = deck.topics[0]
    assert set(glance.map.places.name) == {"Lille", "Amiens", "Beauvais", "Arras", "Laon"}


# --- tables: headings that fit -------------------------------------------------------------------


def test_pdf_table_headings_wrap_and_do_not_overlap(deck):
    table = next(topic for topic in deck.topics if topic.title == "Tableau par département").table
    figure = plt.figure(figsize=(11.69, 8.27))
    drawn = draw_table(figure.add_axes((0.04, 0.16, 0.92, 0.72)), table, 15, is_total_bold=True)
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    cells = drawn.get_celld()
    headings = [cells[0, col] for col in range(len(table.columns))]
    assert any("\n" in cell.get_text().get_text() for cell in headings)  # « Hab. par / référent / (ETP) »
    boxes = [cell.get_text().get_window_extent(renderer) for cell in headings]
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    for cell in cells.values():  # every text inside its cell
        text, frame = cell.get_text().get_window_extent(renderer), cell.get_window_extent(renderer)
        assert frame.x0 <= text.x0 and text.x1 <= frame.x1 and frame.y0 <= text.y0 and text.y1 <= frame.y1
    plt.close(figure)


def test_pptx_tables_fit_their_slides(pptx_bytes):
    presentation = Presentation(io.BytesIO(pptx_bytes))
    for slide in presentation.slides:
        for shape in (shape for shape in slide.shapes if shape.has_table):
            width = sum(column.width for column in shape.table.columns)
            assert shape.left + width <= presentation.slide_width
            assert shape.top + sum(row.height for row in shape.table.rows) <= presentation.slide_height * 0.9
            assert "Hab. par\nréférent\n(ETP)" in [cell.text for cell in shape.table.rows[0].cells] or \
                shape.table.cell(0, 0).text == "Indicateur"
