"""The import panel of the Données page: templates, upload, what was understood, problems, import.

Everything goes through loaders.read (check_upload, import_checked): the same functions the
command line uses. Nothing is written until the user presses « Importer ».
"""

import pandas as pd
import streamlit as st

from loaders import read
from loaders.imports import ImportCheck, columns_doc
from loaders.kinds import KINDS
from loaders.reading import MAX_FILE_MB, FileRefused
from models.db import StoreBusy
from models.settings import PROJECT_DIR
from views.formatting import escape_markdown, format_count, format_number
from views.tables import display_table
from views.ui import PageContext, download_buttons, table_height, table_with_downloads

TEMPLATES_DIR = PROJECT_DIR / "data" / "templates"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LOAD_LABELS = {"geographie": "Géographie", "lycees": "Lycées", "demo": "Démonstration"}  # loaders.store and demo
ERROR_COLUMNS = {"line": ("Ligne", 0), "column": ("Colonne", None), "value": ("Valeur lue", None),
                 "message": ("Problème", None)}


def kind_picker() -> str:
    """Which kind of file the user brings."""
    return st.selectbox("Nature des données", list(KINDS), format_func=lambda name: KINDS[name].label,
                        key="import-kind")


def template_help(kind_name: str) -> None:
    """The expected columns, the natural key, and the template downloads."""
    kind = KINDS[kind_name]
    with st.expander(f"Colonnes attendues ({kind.label}) et modèles à télécharger"):
        st.dataframe(columns_doc(kind_name), hide_index=True, width="stretch")
        st.caption(f"Une ligne déjà présente est reconnue par {kind.key_doc} : réimporter le même fichier ne change "
                   "rien. Les en-têtes sont reconnus quels que soient la casse, les accents, les espaces et les _. "
                   "Fichiers acceptés : CSV (UTF-8 ou Windows-1252, séparateur ; , ou tabulation) et Excel .xlsx, "
                   f"{MAX_FILE_MB} Mo au plus.")
        left, right, _ = st.columns([1, 1, 4])
        left.download_button("Modèle CSV", (TEMPLATES_DIR / f"{kind_name}.csv").read_bytes(),
                             f"modele-{kind_name}.csv", "text/csv", key=f"template-{kind_name}-csv")
        right.download_button("Modèle Excel", (TEMPLATES_DIR / f"{kind_name}.xlsx").read_bytes(),
                              f"modele-{kind_name}.xlsx", XLSX_MIME, key=f"template-{kind_name}-xlsx")


def checked_upload(context: PageContext, kind_name: str) -> ImportCheck | None:
    """Upload a file and check it (nothing written); show what was understood and every problem."""
    upload = st.file_uploader("Fichier à importer (CSV ou Excel .xlsx)", type=["csv", "txt", "xlsx"],
                              key=f"upload-{kind_name}")
    if upload is None:
        st.info("Déposez un fichier pour le vérifier : rien n'est écrit avant que vous cliquiez sur « Importer ».")
        return None
    sheet = None
    if upload.name.lower().endswith(".xlsx"):
        sheet = st.text_input("Feuille du classeur (vide : la première)", key=f"sheet-{kind_name}").strip() or None
    try:
        with st.spinner("Vérification du fichier…"):
            check = read.check_upload(context.database_url, context.region_code, kind_name, upload.getvalue(),
                                      upload.name, sheet)
    except FileRefused as error:
        st.error(f"**Fichier refusé** : {escape_markdown(error)}.", icon=":material/block:")
        return None
    _show_check(context, check)
    return check


def _show_check(context: PageContext, check: ImportCheck) -> None:
    accepted = len(check.records)
    st.caption(f"Lu comme : {escape_markdown(check.read_as)}.")
    columns = st.columns(4)
    columns[0].metric("Lignes lues", format_number(check.rows_read))
    columns[1].metric("Acceptées", format_number(accepted))
    columns[2].metric("Refusées", format_number(check.rows_refused))
    columns[3].metric("Doublons ignorés", format_number(check.duplicates))
    for notice in check.notices:
        st.info(escape_markdown(notice), icon=":material/info:")
    mapping = pd.DataFrame({"Colonne du fichier": list(check.columns),
                            "Comprise comme": [target or "(ignorée)" for target in check.columns.values()]})
    with st.expander("Colonnes reconnues"):
        st.dataframe(mapping, hide_index=True, width="stretch")
    if accepted:
        st.markdown("**Aperçu des premières lignes acceptées, telles que comprises**")
        names = read.communes(context.database_url, context.region_code).set_index("commune_code").name.to_dict()
        st.dataframe(check.preview(names), hide_index=True, width="stretch")
    if check.errors:
        st.markdown(f"**Problèmes ({format_number(len(check.errors))})** : chaque ligne refusée, avec la colonne, "
                    "la valeur lue et la raison.")
        errors = check.errors_frame()
        st.dataframe(display_table(errors.head(1000), ERROR_COLUMNS), hide_index=True, width="stretch",
                     height=table_height(errors.head(1000), 300))
        if len(errors) > 1000:
            st.caption("Seuls les 1 000 premiers problèmes sont affichés ; le fichier téléchargé les contient tous.")
        download_buttons(errors.rename(columns={k: v[0] for k, v in ERROR_COLUMNS.items()}),
                         f"problemes-{check.kind.name}", key="import-errors")
    else:
        st.success("Toutes les lignes sont acceptées.", icon=":material/check_circle:")


