"""Ambassadeurs: the volunteer professionals active this school year, by trade sector.

Who may see the people sees the list (direction everywhere, a référent in their own départements);
everyone else sees counts by sector, channel and territory, small counts hidden for CODIR.
"""

import pandas as pd
import streamlit as st

from loaders import read
from models.coverage import count_by
from models.disclosure import HIDDEN, suppression_note
from models.measures import INDICATORS, indicator_columns
from models.settings import get_settings
from views.charts import bar_chart
from views.formatting import format_number, year_label
from views.tables import format_cell
from views.ui import page_context, page_header, show_chart, table_with_downloads

context = page_context()
page_header("Ambassadeurs métiers", context, ("ambassadors",))
args = (context.database_url, context.viewer, context.region_code)
small_count = get_settings().small_count


def charts(by_sector, by_channel) -> None:
    """Ambassadors by sector and by recruitment channel, side by side."""
    left, right = st.columns(2)
    with left:
        st.markdown("**Par filière**")
        show_chart(bar_chart(by_sector, "sector", "ambassadors_count", "Filière", "Ambassadeurs", "#31a354"),
                   f"maillage-ambassadeurs-filiere-{context.school_year}", key="ambassadors-sector-chart",
                   title="Ambassadeurs actifs par filière")
    with right:
        st.markdown("**Par canal de recrutement**")
        show_chart(bar_chart(by_channel, "recruitment_channel", "ambassadors_count", "Canal", "Ambassadeurs",
                             "#74c476"), f"maillage-ambassadeurs-canal-{context.school_year}",
                   key="ambassadors-channel-chart", title="Ambassadeurs actifs par canal de recrutement")


def people_list() -> None:
    """The ambassadors one by one, with their contacts: for those who organise interventions."""
    ambassadors = read.ambassadors(*args, context.departement_code, context.school_year)
    cols = st.columns(4)
    cols[0].metric(INDICATORS["ambassadors_count"].short_label, format_number(len(ambassadors)))
    cols[1].metric(INDICATORS["mobilisations_count"].short_label, format_number(ambassadors.mobilisations_count.sum()))
    cols[2].metric(f"Jamais mobilisés en {year_label(context.school_year)}",
                   format_number((ambassadors.mobilisations_count == 0).sum()))
    cols[3].metric("Mécénat de compétences ou charte", format_number(ambassadors.has_sponsorship_agreement.sum()))
    if ambassadors.empty:
        st.info("Aucun ambassadeur actif pour ces filtres. Importez le réseau depuis la page Données.")
        return
    charts(count_by(ambassadors, "sector", name="ambassadors_count"),
           count_by(ambassadors, "recruitment_channel", name="ambassadors_count"))
    st.subheader("Liste des ambassadeurs")
    st.caption("Coordonnées personnelles (RGPD) : à n'utiliser que pour organiser des interventions ; "
               "ne pas diffuser.")
    names = read.communes(context.database_url, context.region_code).set_index("commune_code").name
    table_with_downloads(ambassadors.assign(commune=ambassadors.commune_code.map(names)), {
        "full_name": ("Nom", None), "email": ("Courriel", None), "phone": ("Téléphone", None),
        "job_title": ("Métier", None), "sector": ("Filière", None), "employer": ("Employeur", None),
        "commune": ("Commune", None), "recruitment_channel": ("Canal", None),
        "has_sponsorship_agreement": ("Mécénat / charte", None), "joined_date": ("Entrée dans le réseau", None),
        **indicator_columns("mobilisations_count"),
    }, f"maillage-ambassadeurs-{context.school_year}", key="ambassadors-list", height=420,
        personal=f"Liste des ambassadeurs ({context.departement_code or 'région'}, {context.school_year})")


