"""The engine: one per process and database URL, SQLite tuned, PostgreSQL alike; write transactions.

Every write goes through `transaction`: it holds the write lock from its first statement, so what
it reads stays true until it commits (two imports of the same file run one after the other), and
it bumps the store's data version, which the app's caches follow.
"""

import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from sqlalchemy import (
    Connection,
    Engine,
    Integer,
    String,
    bindparam,
    cast,
    delete,
    event,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, SQLModel, create_engine

from models import audit, indicators, resources, territory, users  # noqa: F401  (register tables)
from models.audit import ImportBatch
from models.resources import (
    Ambassador,
    CapacitySnapshot,
    Event,
    EventSchool,
    Mobilisation,
    Referent,
    ReferentArea,
    RemediationStructure,
    fold_key,
)
from models.territory import Commune, Region, StoreMeta

WRITE_WAIT_S = 120  # how long a write waits for another one (100,000 imported rows take a few seconds to write)
DATA_VERSION_KEY = "data_version"
_WRITE = "maillage_write"  # execution option of write transactions: BEGIN IMMEDIATE on SQLite


class StoreBusy(RuntimeError):
    """Another write kept the store longer than a write waits for it."""

    def __init__(self) -> None:
        super().__init__(f"l'entrepôt est occupé par une autre écriture (import ou calcul des indicateurs) depuis "
                         f"plus de {WRITE_WAIT_S:g} secondes ; réessayez dans quelques minutes.")


def _tune_sqlite(dbapi_connection, _record) -> None:
    # SQLAlchemy, not pysqlite, begins transactions (_begin_sqlite): pysqlite's legacy mode starts none
    # before a SELECT, so the reads of a read-then-write would not be in its transaction.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(WRITE_WAIT_S * 1000)}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _begin_sqlite(connection: Connection) -> None:
    # A write transaction takes the write lock at once (waiting for another writer up to the busy timeout);
    # a deferred one that wrote after reading could fail, or write on what another writer has changed.
    connection.exec_driver_sql("BEGIN IMMEDIATE" if connection.get_execution_options().get(_WRITE) else "BEGIN")


@lru_cache(maxsize=8)
def get_engine(database_url: str) -> Engine:
    """Return the engine for a database URL, creating its tables (or bringing older ones up to date) if needed."""
    if database_url.startswith("sqlite:///"):
        Path(database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(database_url, connect_args={"check_same_thread": False, "timeout": WRITE_WAIT_S})
        event.listen(engine, "connect", _tune_sqlite)
        event.listen(engine, "begin", _begin_sqlite)
    else:
        engine = create_engine(database_url, pool_pre_ping=True)
    if is_schema_outdated(engine):
        with engine.execution_options(**{_WRITE: True}).begin() as connection:
            _lock(connection, "schema")
            SQLModel.metadata.create_all(connection)
            upgrade_schema(connection)
    return engine


def _lock_number(name: str) -> int:
    return zlib.crc32(f"maillage:{name}".encode())


def _lock(connection: Connection, name: str | None) -> None:
    """On PostgreSQL, wait (at most WRITE_WAIT_S) for the transaction's advisory lock on `name`."""
    if connection.dialect.name != "postgresql":
        return
    connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{int(WRITE_WAIT_S * 1000)}ms'")
    if name:
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _lock_number(name)})


def _is_busy(error: OperationalError) -> bool:
    return "database is locked" in str(error.orig) or getattr(error.orig, "sqlstate", None) == "55P03"


@contextmanager
def transaction(engine: Engine, region_code: str | None = None) -> Iterator[Session]:
    """Open a write transaction, committed at the end (data version bumped), or rolled back on any error.

    It holds the write lock from the start: on SQLite the database's (BEGIN IMMEDIATE), on PostgreSQL an
    advisory lock on `region_code` when given. A second writer waits for the first to commit, up to
    WRITE_WAIT_S; beyond, StoreBusy says so in French.
    """
    with Session(engine.execution_options(**{_WRITE: True})) as session:
        try:
            _lock(session.connection(), region_code)
        except OperationalError as error:
            if _is_busy(error):
                raise StoreBusy() from error
            raise
        try:
            yield session
            bump_data_version(session)
            session.commit()
        except BaseException:
            session.rollback()
            raise


def bump_data_version(session: Session) -> None:
    """Count one more write in the store's data version (the cached reads of the app follow it)."""
    table = StoreMeta.__table__
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).values(key=DATA_VERSION_KEY, value="1")
    session.execute(statement.on_conflict_do_update(
        index_elements=[table.c.key], set_={"value": cast(cast(table.c.value, Integer) + 1, String)}))


def data_version(engine: Engine) -> int:
    """The store's data version: it changes with every committed write."""
    with engine.connect() as connection:
        value = connection.execute(select(StoreMeta.value).where(StoreMeta.key == DATA_VERSION_KEY)).scalar()
    return int(value or 0)


# Bringing stores created by an earlier version up to date ------------------------------------------

