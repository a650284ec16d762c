"""The CODIR deck: PowerPoint and PDF built from the demo store, aggregates only, no personal data."""

import io
import re
import shutil
import subprocess
import zipfile
from datetime import date

import pytest
from PIL import Image
from pptx import Presentation
from pptx.util import Emu

from loaders.__main__ import main
from loaders.deck import read_deck
from models import queries
from models.access import Viewer
from models.db import get_engine
from tests.conftest import DEMO_TODAY
from views.deck import deck_pdf, deck_pptx, map_png

YEAR = "2025-2026"
TOPIC_TITLES = ["Hauts-de-France en un coup d'œil", "Référents départementaux", "Événements info-métiers",
                "Ambassadeurs métiers", "Places de remédiation", "Les plus grands manques",
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
    assert any("2025-2026" in text for text in texts[0])
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
