"""Streamlit pieces every page shares: the page context, the demo banner, tables with downloads.

Defaults of the shared filters live here, in one place (app.py draws the widgets).
"""

import functools
import logging
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
import streamlit as st

from loaders import read
from models.access import Viewer, local_viewer
from models.schoolyear import school_year_label
from models.settings import get_settings
from views.formatting import escape_markdown
from views.tables import display_table, export_frame, to_csv_bytes, to_xlsx_bytes

ALL = ""
FILTER_KEYS = {"departement": "dep", "school_year": "annee"}
ROW_PX = 35  # height of a st.dataframe row, header included
log = logging.getLogger("maillage")


def show_failure(where: str) -> None:
    """An unexpected error: a French message on screen, the traceback in the server's log only.

    Call it from an `except` block. Tracebacks show server paths and code: they never reach users
    (and `client.showErrorDetails` is "none" in .streamlit/config.toml for what this does not catch).
    """
    stamp = datetime.now().strftime("%d/%m/%Y %H:%M:%S")
    log.exception("Erreur inattendue (%s, %s)", where, stamp)
    st.error(f"Une erreur inattendue empêche d'afficher cette partie de la page. Elle est consignée dans le journal "
             f"du serveur ({stamp}) ; si elle se reproduit, signalez-la à l'administrateur de Maillage avec "
             "cette heure.", icon=":material/error:")


def guarded(function):
    """A page part (a fragment) whose unexpected errors are shown as a French message, not a traceback."""
    @functools.wraps(function)
    def run(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except Exception:  # noqa: BLE001  (Streamlit's stop and rerun are BaseExceptions: they pass)
            show_failure(function.__name__)
    return run


@dataclass(frozen=True)
class PageContext:
    """What a page needs to read data: where, for whom, with which filters."""

    database_url: str
    region_code: str
    viewer: Viewer
    departement_code: str | None
    school_year: str
    today: date

    @property
    def scope_label(self) -> str:
        """The territory the page shows, in French."""
        if not self.departement_code:
            return read.region(self.database_url, self.region_code)["name"]
        names = read.departements(self.database_url, self.region_code).set_index("departement_code").name
        return f"{names.get(self.departement_code, self.departement_code)} ({self.departement_code})"


def page_context() -> PageContext:
    """The current page's context, from the settings and the sidebar filters."""
    settings = get_settings()
    today = date.today()
    return PageContext(
        database_url=settings.database_url,
        region_code=settings.region_code,
        viewer=local_viewer(settings.viewer_role, settings.viewer_departements),
        departement_code=st.session_state.get("departement") or None,
        school_year=st.session_state.get("school_year") or school_year_label(today),
        today=today,
    )


def demo_banner(context: PageContext, resources: tuple[str, ...]) -> None:
    """Say clearly when what the page shows includes demo data."""
    counts = read.demo_counts(context.database_url, context.region_code)
    if any(counts.get(name, 0) for name in resources):
        st.warning("**Données de démonstration** : référents, événements, ambassadeurs et places de remédiation "
                   "affichés ici sont fictifs, générés pour illustrer l'outil. La géographie et les lycées sont "
                   "réels. Importez vos propres fichiers pour les remplacer.", icon=":material/warning:")


def page_header(title: str, context: PageContext, resources: tuple[str, ...] = ()) -> None:
    """Title, scope line and demo banner."""
    st.title(title)
    st.caption(f"{escape_markdown(context.scope_label)} · année scolaire {context.school_year.replace('-', '–')}")
    if resources:
        demo_banner(context, resources)


def table_with_downloads(frame: pd.DataFrame, columns: dict[str, tuple[str, int | None]], file_stem: str,
                         key: str, empty_message: str = "Aucune ligne à afficher pour ces filtres.",
                         height: int | None = None) -> None:
    """A French table on screen, with CSV (`;`, UTF-8 BOM) and XLSX downloads of the raw values."""
    if frame.empty:
        st.info(empty_message)
        return
    st.dataframe(display_table(frame, columns), hide_index=True, width="stretch", height=table_height(frame, height))
    download_buttons(export_frame(frame, columns), file_stem, key)


def table_height(frame: pd.DataFrame, height: int | None) -> int | str:
    """`height` caps a long table; a short one takes its own height, without blank rows below."""
    return height if height and (len(frame) + 1) * ROW_PX > height else "auto"


def download_buttons(raw: pd.DataFrame, file_stem: str, key: str) -> None:
    """CSV (`;`, UTF-8 BOM) and XLSX downloads of a table."""
    left, right, _ = st.columns([1, 1, 4])
    left.download_button("Télécharger (CSV)", to_csv_bytes(raw), f"{file_stem}.csv", "text/csv", key=f"{key}-csv")
    right.download_button("Télécharger (Excel)", to_xlsx_bytes(raw), f"{file_stem}.xlsx",
                          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key=f"{key}-xlsx")
