"""Streamlit pieces every page shares: the page context, the demo banner, tables, charts and maps with downloads.

Defaults of the shared filters live here, in one place (app.py draws the widgets).
"""

import functools
import logging
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import altair as alt
import geopandas as gpd
import pandas as pd
import streamlit as st

from loaders import read
from models.access import Viewer, local_viewer
from models.measures import Indicator
from models.schoolyear import school_year_label
from models.settings import get_settings
from models.users import normalize_email, viewer_for
from views.charts import chart_png, chart_svg
from views.deck import SOURCE, MapSpec, map_png
from views.formatting import escape_markdown, format_date, format_number
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
    person: str = ""  # the signed-in person's e-mail; empty in local mode

    @property
    def actor(self) -> str:
        """Who acts, for the import history and the access log: the signed-in person, or local mode's profile."""
        return self.person or f"mode local ({self.viewer.role})"

    @property
    def scope_label(self) -> str:
        """The territory the page shows, in French."""
        if not self.departement_code:
            return read.region(self.database_url, self.region_code)["name"]
        names = read.departements(self.database_url, self.region_code).set_index("departement_code").name
        return f"{names.get(self.departement_code, self.departement_code)} ({self.departement_code})"


def page_context() -> PageContext:
    """The current page's context: who is looking, and the sidebar filters.

    In sign-in mode (`sign_in_configured`) the rights are the signed-in person's row of the users
    table; in local mode they come from the settings VIEWER_ROLE and VIEWER_DEPARTEMENTS. Deny by
    default: raises ValueError in French when nobody is signed in, the e-mail is not a user's, or
    the local profile is unknown.
    """
    settings = get_settings()
    today = date.today()
    person = ""
    if sign_in_configured():
        person = signed_in_email()
        viewer = signed_in_viewer(settings.database_url, person)
    else:
        viewer = local_viewer(settings.viewer_role, settings.viewer_departements)
    return PageContext(
        database_url=settings.database_url,
        region_code=settings.region_code,
        viewer=viewer,
        departement_code=st.session_state.get("departement") or None,
        school_year=st.session_state.get("school_year") or school_year_label(today),
        today=today,
        person=person,
    )


def sign_in_configured() -> bool:
    """Whether Streamlit's secrets configure an OpenID Connect provider (an [auth] section): sign-in mode.

    Without one, the app runs in local mode. A secrets file that exists but cannot be read raises
    ValueError rather than fall back to local mode (which would open the app to anyone).
    """
    if st.secrets.load_if_toml_exists():
        return "auth" in st.secrets
    unreadable = [path for path in st.get_option("secrets.files") if Path(path).is_file()]
    if unreadable:
        raise ValueError(f"Le fichier de configuration de la connexion ({Path(unreadable[0]).name}) est illisible : "
                         "l'application reste fermée tant qu'il n'est pas corrigé (voir le journal du serveur).")
    return False


def signed_in_email() -> str:
    """The e-mail the provider gave for the person signed in, as stored in the users table; "" if nobody is.

    Raises ValueError in French when the provider says it did not verify that e-mail.
    """
    if not is_signed_in():
        return ""
    if st.user.get("email_verified") is False:
        raise ValueError("Votre fournisseur d'identité indique que votre courriel n'est pas vérifié.")
    return normalize_email(st.user.get("email") or "")


def is_signed_in() -> bool:
    """Whether someone signed in through the provider (always False in local mode)."""
    return bool(st.user.get("is_logged_in", False))


def signed_in_viewer(database_url: str, email: str) -> Viewer:
    """The rights of the person signed in with `email`, from the users table; ValueError in French otherwise."""
    if not email:
        raise ValueError("Vous n'êtes pas connecté, ou votre fournisseur d'identité n'a pas transmis de courriel.")
    viewer = viewer_for(read.engine_for(database_url), email)
    if viewer is None:
        raise ValueError(f"Le compte « {email} » n'a pas de profil dans Maillage.")
    return viewer


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
                         height: int | None = None, personal: str | None = None,
                         shown_rows: int | None = None) -> None:
    """A French table on screen, with CSV (`;`, UTF-8 BOM) and XLSX downloads of the raw values.

    `personal` names, in French, a table with personal data (« Liste des ambassadeurs (59) »): its
    display (once per session) and each of its downloads go to the access log. `shown_rows` keeps the
    screen to the first rows (the downloads have them all): 3,800 communes are for a spreadsheet.
    """
    if frame.empty:
        st.info(empty_message)
        return
    if personal:
        from views.audit import log_personal_display  # (views.audit builds on this module)

        log_personal_display(page_context(), personal, frame)
    shown = frame.head(shown_rows) if shown_rows else frame
    st.dataframe(display_table(shown, columns), hide_index=True, width="stretch", height=table_height(shown, height))
    if len(shown) < len(frame):
        st.caption(f"Les {format_number(len(shown))} premières lignes sur {format_number(len(frame))} ; "
                   "toutes sont dans les fichiers téléchargés.")
    download_buttons(export_frame(frame, columns), file_stem, key, personal=personal)