def counts_only() -> None:
    """Counts of ambassadors, never a person: CODIR, and a référent outside their own départements."""
    hide = context.viewer.suppresses_small_counts
    level = "departement" if context.departement_code else "region"
    scope = read.measures(*args, level, context.departement_code, context.school_year, context.today).iloc[0]
    columns = indicator_columns("ambassadors_count", "mobilisations_count")
    for column, (code, (label, decimals)) in zip(st.columns(len(columns)), columns.items()):
        column.metric(label, format_cell(scope, code, decimals))
    if context.viewer.role == "referent":
        st.info(f"La liste nominative n'est affichée que pour vos départements "
                f"({', '.join(context.viewer.departement_codes)}) : choisissez-en un dans le filtre Département. "
                "Ailleurs, seuls les effectifs sont affichés.", icon=":material/lock:")
    else:
        st.caption("Profil CODIR : effectifs seulement, aucune donnée personnelle.")
    place = "epci_code" if context.departement_code else "departement_code"
    by = {name: read.ambassador_counts(*args, context.departement_code, context.school_year, name)
          for name in ("sector", "recruitment_channel", place)}
    if by["sector"].empty:
        st.info("Aucun ambassadeur actif pour ces filtres.")
        return
    charts(by["sector"], by["recruitment_channel"])
    if hide and any(frame.get("ambassadors_count" + HIDDEN, pd.Series(dtype=object)).notna().any()
                    for frame in by.values()):
        st.caption(suppression_note(small_count))
    st.subheader("Par filière")
    table_with_downloads(by["sector"], {"sector": ("Filière", None), **columns},
                         f"maillage-ambassadeurs-filieres-{context.school_year}", key="ambassadors-sectors")
    if context.departement_code:
        st.subheader("Par EPCI")
        names = read.epci(context.database_url, context.region_code).set_index("epci_code").name
        frame, label = by["epci_code"].assign(epci=by["epci_code"].epci_code.map(names)), ("EPCI", None)
        table_with_downloads(frame, {"epci": label, **columns}, f"maillage-ambassadeurs-epci-{context.school_year}",
                             key="ambassadors-places")
    else:
        st.subheader("Par département")
        names = read.departements(context.database_url, context.region_code).set_index("departement_code").name
        frame = by["departement_code"].assign(departement=by["departement_code"].departement_code.map(names))
        table_with_downloads(frame, {"departement_code": ("Code", None), "departement": ("Département", None),
                                     **columns}, f"maillage-ambassadeurs-departements-{context.school_year}",
                             key="ambassadors-places")


def missing_sectors() -> None:
    """Trade sectors no active ambassador works in, by département and by EPCI: aggregates, for every role."""
    year = context.school_year.replace("-", "–")
    st.subheader("Filières sans ambassadeur")
    st.caption(f"Départements et EPCI où des filières du réseau "
               f"({len(read.sectors(context.database_url, context.region_code))}) n'ont aucun ambassadeur actif en "
               f"{year}, avec ces filières (l'indicateur « Filières sans ambassadeur ») ; un EPCI à cheval sur deux "
               "départements compte en entier.")
    columns = {"territory_code": ("Code", None), "name": ("Territoire", None),
               "missing_sectors_count": ("Filières manquantes", 0),
               "missing_sectors": ("Filières sans ambassadeur", None)}
    levels = {"epci": "Par EPCI", "departement": "Par département"} if context.departement_code else {
        "departement": "Par département", "epci": "Par EPCI"}  # one's own EPCI first, within a département
    for tab, level in zip(st.tabs(list(levels.values())), levels):
        with tab:
            table_with_downloads(read.sectors_without_ambassador(*args, level, context.departement_code,
                                                                 context.school_year), columns,
                                 f"maillage-filieres-sans-ambassadeur-{level}-{context.school_year}",
                                 key=f"ambassadors-missing-{level}", height=420,
                                 empty_message=f"Chaque filière a au moins un ambassadeur actif en {year} dans "
                                               f"chaque {'EPCI' if level == 'epci' else 'département'}.")


if context.viewer.sees_detail_in(context.departement_code):
    people_list()
else:
    counts_only()
missing_sectors()
