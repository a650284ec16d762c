"""Audit: one row per data load into the store, and the log of who saw or exported personal data."""

from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import Engine, select
from sqlmodel import Field, Session, SQLModel

from models.access import Viewer

ACCESS_ACTIONS = ("affichage", "export")


def now_utc() -> datetime:
    """The current time, with its time zone (the store keeps aware datetimes)."""
    return datetime.now(UTC)


class ImportBatch(SQLModel, table=True):
    """A data load: who, when, what file, how many rows."""

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(description="Nature : geographie, lycees, demo, referents, events…")
    region_code: str | None = Field(default=None, index=True, max_length=3,
                                    description="Région chargée (vide : chargement d'un entrepôt antérieur, "
                                                "région inconnue)")
    file_name: str = Field(default="", description="Fichier ou paquet source")
    file_sha256: str = Field(default="", description="Empreinte du fichier")
    imported_by: str = Field(default="", description="Auteur du chargement")
    started_at: datetime = Field(description="Début du chargement")
    finished_at: datetime | None = None
    rows_read: int = 0
    rows_written: int = 0
    rows_refused: int = 0
    status: str = Field(default="ok", description="ok, refusé, partiel")
    note: str = Field(default="", description="Commentaire en français")


class ImportRefusal(SQLModel, table=True):
    """A row an import refused, kept with its reasons so that it can be fixed and imported again.

    Rows of référents or ambassadors hold personal data: only roles that may see contacts get them back.
    """

    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="importbatch.id", index=True)
    line_number: int = Field(description="Ligne du fichier (la ligne 1 est l'en-tête)")
    row_json: str = Field(description="Cellules de la ligne telles que lues, par colonne (JSON)")
    reasons: str = Field(description="Motifs du refus, en français")


class AccessLog(SQLModel, table=True):
    """A display or an export of personal data: who, when, what, how many rows (RGPD traceability).

    Entries older than the ACCESS_LOG_MONTHS setting are deleted by `python -m loaders purge`.
    """

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=now_utc, index=True, description="Moment de l'accès (UTC)")
    person: str = Field(description="Personne connectée (courriel), ou « mode local (profil) »")
    role: str = Field(description="Profil au moment de l'accès : direction, referent, codir, admin")
    action: str = Field(description="affichage ou export")
    what: str = Field(description="Ce qui a été affiché ou exporté, en français (« Liste des ambassadeurs (59) »)")
    rows_count: int = Field(default=0, description="Nombre de lignes affichées ou exportées")


def log_access(engine: Engine, person: str, role: str, action: str, what: str, rows_count: int) -> None:
    """Write one entry of the access log; raises ValueError for an action other than affichage or export.

    Not through models.db.transaction, on purpose: an entry is a trace, not data the app shows, and bumping
    the store's data version at each logged display would throw away every cached read of every user. A
    lone INSERT needs neither the write lock taken up front (nothing is read before it) nor a région lock.
    """
    if action not in ACCESS_ACTIONS:
        raise ValueError(f"Action « {action} » inconnue : {' ou '.join(ACCESS_ACTIONS)} attendu.")
    with Session(engine) as session:
        session.add(AccessLog(person=person, role=role, action=action, what=what, rows_count=int(rows_count)))
        session.commit()


ACCESS_LOG_COLUMNS = ["at", "person", "role", "action", "what", "rows_count"]


def read_access_log(engine: Engine, viewer: Viewer, since: datetime | None = None) -> pd.DataFrame:
    """The access log, newest first, `at` in aware UTC; entries from `since` on when given (aware datetime).

    Raises PermissionError (in French) unless the viewer manages the application (admin).
    """
    if not viewer.can_manage:
        raise PermissionError("Le journal des accès aux données personnelles est réservé au profil "
                              "administration.")
    statement = select(*(getattr(AccessLog, column) for column in ACCESS_LOG_COLUMNS))
    if since is not None:
        statement = statement.where(AccessLog.at >= since)
    with Session(engine) as session:
        rows = session.execute(statement.order_by(AccessLog.at.desc(), AccessLog.id.desc())).all()
    frame = pd.DataFrame(rows, columns=ACCESS_LOG_COLUMNS)
    frame["at"] = pd.to_datetime(frame["at"], utc=True)  # SQLite gives the stored UTC back without its zone
    frame["rows_count"] = frame.rows_count.astype("int64")
    return frame