# Stored keys added to tables that had none: (model, key column, column it folds).
_FOLDED_KEYS = [(Event, "title_key", "title"), (RemediationStructure, "name_key", "name")]
# Tables whose natural key became unique (by an index named uq_*), and what refers to their rows:
# link rows go with a removed duplicate, other rows move to the row kept.
_UNIQUE_KEYS = {Referent: ([ReferentArea.referent_id], []), Event: ([EventSchool.event_id], [Mobilisation.event_id]),
                Ambassador: ([], [Mobilisation.ambassador_id]),
                RemediationStructure: ([CapacitySnapshot.structure_id], [])}
_CHUNK = 5000
# Nullable columns added to existing tables: (model, column). The next load of the reference data fills
# seat_rank; a référent's dates stay empty (in post all along) until the référents are imported again.
_ADDED_COLUMNS = [(Commune, "seat_rank"), (Referent, "start_date"), (Referent, "end_date"),
                  (ImportBatch, "region_code")]


def _unique_index(model):
    return next(index for index in model.__table__.indexes if index.name.startswith("uq_"))


def is_schema_outdated(engine: Engine | Connection) -> bool:
    """Whether a table, a stored key or a unique index of the current schema is missing."""
    inspector = inspect(engine)
    tables = set(inspector.get_table_names())
    if not set(SQLModel.metadata.tables) <= tables:
        return True
    for model, key_column in [(model, key) for model, key, _source in _FOLDED_KEYS] + _ADDED_COLUMNS:
        if key_column not in {column["name"] for column in inspector.get_columns(model.__tablename__)}:
            return True
    return any(_unique_index(model).name not in {index["name"] for index in inspector.get_indexes(model.__tablename__)}
               for model in _UNIQUE_KEYS)


def upgrade_schema(connection: Connection) -> None:
    """Bring a store created before the natural keys were unique up to date, in the caller's transaction.

    Adds and fills the stored keys, adds the nullable columns of _ADDED_COLUMNS with their indexes (empty
    until the reference data is loaded again; the loads' région filled when the store holds one), removes
    exact duplicates of a key (two imports of one file at once wrote them; the first row is kept) and
    creates the unique indexes. Running it again changes nothing.
    """
    inspector = inspect(connection)
    for model, key_column, source in _FOLDED_KEYS:
        table = model.__table__
        if key_column in {column["name"] for column in inspector.get_columns(table.name)}:
            continue
        connection.exec_driver_sql(f"ALTER TABLE {table.name} ADD COLUMN {key_column} VARCHAR NOT NULL DEFAULT ''")
        rows = connection.execute(select(table.c.id, table.c[source])).all()
        if rows:
            connection.execute(update(table).where(table.c.id == bindparam("row_id"))
                               .values({key_column: bindparam("folded")}),
                               [{"row_id": row_id, "folded": fold_key(value)} for row_id, value in rows])
        if connection.dialect.name == "postgresql":  # as a new store has it: no default, every writer fills it
            connection.exec_driver_sql(f"ALTER TABLE {table.name} ALTER COLUMN {key_column} DROP DEFAULT")
    for model, name in _ADDED_COLUMNS:
        if name not in {column["name"] for column in inspector.get_columns(model.__tablename__)}:
            column = model.__table__.c[name]
            connection.exec_driver_sql(f"ALTER TABLE {model.__tablename__} ADD COLUMN {name} "
                                       f"{column.type.compile(connection.dialect)}")
            for index in model.__table__.indexes:
                if name in index.columns:
                    index.create(connection)
            if (model, name) == (ImportBatch, "region_code"):
                _fill_batch_regions(connection)
    for model, (links, references) in _UNIQUE_KEYS.items():
        index = _unique_index(model)
        if index.name not in {existing["name"] for existing in inspector.get_indexes(model.__tablename__)}:
            _remove_duplicates(connection, model, list(index.columns), links, references)
            index.create(connection)


def _fill_batch_regions(connection: Connection) -> None:
    """Give the loads of a store older than ImportBatch.region_code their région, when it holds only one.

    With several régions, which one an older load was for is not known: it stays empty (and is listed for every
    région, models.queries.read_import_batches).
    """
    regions = connection.execute(select(Region.region_code)).scalars().all()
    if len(regions) == 1:
        connection.execute(update(ImportBatch.__table__).where(ImportBatch.__table__.c.region_code.is_(None))
                           .values(region_code=regions[0]))


def _remove_duplicates(connection: Connection, model, key: list, links: list, references: list) -> None:
    table = model.__table__
    kept, removed = {}, {}
    for row in connection.execute(select(table.c.id, *key).where(*(column.is_not(None) for column in key))
                                  .order_by(table.c.id)):
        first = kept.setdefault(tuple(row[1:]), row.id)
        if first != row.id:
            removed[row.id] = first
    if not removed:
        return
    for reference in references:
        child = reference.table
        connection.execute(update(child).where(reference == bindparam("old_id")).values({reference.name: bindparam(
            "new_id")}), [{"old_id": old, "new_id": new} for old, new in removed.items()])
    ids = list(removed)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        for link in links:
            connection.execute(delete(link.table).where(link.in_(chunk)))
        connection.execute(delete(table).where(table.c.id.in_(chunk)))
