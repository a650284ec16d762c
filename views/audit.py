"""The access log of personal data, page side: displays and exports logged, the log and the last purge shown.

Lists and files with personal data are logged through `table_with_downloads(..., personal=...)` and
`download_buttons(..., personal=...)` (views.ui), which call the two `log_personal_*` functions here.
"""

import logging

import pandas as pd
import streamlit as st

from loaders import read
from loaders.purge import PARIS, read_last_purge
from models.access import ROLES
from models.audit import log_access, read_access_log
from views.formatting import escape_markdown
from views.ui import PageContext, table_with_downloads

LOGGED_KEY = "access-logged"  # session state: the displays this session has already logged
ACCESS_COLUMNS = {"at": ("Date", None), "person": ("Personne", None), "role": ("Profil", None),
                  "action": ("Action", None), "what": ("Quoi", None), "rows_count": ("Lignes", 0)}
log = logging.getLogger("maillage")


def log_personal_display(context: PageContext, what: str, frame: pd.DataFrame) -> None:
    """Log that a list with personal data is on screen: once per session for the same list and row count.

    Streamlit runs the page again at every click: a rerun showing the same list is not a new access.
    If the entry cannot be written, the error stops the page before the list is shown.
    """
    entry = (context.actor, context.viewer.role, what, len(frame))
    logged = st.session_state.setdefault(LOGGED_KEY, set())
    if entry in logged:
        return
    log_access(read.engine_for(context.database_url), context.actor, context.viewer.role, "affichage", what,
               len(frame))
    logged.add(entry)


def log_personal_export(context: PageContext, what: str, rows_count: int) -> None:
    """The `on_click` callback of a download with personal data: log the export.

    Streamlit calls it at the start of the rerun the click causes, once the browser has the file: if the
    entry cannot be written, the access goes to the server's log instead.
    """
    try:
        log_access(read.engine_for(context.database_url), context.actor, context.viewer.role, "export", what,
                   rows_count)
    except Exception:  # noqa: BLE001  (the file has left: keep the trace somewhere, do not break the page)
        log.exception("Export de données personnelles non consigné dans le journal des accès : %s (%s), « %s », "
                      "%s lignes", context.actor, context.viewer.role, what, rows_count)


def access_log_frame(context: PageContext) -> pd.DataFrame:
    """The access log as the Données page shows it: Paris time, profiles in French (administration only)."""
    frame = read_access_log(read.engine_for(context.database_url), context.viewer)
    frame["at"] = frame["at"].dt.tz_convert("Europe/Paris").dt.strftime("%d/%m/%Y %H:%M:%S")
    frame["role"] = frame.role.map(lambda role: ROLES.get(role, role))
    return frame


def access_section(context: PageContext) -> None:
    """Administration reads the access log; direction and administration see when the last purge ran."""
    if context.viewer.can_manage:
        st.subheader("Journal des accès aux données personnelles")
        st.caption("Chaque affichage d'une liste et chaque téléchargement contenant des données personnelles "
                   "(référents, ambassadeurs), avec la personne, son profil et le nombre de lignes ; les entrées "
                   "sont effacées après la durée de conservation du journal (réglage ACCESS_LOG_MONTHS).")
        table_with_downloads(access_log_frame(context), ACCESS_COLUMNS, "maillage-journal-acces", key="access-log",
                             empty_message="Aucun accès à des données personnelles n'est encore consigné.",
                             height=300)
    if context.viewer.sees_whole_region:
        last = read_last_purge(read.engine_for(context.database_url))
        if last is None:
            st.caption("Aucune purge encore effectuée : python -m loaders purge")
        else:
            ran_at = last["ran_at"].astimezone(PARIS).strftime("%d/%m/%Y %H:%M")
            st.caption(f"Dernière purge : {ran_at} – {escape_markdown(last.get('summary', ''))}")
