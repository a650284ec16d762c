"""Événements: the events ahead and behind, the lycées to contact, and the school year by month, type and sector."""

from datetime import date

import pandas as pd
import streamlit as st

from loaders import read
from models.coverage import count_by, events_reaching_schools
from models.lists import past_events, upcoming_events
from models.measures import INDICATORS, indicator_columns
from views.charts import bar_chart, events_by_month_chart
from views.formatting import format_date, format_number
from views.tables import format_cell
from views.ui import page_context, page_header, show_chart, table_with_downloads

context = page_context()
page_header("Événements info-métiers", context, ("events",))
args = (context.database_url, context.viewer, context.region_code)
year = context.school_year.replace("-", "–")

events = read.events(*args, context.departement_code, context.school_year)
schools = events_reaching_schools(read.events(*args, None, context.school_year),
                                  read.schools(*args, context.departement_code))
to_contact = read.schools_to_contact(*args, context.departement_code, context.school_year)
past = past_events(events, context.today)
cols = st.columns(4)
cols[0].metric(INDICATORS["events_count"].short_label, format_number(len(events)))
cols[1].metric("À venir", format_number(len(events) - len(past)),
               help=f"Événements de {year} à partir d'aujourd'hui ({format_date(context.today)}).")
if context.viewer.suppresses_small_counts:  # small numbers are hidden event by event: the total is the measure's
    scope = read.measures(*args, "departement" if context.departement_code else "region", context.departement_code,
                          context.school_year, context.today).iloc[0]
    cols[2].metric(INDICATORS["participants_count"].short_label, format_cell(scope, "participants_count"))
else:
    cols[2].metric("Participants (événements passés)", format_number(past.participants_count.fillna(0).sum()))
cols[3].metric(INDICATORS["schools_not_reached_count"].short_label, format_number(len(to_contact)),
               help=f"Lycées où aucun événement ne s'est tenu en {year} et qui n'ont participé à aucun "
                    "événement de l'année (voir « Lycées à contacter »).")

school_names = read.schools(*args, None).set_index("uai").name
names = read.communes(context.database_url, context.region_code).set_index("commune_code").name
EVENT_COLUMNS = {
    "start_date": ("Date", None), "title": ("Intitulé", None), "event_type": ("Type", None),
    "commune": ("Commune", None), "school": ("Lycée", None), "sector": ("Filière", None),
    "target_public": ("Publics", None), "commune_code": ("Code commune", None), "school_uai": ("Lycée (UAI)", None),
}


def picked_dates(frame: pd.DataFrame, key: str) -> tuple[date | None, date | None]:
    """A date range over a list's dates (all of them by default); (None, None) when the list is empty."""
    if frame.empty:
        return None, None
    first, last = frame.start_date.min(), frame.start_date.max()
    picked = st.columns([2, 3])[0].date_input(
        "Période", value=(first, last), min_value=first, max_value=last, format="DD/MM/YYYY",
        key=f"{key}-{context.departement_code or 'region'}-{context.school_year}")
    picked = tuple(picked) if isinstance(picked, (list, tuple)) else (picked,)
    return (*picked, None, None)[:2]  # while only the first day is picked, up to the last event


def event_list(frame: pd.DataFrame, columns: dict, file_stem: str, key: str, empty_message: str) -> None:
    """Events with their commune and lycée names, French headers and downloads."""
    table_with_downloads(frame.assign(commune=frame.commune_code.map(names), school=frame.school_uai.map(school_names)),
                         columns, file_stem, key=key, empty_message=empty_message, height=420)


st.subheader("Événements")
ahead_tab, behind_tab = st.tabs(["À venir", "Passés"])
with ahead_tab:
    ahead = upcoming_events(read.events(*args, context.departement_code, None), context.today)
    st.caption(f"Événements à partir d'aujourd'hui ({format_date(context.today)}), du plus proche au plus lointain, "
               "quelle que soit l'année scolaire.")
    first, last = picked_dates(ahead, "events-ahead-dates")
    event_list(upcoming_events(ahead, context.today, first, last), EVENT_COLUMNS,
               f"maillage-evenements-a-venir-{context.today.isoformat()}", "events-ahead",
               "Aucun événement à venir pour ces filtres.")
with behind_tab:
    st.caption(f"Événements de {year} antérieurs à aujourd'hui, du plus récent au plus ancien.")
    first, last = picked_dates(past, "events-past-dates")
    event_list(past_events(past, context.today, first, last),
               {**EVENT_COLUMNS, **indicator_columns("participants_count")},
               f"maillage-evenements-passes-{context.school_year}", "events-list",
               f"Aucun événement passé en {year} pour ces filtres.")

st.subheader("Lycées à contacter")
st.caption(f"Lycées non touchés en {year}, ni par un événement tenu dans le lycée ni par une participation à un "
           "événement de l'année, même à venir (l'indicateur « Lycées non touchés » de la Vue d'ensemble) ; jamais "
           "contactés en tête, puis du plus ancien dernier contact des années précédentes au plus récent.")
table_with_downloads(to_contact, {
    "uai": ("UAI", None), "name": ("Lycée", None), "city_label": ("Ville", None),
    "last_contact_date": ("Dernier contact", None), "last_contact_title": ("Dernier événement", None),
    "has_earlier_contact": ("Déjà contacté", None), "departement_code": ("Département", None),
}, f"maillage-lycees-a-contacter-{context.school_year}", key="events-to-contact", height=420,
    empty_message=f"Aucun lycée à contacter : tous ont été touchés en {year}.")

st.subheader("Lycées n'ayant accueilli aucun événement")
st.caption(f"Lycées où aucun événement ne s'est tenu en {year} "
           f"({format_number((schools.events_count == 0).sum())} sur {format_number(len(schools))}). "
           "Certains ont participé à un événement ailleurs : touchés, ils ne sont pas parmi les lycées à contacter.")
table_with_downloads(schools[schools.events_count == 0], {
    "uai": ("UAI", None), "name": ("Lycée", None), "city_label": ("Ville", None),
    "departement_code": ("Département", None)}, f"maillage-lycees-sans-evenement-sur-place-{context.school_year}",
    key="events-schools", empty_message=f"Tous les lycées ont accueilli au moins un événement en {year}.", height=300)

if events.empty:
    st.info("Aucun événement pour ces filtres. Changez d'année scolaire ou de département, "
            "ou importez vos événements depuis la page Données.")
    st.stop()
st.subheader("Par mois et par type")
show_chart(events_by_month_chart(events), f"maillage-evenements-par-mois-{context.school_year}",
           key="events-month-chart", title="Événements par mois et par type")
left, right = st.columns(2)
with left:
    st.markdown("**Par type**")
    show_chart(bar_chart(count_by(events, "event_type", name="events_count"), "event_type", "events_count",
                         "Type", "Événements"), f"maillage-evenements-par-type-{context.school_year}",
               key="events-type-chart", title="Événements par type")
with right:
    st.markdown("**Par filière**")
    sectors = count_by(events.dropna(subset=["sector"]), "sector", name="events_count")
    show_chart(bar_chart(sectors, "sector", "events_count", "Filière", "Événements", "#e6550d"),
               f"maillage-evenements-par-filiere-{context.school_year}", key="events-sector-chart",
               title="Événements par filière")

