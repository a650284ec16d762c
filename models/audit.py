"""Audit: one row per data load into the store."""

from datetime import UTC, datetime

from sqlmodel import Field, SQLModel


def now_utc() -> datetime:
    """The current time, with its time zone (the store keeps aware datetimes)."""
    return datetime.now(UTC)


class ImportBatch(SQLModel, table=True):
    """A data load: who, when, what file, how many rows."""

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(description="Nature : geographie, lycees, demo, referents, events…")
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