def table_height(frame: pd.DataFrame, height: int | None) -> int | str:
    """`height` caps a long table; a short one takes its own height, without blank rows below."""
    return height if height and (len(frame) + 1) * ROW_PX > height else "auto"


def download_buttons(raw: pd.DataFrame, file_stem: str, key: str, personal: str | None = None) -> None:
    """CSV (`;`, UTF-8 BOM) and XLSX downloads of a table.

    Figures are written with the decimals the frame carries in its attrs (views.tables.export_frame and
    comparison_table put them there), so that French Excel shows them as the screen does.
    With `personal` (what the table holds, in French), each download goes to the access log: a callback
    of the click, which Streamlit runs at the start of the rerun the click causes.
    """
    logged = {}
    if personal:
        from views.audit import log_personal_export  # (views.audit builds on this module)

        logged = {"on_click": log_personal_export, "args": (page_context(), personal, len(raw))}
    left, right, _ = st.columns([1, 1, 4])
    # Built when clicked (deferred downloads), not at every rerun: an XLSX of a few thousand rows takes half a second.
    left.download_button("Télécharger (CSV)", functools.partial(to_csv_bytes, raw), f"{file_stem}.csv", "text/csv",
                         key=f"{key}-csv", **logged)
    right.download_button("Télécharger (Excel)", functools.partial(to_xlsx_bytes, raw), f"{file_stem}.xlsx",
                          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key=f"{key}-xlsx",
                          **logged)


def _export_logging(personal: str | None, rows_count: int) -> dict:
    """The download's click: logged in the access log for a file with personal data, else no rerun at all."""
    if not personal:
        return {"on_click": "ignore"}
    from views.audit import log_personal_export  # (views.audit builds on this module)

    return {"on_click": log_personal_export, "args": (page_context(), personal, rows_count)}


def show_chart(chart: alt.TopLevelMixin, file_stem: str, key: str, title: str | None = None,
               height: int | None = None, personal: str | None = None) -> None:
    """An Altair chart on screen, with PNG and SVG downloads drawn on the server when clicked.

    `title` heads the downloaded pictures (the screen has its own heading), with the scope and the school
    year under it. `personal` names, in French, a chart that shows people (référents by name): each of
    its downloads goes to the access log, as a table's does.
    """
    st.altair_chart(chart, width="stretch", **({"height": height} if height else {}))
    context = page_context()
    exported = chart.properties(title=alt.TitleParams(
        title, subtitle=f"{context.scope_label} · année scolaire {context.school_year.replace('-', '–')}",
        anchor="start")) if title else chart
    logged = _export_logging(personal, len(chart.data) if isinstance(chart.data, pd.DataFrame) else 0)
    row = st.container(horizontal=True, key=f"{key}-downloads")
    # Built when clicked (deferred downloads): drawing a chart takes a tenth of a second, the first one more.
    row.download_button("Graphique (PNG)", functools.partial(chart_png, exported), f"{file_stem}.png", "image/png",
                        key=f"{key}-png", icon=":material/download:", **logged)
    row.download_button("Graphique (SVG)", functools.partial(chart_svg, exported), f"{file_stem}.svg",
                        "image/svg+xml", key=f"{key}-svg", icon=":material/download:", **logged)


def map_credit(context: PageContext) -> str:
    """Source and date written on a downloaded map, as the CODIR deck writes them."""
    demo = read.demo_counts(context.database_url, context.region_code)
    stamp = read.computed_at(context.database_url, context.region_code, context.school_year)
    year = f"année scolaire {context.school_year.replace('-', '–')}"
    when = (f"Données au {format_date(datetime.fromisoformat(stamp[:19]).date())}, {year}" if stamp
            else year.capitalize())
    return f"{SOURCE}{' (données de démonstration)' if any(demo.values()) else ''}. {when}."


def map_download(context: PageContext, shapes: gpd.GeoDataFrame, values: pd.DataFrame, measure: Indicator,
                 level_label: str, file_stem: str, key: str, white_zone_km: float | None = None) -> None:
    """« Télécharger la carte (PNG) »: the choropleth of `measure`, drawn on the server when clicked.

    `values` are the measures as the page shows them (read for the viewer: a hidden small count is drawn
    « Secret statistique »); `shapes` are cut to their territories. `white_zone_km`, as the screen's map
    has it, makes the zone blanche threshold a class of a distance. Legend, km scale, source and data date
    as in the CODIR deck (views.deck.map_png).
    """
    spec = MapSpec(shapes[shapes.territory_code.isin(values.territory_code)], values, measure, level_label,
                   white_zone_km=white_zone_km)
    # Drawing takes about a second (more for 3,800 communes): only when clicked, and without rerunning the page.
    st.container(key=f"{key}-download").download_button(
        "Télécharger la carte (PNG)", functools.partial(map_png, spec, map_credit(context)), f"{file_stem}.png",
        "image/png", key=key, icon=":material/download:", on_click="ignore")