def import_button(context: PageContext, check: ImportCheck) -> None:
    """The import itself, all or nothing unless the user keeps the valid rows."""
    keep_valid = False
    if check.errors:
        keep_valid = st.checkbox(
            f"Importer quand même {format_count(len(check.records), 'ligne acceptée')} ; les lignes refusées "
            "sont mises de côté dans l'historique, à corriger et réimporter", key=f"keep-valid-{check.kind.name}")
        if not keep_valid:
            st.warning("Par défaut l'import est tout ou rien : tant qu'une ligne est refusée, rien n'est écrit. "
                       "Corrigez le fichier ou cochez la case ci-dessus.", icon=":material/warning:")
    disabled = not check.records or (bool(check.errors) and not keep_valid)
    if not st.button("Importer", type="primary", disabled=disabled, key=f"import-{check.kind.name}"):
        return
    bar = st.progress(0.0, text="Import…")
    try:
        report = read.import_checked(context.database_url, check, keep_valid, context.actor,
                                     lambda fraction, message: bar.progress(min(fraction, 1.0), text=message))
    except StoreBusy as error:
        bar.empty()
        st.error(f"**Import non effectué** : {escape_markdown(error)}", icon=":material/hourglass:")
        return
    bar.empty()
    (st.success if report.status == "ok" else st.warning)(escape_markdown(report.summary()))


def history(context: PageContext) -> None:
    """Every load, newest first; refused rows of an import can be downloaded to fix them.

    Who imported (« Par », the signed-in person's e-mail) is itself personal data: only roles that see the
    whole région in detail (direction, administration) get it (models.queries.read_import_batches).
    """
    batches = read.import_batches(context.database_url, context.viewer, context.region_code)
    # Stored in UTC: shown in Paris time, as the user lived it.
    local = pd.to_datetime(batches.started_at, utc=True).dt.tz_convert("Europe/Paris")
    batches["started_at"] = local.dt.tz_localize(None)
    kind_names = dict(zip(batches.id, batches.kind))
    batches["kind"] = batches.kind.map(lambda kind: KINDS[kind].label if kind in KINDS else LOAD_LABELS.get(kind, kind))
    table_with_downloads(batches, {
        "started_at": ("Date", None), "kind": ("Nature", None), "file_name": ("Fichier ou source", None),
        "imported_by": ("Par", None), "rows_read": ("Lignes lues", 0), "rows_written": ("Lignes écrites", 0),
        "rows_refused": ("Lignes refusées", 0), "status": ("Statut", None), "note": ("Détail", None),
        "file_sha256": ("Empreinte SHA-256", None),
    }, "maillage-historique", key="data-batches", height=300)
    with_refusals = batches[batches.rows_refused > 0] if not batches.empty else batches
    if with_refusals.empty or not context.viewer.can_import:
        return
    labels = {row.id: f"{row.started_at:%d/%m/%Y %H:%M} · {row.file_name} "
                      f"({format_count(row.rows_refused, 'ligne refusée')})" for row in with_refusals.itertuples()}
    batch_id = st.selectbox("Lignes refusées d'un import, à corriger et réimporter", list(labels),
                            format_func=labels.get, key="refused-batch")
    try:
        rows = read.refused(context.database_url, context.viewer, batch_id)
    except PermissionError as error:
        st.info(escape_markdown(error), icon=":material/lock:")
        return
    kind = KINDS.get(kind_names.get(batch_id))
    if rows.empty:
        st.info("Les lignes refusées de cet import ne sont plus conservées : celles des imports de référents ou "
                "d'ambassadeurs sont effacées après la durée de conservation des données personnelles "
                "(python -m loaders purge).", icon=":material/info:")
        return
    personal = f"Lignes refusées de l'import n° {batch_id} ({kind.label})" if kind and kind.has_personal_data else None
    download_buttons(rows, f"lignes-refusees-{batch_id}", key="refused-rows", personal=personal)


def export_panel(context: PageContext) -> None:
    """The store's rows of a kind, in the template format (import, export and re-import give the same store)."""
    kind_name = st.selectbox("Données à exporter", list(KINDS), format_func=lambda name: KINDS[name].label,
                             key="export-kind")
    try:
        frame = read.exported(context.database_url, context.viewer, kind_name, context.region_code)
    except PermissionError as error:
        st.info(escape_markdown(error), icon=":material/lock:")
        return
    if frame.empty:
        st.info("Aucune ligne de cette nature dans l'entrepôt.")
        return
    st.caption(f"{format_count(len(frame), 'ligne')}, au format du modèle : ce fichier se réimporte tel quel.")
    kind = KINDS[kind_name]
    personal = f"{kind.label} : export au format du modèle" if kind.has_personal_data else None
    download_buttons(frame, f"maillage-{kind_name}", key=f"export-{kind_name}", personal=personal)
