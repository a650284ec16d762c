"""Données: sources, freshness, row counts, what is demo, and the history of loads."""

import streamlit as st

from loaders import read
from views.formatting import format_number
from views.ui import page_context, page_header, table_with_downloads

context = page_context()
page_header("Données", context)
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
if any(demo.values()):
    st.warning("Les référents, événements, ambassadeurs et places de remédiation sont des **données de "
               "démonstration** tant que la région n'a pas importé les siennes.", icon=":material/warning:")

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

st.subheader("Historique des chargements")
table_with_downloads(read.import_batches(context.database_url), {
    "started_at": ("Date", None), "kind": ("Nature", None), "file_name": ("Source", None),
    "imported_by": ("Par", None), "rows_read": ("Lignes lues", 0), "rows_written": ("Lignes écrites", 0),
    "rows_refused": ("Lignes refusées", 0), "status": ("Statut", None), "note": ("Détail", None),
}, "maillage-historique", key="data-batches")
