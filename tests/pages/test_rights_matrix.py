"""Every role against every page, download and export: nothing outside its rights, on screen or in files.

Each page is run with AppTest for each profile; everything it sends to the browser (texts, tables, map
scripts, the bytes of every download button, Données › Exporter for every kind) is scanned for the
names, e-mails and phones the store holds. A référent of the Pas-de-Calais also tries the Nord through
the sidebar filter and the URL.
"""

import io
import re
import zipfile

import pandas as pd
import pytest
from PIL import Image
from streamlit.elements.widgets.button import ButtonMixin
from streamlit.testing.v1 import AppTest

from loaders.imports import export_rows
from loaders.kinds import KINDS
from models.access import Viewer
from models.db import get_engine
from models.queries import read_communes
from models.settings import get_settings
from tests.pages.test_pages import APP, PAGES, YEAR

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
PHONE = re.compile(r"(?<![\d,])(?:\+33 ?|0)[1-9](?:[ .]\d{2}){4}(?!\d)")  # as people write them: 03 21 00 00 00


@pytest.fixture(scope="module")
def people(demo_store_url) -> pd.DataFrame:
    """Every named person of the store, present or gone: name, e-mail, phone and their départements."""
    engine = get_engine(demo_store_url)
    departement_of = read_communes(engine, "32").set_index("commune_code").departement_code
    ambassadors = export_rows(engine, Viewer("direction"), "ambassadors", "32")
    referents = export_rows(engine, Viewer("direction"), "referents", "32")
    frame = pd.concat([
        ambassadors.assign(departements=ambassadors["Commune"].map(departement_of).map(lambda d: {d})),
        referents.assign(departements=referents["Départements"].str.split(", ").map(set)),
    ]).rename(columns={"Nom": "full_name", "Courriel": "email", "Téléphone": "phone"})
    assert len(frame) > 400 and frame.email.str.contains("@").all()
    return frame[["full_name", "email", "phone", "departements"]].reset_index(drop=True)


@pytest.fixture
def downloads(monkeypatch) -> list[tuple[str, bytes]]:
    """The file name and bytes of every download button the pages build."""
    files = []
    original = ButtonMixin.download_button

    def recording(self, label, data, file_name=None, *args, **kwargs):
        content = data() if callable(data) else data
        files.append((file_name, content.encode() if isinstance(content, str) else bytes(content)))
        return original(self, label, data, file_name, *args, **kwargs)

    monkeypatch.setattr(ButtonMixin, "download_button", recording)
    return files


def file_text(name: str, content: bytes) -> str:
    """What a downloaded file says, as text (an XLSX's shared strings and cells too, a PNG's text chunks).

    A PNG's pixels are compressed bytes, not text: read as text, they can spell anything (« N@T.11 »).
    """
    if content.startswith(b"\x89PNG"):
        return "\n".join(f"{key}: {value}" for key, value in Image.open(io.BytesIO(content)).text.items())
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "\n".join(archive.read(n).decode("utf-8", "ignore") for n in archive.namelist()
                             if n.endswith(".xml"))
    return content.decode("utf-8-sig", "ignore")


def screen_text(app: AppTest) -> str:
    """Everything the run sent to the browser: every element's message, tables as CSV."""
    parts = []

    def walk(node):
        value = getattr(node, "value", None)
        if isinstance(value, pd.DataFrame):
            parts.append(value.to_csv())
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "SerializeToString"):
            parts.append(proto.SerializeToString().decode("utf-8", "ignore"))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(app._tree)
    return "\n".join(parts)


def run(page: str, role: str, departements: str, monkeypatch, departement: str = "", query=None) -> str:
    """Run a page as a profile and return everything it showed, over every state a user can put it in."""
    monkeypatch.setenv("VIEWER_ROLE", role)
    monkeypatch.setenv("VIEWER_DEPARTEMENTS", departements)
    get_settings.cache_clear()
    app = AppTest.from_file(APP, default_timeout=180)
    for key, value in (query or {}).items():
        app.query_params[key] = value
    if not query:
        app.session_state["departement"] = departement
        app.session_state["school_year"] = YEAR
    app.run()
    if page != "pages/overview.py":
        app.switch_page(page)
        app.run()
    assert not app.exception, [e.message for e in app.exception]
    texts = [screen_text(app)]
    if page == "pages/map.py":  # every point layer on, ambassadors included
        app.multiselect(key="map_layers").set_value(["events", "ambassadors", "remediation", "schools"]).run()
        texts.append(screen_text(app))
    if page == "pages/data.py":
        for kind in KINDS:
            app.selectbox(key="export-kind").select(kind).run()
            texts.append(screen_text(app))
    assert not app.exception, [e.message for e in app.exception]
    return "\n".join(texts)


def everything(texts: str, files: list[tuple[str, bytes]]) -> str:
    return "\n".join([texts, *(file_text(name, content) for name, content in files)])


def leaks(text: str, people: pd.DataFrame, allowed: pd.DataFrame | None = None) -> list[str]:
    """The names, e-mails and phones of `people` found in `text` (but those `allowed` share, as namesakes)."""
    def values(frame):
        return {value for column in ("full_name", "email", "phone") for value in frame[column].dropna() if value}

    return sorted(value for value in values(people) - (values(allowed) if allowed is not None else set())
                  if value in text)


@pytest.mark.parametrize("departement", ["", "59"])
@pytest.mark.parametrize("page", PAGES)
def test_codir_sees_no_name_no_email_no_phone_anywhere(app_env, monkeypatch, downloads, people, page, departement):
    text = everything(run(page, "codir", "", monkeypatch, departement), downloads)
    assert leaks(text, people) == []
    assert not EMAIL.search(text), EMAIL.search(text)
    assert not PHONE.search(text), PHONE.search(text)


@pytest.mark.parametrize("how", ["sidebar", "url", "region"])
@pytest.mark.parametrize("page", PAGES)
def test_a_referent_of_62_sees_nobody_of_another_departement(app_env, monkeypatch, downloads, people, page, how):
    if how == "url":
        texts = run(page, "referent", "62", monkeypatch, query={"dep": "59", "annee": YEAR})
    else:
        texts = run(page, "referent", "62", monkeypatch, "59" if how == "sidebar" else "")
    own = people.departements.map(lambda codes: "62" in codes)
    assert leaks(everything(texts, downloads), people[~own], people[own]) == []


@pytest.mark.parametrize(("role", "departements"), [("referent", "62"), ("direction", ""), ("admin", "")])
def test_those_who_may_see_people_see_them(app_env, monkeypatch, downloads, people, role, departements):
    """The other side of the matrix: the lists are there for who needs them (else the scans above prove nothing)."""
    texts = run("pages/ambassadors.py", role, departements, monkeypatch, "62")
    own = people[people.departements.map(lambda codes: "62" in codes)]
    assert len(leaks(everything(texts, downloads), own)) > 20
    assert any(name.endswith(".xlsx") for name, _ in downloads)


def test_codir_sees_small_counts_of_people_as_below_the_threshold(app_env, monkeypatch, downloads):
    texts = run("pages/ambassadors.py", "codir", "", monkeypatch, "59")
    assert "< 5" in texts and "Secret statistique" in texts
    (by_epci,) = [file_text(name, content) for name, content in downloads
                  if name.startswith("maillage-ambassadeurs-epci") and name.endswith(".csv")]
    assert "< 5" in by_epci, by_epci
    counts = [int(line.rsplit(";", 2)[1]) for line in by_epci.splitlines()[1:] if line.rsplit(";", 2)[1].isdigit()]
    assert counts and min(counts) >= 5, by_epci
