"""The Présentation page printed by Chromium: one A4 landscape page per topic, no sidebar nor widgets."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import open_app_page, serve, settled

pytestmark = pytest.mark.browser
TOPICS = 7
A4_LANDSCAPE = (842, 595)  # points


@pytest.fixture(scope="module")
def app_url(demo_store_url):
    with serve(demo_store_url, Path(demo_store_url.removeprefix("sqlite:///")).parent, role="codir") as base:
        yield base


def open_presentation(page, url: str) -> None:
    """Through the app's menu: a first deep link to /presentation would run pages/presentation.py on its own,
    as an old-style page without app.py's frame, before st.navigation has registered the pages (streamlit#8860)."""
    open_app_page(page, url)
    page.get_by_role("link", name="Présentation").click()
    expect(page.get_by_role("heading", name="Présentation", exact=True)).to_be_visible(timeout=60_000)
    settled(page)


def print_all(browser, url: str):
    """The Présentation page in « tout imprimer » mode, every slide drawn."""
    page = browser.new_page(viewport={"width": 1120, "height": 800})
    open_presentation(page, url)
    page.get_by_text("Imprimer toutes les diapositives").click()
    settled(page)
    expect(page.locator('[class*="st-key-slide-"]')).to_have_count(TOPICS, timeout=60_000)
    expect(page.locator('[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg')
           .first).to_be_visible(timeout=60_000)
    page.wait_for_timeout(2_000)  # maps (iframes) and charts finish drawing
    return page


def pdf_pages(pdf: bytes) -> list[bytes]:
    """The page objects of a PDF (not the /Pages tree)."""
    return re.findall(rb"/Type\s*/Page(?!s)", pdf)


def test_printing_gives_one_a4_landscape_page_per_topic(browser, app_url, tmp_path):
    page = print_all(browser, app_url)
    pdf = page.pdf(format="A4", landscape=True, print_background=True, prefer_css_page_size=True)
    (tmp_path / "presentation.pdf").write_bytes(pdf)
    assert len(pdf_pages(pdf)) == TOPICS, f"{len(pdf_pages(pdf))} pages for {TOPICS} topics"
    sizes = {tuple(round(float(v)) for v in box.split()[2:]) for box in
             re.findall(rb"/MediaBox\s*\[\s*([\d.\s]+)\]", pdf) for box in [box.decode()]}
    assert sizes == {A4_LANDSCAPE}, sizes


def test_on_paper_there_is_no_sidebar_nor_widget(browser, app_url):
    page = print_all(browser, app_url)
    page.emulate_media(media="print")
    for selector in ('[data-testid="stSidebar"]', '[data-testid="stHeader"]', ".stButton", ".stToggle",
                     ".st-key-presentation-frame"):
        hidden = page.locator(selector).evaluate_all("nodes => nodes.every(n => getComputedStyle(n).display === 'none'"
                                                     " || n.closest('.st-key-presentation-frame'))")
        assert hidden, selector
    expect(page.locator('[class*="st-key-slide-"]').first).to_be_visible()
