"""Décrochage et remédiation: structures, seats and occupancy through the year, against dropouts."""

import streamlit as st

from loaders import read
from models.coverage import count_by
from models.lists import structures_with_free_places
from views.charts import bar_chart, monthly_chart
from views.formatting import escape_markdown, format_date, format_number, format_percent, year_label
from views.ui import page_context, page_header, show_chart, table_with_downloads

context = page_context()
page_header("Décrochage et remédiation", context, ("remediation",))
args = (context.database_url, context.viewer, context.region_code)

structures = read.remediation(*args, context.departement_code, context.school_year, context.today)
capacity, occupied = structures.capacity_count.sum(), structures.occupied_count.sum()
cols = st.columns(4)
cols[0].metric("Structures", format_number(len(structures)))
cols[1].metric("Places", format_number(capacity))
cols[2].metric("Places libres (dernier relevé)", format_number(structures.free_count.sum()))
cols[3].metric("Taux d'occupation", format_percent(occupied / capacity if capacity else None))
if structures.empty:
    st.info("Aucune structure de remédiation pour ces filtres. Importez-les depuis la page Données.")
    st.stop()

left, right = st.columns(2)
with left:
    st.markdown("**Places par type de solution**")
    show_chart(bar_chart(count_by(structures, "structure_kind", "capacity_count", "capacity_count"),
                         "structure_kind", "capacity_count", "Type", "Places", "#756bb1"),
               f"maillage-places-par-type-{context.school_year}", key="remediation-kind-chart",
               title="Places de remédiation par type de solution")
with right:
    st.markdown("**Places au fil de l'année scolaire**")
    history = read.capacity_history(*args, context.departement_code, context.school_year)
    if history.empty:
        st.info(f"Aucun relevé de places en {year_label(context.school_year)}.")
    else:
        show_chart(monthly_chart(history, "snapshot_date", {"capacity_count": "Places ouvertes",
                                                            "occupied_count": "Places occupées"}, "Places"),
                   f"maillage-places-par-mois-{context.school_year}", key="remediation-history-chart",
                   title="Places de remédiation au fil de l'année scolaire")

names = read.communes(context.database_url, context.region_code).set_index("commune_code").name
st.subheader("Places libres aujourd'hui")
free_now = structures_with_free_places(read.remediation(*args, context.departement_code, None, context.today))
st.caption(f"Structures ayant au moins une place libre à leur dernier relevé connu au {format_date(context.today)}, "
           "les plus de places libres en tête, avec la date de ce relevé.")
table_with_downloads(free_now.assign(commune=free_now.commune_code.map(names)), {
    "name": ("Structure", None), "structure_kind": ("Type", None), "operator": ("Porteur", None),
    "commune": ("Commune", None), "free_count": ("Places libres", 0), "capacity_count": ("Places", 0),
    "snapshot_date": ("Date du relevé", None),
}, f"maillage-places-libres-{context.today.isoformat()}", key="remediation-free-now",
    empty_message="Aucune place libre à ce jour dans les structures de ce territoire (d'après leur dernier relevé).")

st.subheader("Toutes les structures")
st.caption(f"Chaque structure au dernier relevé de places de l'année scolaire {context.school_year.replace('-', '–')}.")
table_with_downloads(structures.assign(commune=structures.commune_code.map(names)), {
    "name": ("Structure", None), "structure_kind": ("Type", None), "operator": ("Porteur", None),
    "commune": ("Commune", None), "snapshot_date": ("Dernier relevé", None), "capacity_count": ("Places", 0),
    "occupied_count": ("Occupées", 0), "free_count": ("Libres", 0),
}, f"maillage-remediation-{context.school_year}", key="remediation-list")

st.subheader("Jeunes sortis sans diplôme, par département")
indicators = read.indicator_values(context.database_url, context.region_code)
dropouts = indicators[(indicators.indicator_code == "decrocheurs_16_25")
                      & (indicators.period == context.school_year)]
if dropouts.empty:
    st.info("L'indicateur « jeunes sortis sans diplôme » n'est pas renseigné pour "
            f"{year_label(context.school_year)}.")
else:
    st.caption(f"Source : {escape_markdown(dropouts.source.iloc[0])} · périodicité "
               f"{escape_markdown(dropouts.periodicity.iloc[0])}")
    table_with_downloads(dropouts, {"territory_code": ("Département", None), "value": ("Jeunes repérés", 0),
                                    "period": ("Année scolaire", None)},
                         f"maillage-decrocheurs-{context.school_year}", key="remediation-dropouts")
