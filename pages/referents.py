"""Référents: who covers what, the load of each side by side, and the territory nobody covers."""

import pandas as pd
import streamlit as st

from loaders import read
from models.coverage import referent_change, referent_loads, referents_during, uncovered_communes
from models.measures import INDICATORS, indicator_columns
from models.schoolyear import school_year_bounds
from views.charts import bar_chart
from views.formatting import format_date, format_number, year_label
from views.presentation import change_label
from views.ui import page_context, page_header, show_chart, table_with_downloads

context = page_context()
page_header("Référents départementaux", context, ("referents",))
args = (context.database_url, context.viewer, context.region_code)

every_referent = read.referents(*args)
communes = read.communes(context.database_url, context.region_code)
if every_referent.empty:
    st.info("Aucun référent dans l'entrepôt. Importez la liste des référents depuis la page Données.")
    st.stop()
# Those in post on at least one day of the school year, their FTE prorated by days in post (as the measures).
in_post = referents_during(every_referent, *school_year_bounds(context.school_year))
referents = in_post[in_post.departement_code == context.departement_code] if context.departement_code else in_post
if referents.empty:
    st.info(f"Aucun référent en poste en {year_label(context.school_year)} pour ces filtres.")
    st.stop()
loads = referent_loads(communes, referents, read.schools(*args, None),
                       read.events(*args, None, context.school_year))
# Named where the viewer may see the person (models.queries.read_referents), by sector elsewhere.
names = loads.full_name if "full_name" in loads.columns else pd.Series(None, index=loads.index, dtype=object)
loads["label"] = names.where(names.notna(), loads.sector_label)

cols = st.columns(3)
cols[0].metric(INDICATORS["referent_count"].short_label, format_number(len(loads)))
cols[1].metric("Équivalents temps plein", format_number(loads.fte.sum(), 1))
cols[2].metric("Habitants par ETP", format_number(loads.population_count.sum() / max(loads.fte.sum(), 0.01)))

st.subheader("Charge de chaque référent")
show_chart(bar_chart(loads, "label", "population_count", "Référent", "Habitants couverts"),
           f"maillage-charge-referents-{context.school_year}", key="referents-chart",
           title="Habitants couverts par chaque référent",
           personal=f"Charge des référents, par nom ({context.departement_code or 'région'})"
           if names.notna().any() else None)
table_with_downloads(loads, {
    "label": ("Référent", None), "email": ("Courriel", None), "phone": ("Téléphone", None),
    "departements": ("Départements", None), "epci_count": ("EPCI attribués", 0), "fte": ("ETP", 1),
    "communes_count": ("Communes", 0), **indicator_columns("population_count", "schools_count", "events_count"),
    "inhabitants_per_fte": ("Habitants par ETP", 0),
    "start_date": ("En poste depuis", None), "end_date": ("Jusqu'au", None),
}, f"maillage-referents-{context.school_year}", key="referents-loads",
    personal=(f"Liste des référents ({context.departement_code or 'région'})"
              if "email" in loads.columns and loads.email.notna().any() else None))

st.caption(f"Référents en poste au moins un jour en {year_label(context.school_year)}, leur ETP au prorata des jours "
           "en poste (comme dans les indicateurs).")

if context.departement_code:
    change = referent_change(communes, every_referent, context.departement_code)
    if change is not None:
        st.subheader(f"Avant et depuis l'arrivée du {format_date(change.change_date)}")
        before, after = change.before, change.after
        shown = indicator_columns("referent_count", "referent_fte", "inhabitants_per_referent",
                                  "uncovered_population_count")
        for column, (code, (label, decimals)) in zip(st.columns(len(shown)), shown.items()):
            now, then = getattr(after, code), getattr(before, code)
            column.metric(label, format_number(now, decimals), change_label(now, then, decimals),
                          help=f"La veille ({format_date(before.day)}) : {format_number(then, decimals)}",
                          delta_color="normal" if INDICATORS[code].is_higher_better else "inverse")
        st.caption(f"Le {format_date(before.day)} face au {format_date(after.day)}, date d'arrivée du dernier "
                   "référent du département.")

st.subheader("Territoire sans référent")
nobody = uncovered_communes(communes, in_post)
if context.departement_code:
    nobody = nobody[nobody.departement_code == context.departement_code]
if nobody.empty:
    st.success("Toutes les communes sont couvertes par au moins un référent.")
else:
    st.warning(f"{format_number(len(nobody))} communes ({format_number(nobody.population_count.sum())} habitants) "
               "ne sont couvertes par aucun référent.")
    table_with_downloads(nobody, {"commune_code": ("Code commune", None), "name": ("Commune", None),
                                  "departement_code": ("Département", None), **indicator_columns("population_count")},
                         "maillage-communes-sans-referent", key="referents-uncovered")
