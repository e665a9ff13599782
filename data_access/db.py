"""Engine, sessions and schema migration (Alembic, upgraded to head at start-up)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, event, text
from sqlmodel import Session, create_engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets foreign keys, WAL and a busy timeout on every connection."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:" and url != "sqlite://":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 15})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # noqa: ANN001
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA busy_timeout=15000")
            cur.execute("PRAGMA foreign_keys=ON")
            _use_wal(cur)
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg://" + url[len(prefix):]
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


def _use_wal(cur) -> None:  # noqa: ANN001
    """Switch a database file to WAL once (it stays so). The switch does not wait for a busy database, so
    processes opening a new file together retry it for a few seconds."""
    for _ in range(100):
        try:
            if cur.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
                return
            cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError:
            time.sleep(0.05)
    cur.execute("PRAGMA journal_mode=WAL")


def migrate(engine: Engine) -> None:
    """Upgrade the schema to the newest Alembic revision."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")  # processes starting together migrate one at a time
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """One unit of work: commits on success, rolls everything back on any error.

    On SQLite the transaction takes the write lock at once (BEGIN IMMEDIATE), so what it reads cannot change
    before it writes; PostgreSQL gets the same from SELECT ... FOR UPDATE in the write functions.
    """
    with Session(engine, expire_on_commit=False) as session:
        try:
            if engine.dialect.name == "sqlite":
                session.connection().exec_driver_sql("BEGIN IMMEDIATE")
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def sync_id_sequence(session: Session, table: str) -> None:
    """After rows were inserted with explicit ids, move PostgreSQL's id sequence past them (SQLite needs nothing)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                             f"COALESCE((SELECT MAX(id) FROM {table}), 1))"))


def reading(engine: Engine) -> Session:
    """A session for reads only."""
    return Session(engine, expire_on_commit=False)
