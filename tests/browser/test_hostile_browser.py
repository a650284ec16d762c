"""Imported text is data, never code: hostile names in every kind, every page opened in Chromium.

Each kind is imported with rows whose every text field carries one attack: Jinja expressions (branca
renders map scripts through Jinja), a raw block that would break the template, a call that would create
a folder on the server, HTML with an event handler, a template literal, backticks and Markdown pointing
outside. Every page must show them as typed, run none of them, ask nothing from outside, and show no
exception.
"""

import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from loaders.compute import compute_store
from loaders.imports import check_file, write_check
from models.db import get_engine
from models.schoolyear import school_year_label
from tests.browser.conftest import hover_every_point, map_root, open_app_page, requests_leaving, serve, settled
from tests.loaders.import_files import kind_csv

pytestmark = pytest.mark.browser
PAGES = ["vue-ensemble", "carte", "referents", "evenements", "ambassadeurs", "remediation", "ou-agir",
         "fiche-territoire", "donnees"]
COMMUNES = ["Lille", "Amiens", "Arras", "Beauvais", "Laon"]
DEPARTEMENTS = ["59", "80", "62", "60", "02"]


def attacks(folder: Path) -> list[str]:
    """One attack per row: each would show "1337", crash the page, create `folder`, run script or fetch."""
    return ["E2C {{ 7*191 }}", "Atelier {% raw %} relais", "Lien {{ lipsum.__globals__ }}",
            f"Cmd {{{{ lipsum.__globals__.os.mkdir('{folder}') }}}}",
            "<img src=x onerror=window.__pwned=1> ${window.__pwned=2} `tick` ![](http://example.test/x.png) "
            "</script><script>window.__pwned=3</script>"]


def hostile_files(folder: Path) -> dict[str, bytes]:
    """A file per kind whose text fields all carry the attacks, one attack per row."""
    today = date.today()
    year = school_year_label(today)
    day = f"15/10/{year[:4]}"
    rows = {kind: [] for kind in ("referents", "events", "ambassadors", "remediation", "indicators")}
    texts = attacks(folder)
    for index, text in enumerate(texts):
        commune = COMMUNES[index]
        rows["referents"].append({"Nom": text, "Courriel": f"referent{index}@example.org",
                                  "Départements": DEPARTEMENTS[index]})
        rows["events"].append({"Intitulé": text, "Type": text, "Date": day, "Commune": commune, "Filière": text,
                               "Public": text, "Participants": "12"})
        rows["ambassadors"].append({"Nom": text, "Courriel": f"ambassadeur{index}@example.org", "Métier": text,
                                    "Filière": text, "Employeur": text, "Canal de recrutement": text,
                                    "Commune": commune, "Date d'entrée": f"01/09/{year[:4]}"})
        rows["remediation"].append({"Nom": text, "Type": text, "Porteur": text, "Commune": commune,
                                    "Date du relevé": day, "Places ouvertes": "20", "Places occupées": "5"})
        rows["indicators"].append({"Code indicateur": "decrocheurs_16_25", "Niveau": "département",
                                   "Code territoire": DEPARTEMENTS[index], "Période": year, "Valeur": "100",
                                   # One source, label and unit per indicator: the Markdown one is the source.
                                   "Source": texts[4], "Libellé": texts[0], "Unité": texts[1]})
    return {kind: kind_csv(kind, records) for kind, records in rows.items()}


@pytest.fixture(scope="module")
def hostile_app(demo_store_url, tmp_path_factory):
    """The demo store with the hostile files imported (through the import's own checks), served."""
    folder = tmp_path_factory.mktemp("hostile")
    target = folder / "store.db"
    shutil.copy(demo_store_url.removeprefix("sqlite:///"), target)
    url = f"sqlite:///{target}"
    engine = get_engine(url)
    pwned = folder / "pwned"
    for kind, content in hostile_files(pwned).items():
        check = check_file(engine, kind, content, f"{kind}.csv", "32")
        assert check.is_clean, [(e.line, e.column, e.message) for e in check.errors]
        write_check(engine, check)
    compute_store(engine, "32", 20.0)
    engine.dispose()
    with serve(url, folder) as base:
        yield base, pwned


def _map_drawn(page, layer: str) -> None:
    """Wait until the map (drawn in the page, views/choropleth.js) shows the territories and that point layer."""
    root = map_root(page)
    expect(root).to_have_attribute("data-shapes", re.compile(r"^[1-9][0-9]+$"), timeout=90_000)
    expect(root.locator(".maillage-legend")).to_contain_text(layer, timeout=90_000)


def _show_every_layer(page) -> None:
    main = page.get_by_test_id("stMainBlockContainer")
    main.get_by_test_id("stMultiSelect").locator("input").click()
    page.get_by_role("option", name="Select all").click()
    page.keyboard.press("Escape")
    for layer in ("Événements", "Ambassadeurs", "Structures de remédiation", "Lycées"):
        expect(main.get_by_test_id("stMultiSelect")).to_contain_text(layer, timeout=30_000)
    settled(page)


def _frames_text(page) -> str:
    texts = []
    for frame in page.frames:
        try:
            texts.append(frame.evaluate("() => document.body ? document.body.innerText : ''"))
        except Exception:  # noqa: BLE001  (a frame detached meanwhile)
            continue
    return "\n".join(texts)


@pytest.mark.parametrize("path", PAGES)
def test_hostile_text_runs_nowhere(hostile_app, browser, path):
    base, pwned = hostile_app
    page = browser.new_page(viewport={"width": 1400, "height": 1200})
    outside = requests_leaving(page)
    open_app_page(page, f"{base}/{path}")
    if path == "carte":
        # The structures alone first (the page's default): with every layer, lycées, drawn last, cover the
        # structures at the town halls and a mouse there reaches a lycée.
        _map_drawn(page, "Structures de remédiation")
        names = "\n".join(hover_every_point(page))  # the real mouse on every marker, tooltips read as shown
        # As typed, literally: no "1337", no broken template, the HTML shown as text.
        assert "E2C {{ 7*191 }} – places libres" in names
        assert "Atelier {% raw %} relais – places libres" in names
        assert "<img src=x onerror=window.__pwned=1> ${window.__pwned=2} `tick`" in names
        assert "</script><script>window.__pwned=3</script>" in names
        _show_every_layer(page)
        _map_drawn(page, "Lycées")
    if path == "remediation":  # the source, Markdown pointing outside: shown as typed, neither image nor link
        source = page.get_by_test_id("stCaptionContainer").filter(has_text="Source :")
        expect(source).to_be_visible(timeout=30_000)
        assert "![](http://example.test/x.png)" in source.inner_text().replace("\u2060", "")
        expect(page.locator("a[href*='example.test'], img[src*='example.test']")).to_have_count(0)
    text = _frames_text(page)
    assert "1337" not in text
    assert "Une erreur inattendue" not in text
    expect(page.get_by_test_id("stException")).to_have_count(0)
    for frame in page.frames:
        assert frame.evaluate("() => window.__pwned === undefined"), f"script ran in {frame.url}"
    assert page.locator("img[src='x']").count() == 0
    assert outside == [], f"requêtes sorties de la machine : {outside[:5]}"
    assert not pwned.exists(), "une expression importée a été exécutée sur le serveur"
    page.close()
