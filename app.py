"""Maillage: router and frame only (page config, store check, shared filters, navigation)."""

import threading

import streamlit as st

from loaders import read
from loaders.assets import install_map_assets
from loaders.build import init_store, is_region_loaded, is_store_ready
from models.schoolyear import recent_school_years
from models.settings import PROJECT_DIR, get_settings
from views.formatting import escape_markdown
from views.ui import ALL, FILTER_KEYS, is_signed_in, page_context, show_failure, sign_in_configured
from views.users import account_caption, sign_in_screen, sign_out_button

st.set_page_config(page_title="Maillage", page_icon=str(PROJECT_DIR / "static" / "favicon.png"), layout="wide")


@st.cache_resource
def _build_lock() -> threading.Lock:
    return threading.Lock()


@st.cache_resource
def _assets_installed() -> str:
    return str(install_map_assets())


def ensure_store() -> None:
    """Build the store on first start (geography, lycées, demo data), with progress shown.

    A store whose measures were left stale (a process killed between an import and its recompute)
    is not ready either: the recompute is finished here, before any page shows figures.
    """
    context = page_context()
    settings = get_settings()
    engine = read.engine_for(context.database_url)
    if is_store_ready(engine, context.region_code):
        return
    with _build_lock():
        if is_store_ready(engine, context.region_code):
            return
        label = ("Les indicateurs ne reflètent pas les dernières données importées : recalcul en cours…"
                 if is_region_loaded(engine, context.region_code)
                 else "Premier démarrage : construction de l'entrepôt de données…")
        with st.status(label, expanded=True) as status:
            bar = st.progress(0.0)
            init_store(engine, context.region_code, settings.build_demo_on_start, settings.demo_seed,
                       progress=lambda fraction, message: bar.progress(min(fraction, 1.0), text=message),
                       white_zone_km=settings.white_zone_km)
            status.update(label="Entrepôt prêt.", state="complete", expanded=False)
    st.cache_data.clear()


def is_admitted() -> bool:
    """Whether this visitor may see pages: signed in with a known profile (sign-in mode), or a valid local profile."""
    try:
        page_context()
    except Exception:  # noqa: BLE001  (profile_or_stop, inside the page's guard, says why)
        return False
    return True


def profile_or_stop() -> None:
    """Deny by default: nobody signed in sees the sign-in screen only, a person without rights only whom to ask.

    A person signed in but refused can still sign out (to try another account).
    """
    try:
        if sign_in_configured() and not is_signed_in():
            sign_in_screen()
            st.stop()
        page_context()
    except ValueError as error:
        st.error(f"**Accès impossible** : {escape_markdown(error)} Demandez à l'administrateur de Maillage de "
                 "vous attribuer un profil (direction, référent avec ses départements, CODIR ou administration).",
                 icon=":material/lock:")
        if is_signed_in():
            sign_out_button()
        st.stop()


def sidebar_filters() -> None:
    """Département and school year, kept across pages and in the URL so a view can be shared.

    A référent lands on their own département (the first one); a shared link's filters win.
    """
    context = page_context()
    deps = read.departements(context.database_url, context.region_code)
    names = dict(zip(deps.departement_code, deps.name))
    years = recent_school_years(context.today)
    wanted = {"departement": [ALL, *names], "school_year": years}
    home = {"departement": context.viewer.home_departement if context.viewer.home_departement in names else ALL,
            "school_year": years[0]}
    for key, param in FILTER_KEYS.items():
        if key not in st.session_state:
            value = st.query_params.get(param)
            st.session_state[key] = value if value and value in wanted[key] else home[key]
    st.sidebar.selectbox("Département", wanted["departement"], key="departement",
                         format_func=lambda code: f"{code} – {names[code]}" if code else "Toute la région")
    st.sidebar.selectbox("Année scolaire", years, key="school_year",
                         format_func=lambda label: label.replace("-", "–"))
    own = {param: value for param, value in st.query_params.to_dict().items()  # a page's own (« sujet »)
           if param not in FILTER_KEYS.values()}
    st.query_params.from_dict(own | {param: st.session_state[key] for key, param in FILTER_KEYS.items()
                                     if st.session_state[key]})
    st.sidebar.caption(account_caption(context))
    if context.person:
        sign_out_button(st.sidebar)


_assets_installed()
# Pages are registered before anything else runs, so that a shared link (/carte?dep=59) finds its page
# even on the first start, while the store is being built.
navigation = st.navigation([
    st.Page("pages/overview.py", title="Vue d'ensemble", icon=":material/dashboard:", url_path="vue-ensemble",
            default=True),
    st.Page("pages/map.py", title="Carte", icon=":material/map:", url_path="carte"),
    st.Page("pages/referents.py", title="Référents", icon=":material/explore:", url_path="referents"),
    st.Page("pages/events.py", title="Événements", icon=":material/event:", url_path="evenements"),
    st.Page("pages/ambassadors.py", title="Ambassadeurs", icon=":material/handshake:", url_path="ambassadeurs"),
    st.Page("pages/remediation.py", title="Décrochage et remédiation", icon=":material/school:",
            url_path="remediation"),
    st.Page("pages/next_steps.py", title="Où agir ensuite", icon=":material/target:", url_path="ou-agir"),
    st.Page("pages/territory.py", title="Fiche territoire", icon=":material/location_on:", url_path="fiche-territoire"),
    st.Page("pages/trends.py", title="Évolutions", icon=":material/trending_up:", url_path="evolutions"),
    st.Page("pages/presentation.py", title="Présentation", icon=":material/slideshow:", url_path="presentation"),
    st.Page("pages/data.py", title="Données", icon=":material/database:", url_path="donnees"),
], position="sidebar" if is_admitted() else "hidden")  # no menu on the sign-in screen nor for a refused visitor
try:
    profile_or_stop()
    ensure_store()
    sidebar_filters()
    st.sidebar.caption("Maillage · couverture territoriale de l'orientation")
    navigation.run()
except Exception:  # noqa: BLE001  (st.stop and reruns are BaseExceptions: they pass)
    show_failure(navigation.title)
