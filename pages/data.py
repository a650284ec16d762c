"""Données: import the région's own files, the history of loads, exports, sources and store contents."""

import streamlit as st

from loaders import read
from loaders.kinds import KINDS
from views import audit, imports, users
from views.formatting import format_number
from views.ui import page_context, page_header, table_with_downloads

context = page_context()
page_header("Données", context)
import_tab, export_tab, sources_tab = st.tabs(["Importer", "Exporter", "Sources et contenu"])

with import_tab:
    st.subheader("Importer vos fichiers")
    if context.viewer.can_import:
        kind = imports.kind_picker()
        imports.template_help(kind)
        check = imports.checked_upload(context, kind)
        if check is not None:
            imports.import_button(context, check)
    else:
        st.info("L'import de fichiers est réservé au profil administration (en mode local : réglage "
                "VIEWER_ROLE=admin).", icon=":material/lock:")
    st.subheader("Historique des chargements")
    imports.history(context)

with export_tab:
    st.subheader("Exporter les données de l'entrepôt")
    imports.export_panel(context)

with sources_tab:
    meta = read.meta(context.database_url)
    counts = read.table_counts(context.database_url)
    demo = read.demo_counts(context.database_url, context.region_code)

    st.subheader("Sources")
    sources = read.sources(context.database_url, context.region_code)
    table_with_downloads(sources, {"what": ("Données", None), "source": ("Source", None),
                                   "licence": ("Licence", None), "loaded_at": ("Chargées le", None),
                                   "rows_count": ("Lignes", 0), "is_demo": ("Démonstration", None)},
                         "maillage-sources", key="data-sources")
    unplaced = int(meta.get(f"schools_unplaced:{context.region_code}", 0))
    invalid = int(meta.get(f"schools_invalid_uai:{context.region_code}", 0))
    st.caption(f"Lycées non placés dans une commune (code postal ou ville introuvable) : {format_number(unplaced)} ; "
               f"écartés pour code UAI invalide : {format_number(invalid)}.")
    still_demo = [KINDS[kind].label.lower() for kind, count in demo.items() if count]
    if still_demo:
        st.warning(f"Encore en **données de démonstration**, tant que la région n'a pas importé les siennes : "
                   f"{', '.join(still_demo)}.", icon=":material/warning:")

    st.subheader("Entrepôt d'indicateurs")
    st.caption("Chaque indicateur avec sa source et sa périodicité. Ceux de source « calcul Maillage » sont recalculés "
               "après chaque chargement (python -m loaders compute), un instantané par année scolaire ; les valeurs "
               "régionales et départementales sont comptées ici.")
    table_with_downloads(read.indicator_catalogue(context.database_url, context.region_code), {
        "indicator_code": ("Code", None), "label": ("Indicateur", None), "unit": ("Unité", None),
        "source": ("Source", None), "periodicity": ("Périodicité", None), "first_period": ("Depuis", None),
        "last_period": ("Jusqu'à", None), "computed_at": ("Calculé ou chargé le", None),
        "values_count": ("Valeurs", 0), "is_demo": ("Démonstration", None),
    }, "maillage-indicateurs", key="data-indicators", height=300)

    st.subheader("Contenu de l'entrepôt")
    table_with_downloads(read.counts_frame(counts), {"label": ("Table", None), "rows_count": ("Lignes", 0)},
                         "maillage-entrepot", key="data-counts")

    users.users_panel(context)  # who may sign in: administration only
    audit.access_section(context)  # the access log (administration) and the last purge
