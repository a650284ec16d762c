"""Who is looking: the sign-in screen, the signed-in line of the sidebar, and the users list (admin).

Sign-in itself is Streamlit's (`st.login` with the OpenID Connect provider of the [auth] secrets);
the rights of each person come from the users table (models.users).
"""

import pandas as pd
import streamlit as st

from loaders import read
from models.access import ROLES
from models.users import list_users
from views.formatting import escape_markdown
from views.tables import display_table
from views.ui import PageContext, table_height

USER_COLUMNS = {"email": ("Courriel", None), "profile": ("Profil", None), "departements": ("Départements", None),
                "created_at": ("Ajouté le", None), "created_by": ("Par", None),
                "updated_at": ("Modifié le", None), "updated_by": ("Modifié par", None)}


def sign_in_screen() -> None:
    """What someone not signed in sees, and all they see: the name of the app and a sign-in button."""
    st.title("Maillage")
    st.markdown("Tableau de bord de la couverture territoriale des ressources d'orientation. Connectez-vous avec "
                "votre compte professionnel : votre profil (direction, référent, CODIR) décide de ce que vous voyez.")
    if st.button("Se connecter", type="primary", icon=":material/login:", key="sign-in"):
        st.login()


def sign_out_button(container=st) -> None:
    """« Se déconnecter »: forget the identity cookie, end the provider's session, back to the sign-in screen."""
    if container.button("Se déconnecter", icon=":material/logout:", key="sign-out"):
        st.logout()


def account_caption(context: PageContext) -> str:
    """Who is signed in and with which profile (Markdown), or that the app runs in local mode."""
    profile = escape_markdown(context.viewer.label)
    if context.person:
        return f"Connecté : {escape_markdown(context.person)} · profil {profile}"
    return f"Mode local · profil {profile}"


def users_frame(users: pd.DataFrame) -> pd.DataFrame:
    """The users table as the Données page shows it: profiles in French, dates in Paris time."""
    shown = users.copy()
    shown["profile"] = shown.role.map(lambda role: ROLES.get(role, role))
    shown["departements"] = shown.departements.str.replace(",", ", ")
    for column in ("created_at", "updated_at"):
        shown[column] = shown[column].dt.tz_convert("Europe/Paris").dt.tz_localize(None)
    return shown


def users_panel(context: PageContext) -> None:
    """Who may sign in, with which profile, added when and by whom: for the administration profile only."""
    if not context.viewer.can_manage:
        return
    st.subheader("Utilisateurs")
    st.caption("Les personnes qui peuvent se connecter, avec leur profil ; la liste se gère en ligne de commande : "
               "`python -m loaders users add COURRIEL PROFIL [--departements 59,62]`, `python -m loaders users list`, "
               "`python -m loaders users remove COURRIEL`.")
    users = list_users(read.engine_for(context.database_url))
    if users.empty:
        st.info("Aucun utilisateur pour l'instant. Tant que la connexion n'est pas configurée (section [auth] des "
                "secrets), l'application reste en mode local.")
        return
    shown = display_table(users_frame(users), USER_COLUMNS)
    st.dataframe(shown, hide_index=True, width="stretch", height=table_height(shown, 300))
