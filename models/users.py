"""Users of sign-in mode: who may open Maillage, with which role and départements.

A person signed in by the OpenID Connect provider gets the rights of their row here, found by
e-mail (stored lower-cased and stripped); no row, no access. The command line
(`python -m loaders users add/list/remove`) and the Données page (admin) share these functions.
"""

import re
from datetime import datetime

import pandas as pd
from sqlalchemy import Engine, delete, select
from sqlmodel import Field, SQLModel

from models import db  # models.db registers this module's table: `db.transaction` is looked up at call time
from models.access import ROLES, Viewer, parse_departements
from models.audit import now_utc
from models.territory import Departement

_EMAIL = re.compile(r"^[^@\s,;<>\"']+@[^@\s,;<>\"']+\.[^@\s,;<>\"'.][^@\s,;<>\"']*$")
USER_COLUMNS = ["email", "role", "departements", "created_at", "created_by", "updated_at", "updated_by"]


class AppUser(SQLModel, table=True):
    """A person who may sign in: their e-mail, role and, for a référent, départements."""

    email: str = Field(primary_key=True, max_length=254,
                       description="Courriel de connexion, tel que le fournisseur d'identité le transmet (minuscules)")
    role: str = Field(description="Profil : direction, referent, codir ou admin")
    departements: str = Field(default="", description="Départements du profil referent, séparés par des virgules")
    created_at: datetime = Field(description="Ajouté le (UTC)")
    created_by: str = Field(default="", description="Ajouté par")
    updated_at: datetime | None = Field(default=None, description="Profil modifié le (UTC)")
    updated_by: str = Field(default="", description="Profil modifié par")


def normalize_email(email: str) -> str:
    """An e-mail as stored and looked up: stripped and lower-cased."""
    return (email or "").strip().lower()


def valid_email(email: str) -> str:
    """The normalized e-mail, or ValueError in French when it does not look like one."""
    normalized = normalize_email(email)
    if len(normalized) > 254 or not _EMAIL.match(normalized):
        raise ValueError(f"Courriel « {(email or '').strip()} » invalide : une adresse comme "
                         "prenom.nom@exemple.fr est attendue.")
    return normalized


def checked_rights(engine: Engine, role: str, departements: str = "") -> Viewer:
    """The rights a user row would give, or ValueError in French (unknown role, département missing or unknown)."""
    role = (role or "").strip()
    if role not in ROLES:
        raise ValueError(f"Profil inconnu : « {role} ». Profils possibles : {', '.join(ROLES)}.")
    codes = parse_departements(departements, "la liste des départements")
    if role == "referent" and not codes:
        raise ValueError("Profil référent sans département : indiquez les départements du référent "
                         "(par exemple 59 ou 59,62).")
    if codes and role != "referent":
        raise ValueError(f"Seul le profil referent a des départements : retirez « {', '.join(codes)} » "
                         f"pour le profil « {role} ».")
    with engine.connect() as connection:
        known = set(connection.execute(select(Departement.departement_code)).scalars())
    unknown = [code for code in codes if known and code not in known]
    if len(unknown) == 1:
        raise ValueError(f"Département inconnu de l'entrepôt : {unknown[0]}.")
    if unknown:
        raise ValueError(f"Départements inconnus de l'entrepôt : {', '.join(unknown)}.")
    viewer = Viewer(role, codes)
    return viewer


def add_user(engine: Engine, email: str, role: str, departements: str = "", created_by: str = "") -> bool:
    """Give a person a role (and a référent their départements); True when added, False when an existing row changed.

    Raises ValueError in French for a malformed e-mail, an unknown role, a référent without
    département or with a malformed or unknown one, or départements given to another role.
    """
    address = valid_email(email)
    viewer = checked_rights(engine, role, departements)
    with db.transaction(engine) as session:
        user = session.get(AppUser, address)
        if user is None:
            session.add(AppUser(email=address, role=viewer.role, departements=",".join(viewer.departement_codes),
                                created_at=now_utc(), created_by=created_by))
            return True
        user.role, user.departements = viewer.role, ",".join(viewer.departement_codes)
        user.updated_at, user.updated_by = now_utc(), created_by
        session.add(user)
        return False


def remove_user(engine: Engine, email: str) -> bool:
    """Take a person's access away; False when no user has that e-mail."""
    with db.transaction(engine) as session:
        result = session.execute(delete(AppUser).where(AppUser.email == normalize_email(email)))
        return result.rowcount > 0


def list_users(engine: Engine) -> pd.DataFrame:
    """Every user, by e-mail, with their rights and who gave them (dates aware, in UTC)."""
    with engine.connect() as connection:
        rows = connection.execute(select(*(getattr(AppUser, column) for column in USER_COLUMNS))
                                  .order_by(AppUser.email)).all()
    frame = pd.DataFrame([tuple(row) for row in rows], columns=USER_COLUMNS)
    for column in ("created_at", "updated_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    return frame


def viewer_for(engine: Engine, email: str) -> Viewer | None:
    """The rights of the person signed in with this e-mail; None when they are not a user.

    A row whose role no longer exists raises ValueError in French (deny by default).
    """
    address = normalize_email(email)
    if not address:
        return None
    with engine.connect() as connection:
        user = connection.execute(select(AppUser.role, AppUser.departements).where(AppUser.email == address)).first()
    if user is None:
        return None
    return Viewer(user.role, parse_departements(user.departements, "les départements de l'utilisateur"))
