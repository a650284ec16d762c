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


class ImportRefusal(SQLModel, table=True):
    """A row an import refused, kept with its reasons so that it can be fixed and imported again.

    Rows of référents or ambassadors hold personal data: only roles that may see contacts get them back.
    """

    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="importbatch.id", index=True)
    line_number: int = Field(description="Ligne du fichier (la ligne 1 est l'en-tête)")
    row_json: str = Field(description="Cellules de la ligne telles que lues, par colonne (JSON)")
    reasons: str = Field(description="Motifs du refus, en français")
