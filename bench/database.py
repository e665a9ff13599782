"""Which database the benchmark runs on: a SQLite file (the default) or PostgreSQL, and the city copied into it.

Everything in bench/ names its database by one string, `db`: a SQLite file's path (as before) or a database URL.
`url(db)` is what make_engine and GONGZHI_DATABASE_URL take, `Replay` a raw DB-API connection for the SQL floor.

PostgreSQL gets the same city as SQLite, row for row: `ensure_postgresql` copies every table of the scale's SQLite
file (generated first if missing, by the same generators and seeds) into the PostgreSQL database with COPY, in one
transaction (a copy that stops half-way leaves nothing). The schema comes from the app's Alembic migrations, as
in production; the secondary indexes are dropped before the copy and built again after it (faster than updating
them row by row), foreign-key triggers are off during the copy (`session_replication_role = replica`: the rows
come from a SQLite file that enforced the same keys), id sequences are moved past the copied ids, and the tables
are VACUUM ANALYZEd. Copying rather than running the generators again keeps the two databases identical, including
the rows that earlier benchmark runs added (their audit entries), and is several times faster. Only an empty
database, or one such a copy made (its comment says so), is ever replaced.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

KINDS = ("sqlite", "postgresql")
URL_ENV = "GONGZHI_BENCH_POSTGRESQL_URL"  # a database URL for --db postgresql; {scale} is replaced by the scale
DEFAULT_POSTGRESQL_URL = "postgresql://gongzhi:gongzhi@127.0.0.1:5432/gongzhi_{scale}"
MAINTENANCE_WORK_MEM = "1GB"  # this session's index builds only; the server's configuration is left alone
MARK = "Gongzhi benchmark:"  # the start of the comment on a database the copy made (only such a one is replaced)


def url(db: str | Path) -> str:
    """The SQLAlchemy URL of `db`: a URL as it is, a path as a SQLite file."""
    text = str(db)
    return text if "://" in text else f"sqlite:///{Path(text).resolve()}"


def kind(db: str | Path) -> str:
    """"postgresql" or "sqlite"."""
    return "postgresql" if url(db).startswith(("postgresql", "postgres")) else "sqlite"


def locate(arg: str) -> str:
    """A child's positional argument: a URL as it is, a path resolved."""
    return arg if "://" in arg else str(Path(arg).resolve())


def postgresql_url(scale: str, given: str | None = None) -> str:
    """--postgresql-url, else $GONGZHI_BENCH_POSTGRESQL_URL, else the local gongzhi_{scale} database."""
    return (given or os.environ.get(URL_ENV) or DEFAULT_POSTGRESQL_URL).replace("{scale}", scale)


def libpq(db: str) -> str:
    """A PostgreSQL URL as psycopg takes it (no SQLAlchemy driver suffix)."""
    parts = urlsplit(url(db))
    return urlunsplit(("postgresql", *parts[1:]))


def shown(db: str) -> str:
    """The database for a log line or a results file: a path, or a URL without its password."""
    if kind(db) == "sqlite":
        return str(db)
    parts = urlsplit(db)
    host = parts.hostname or ""
    user = f"{parts.username}@" if parts.username else ""
    port = f":{parts.port}" if parts.port else ""
    return urlunsplit((parts.scheme, f"{user}{host}{port}", parts.path, "", ""))


class Replay:
    """A raw DB-API connection that runs recorded statements with their parameters: sqlite3 or psycopg (autocommit),
    no SQLAlchemy, no pandas."""

    def __init__(self, db: str) -> None:
        self.postgresql = kind(db) == "postgresql"
        if self.postgresql:
            import psycopg

            self.conn = psycopg.connect(libpq(db), autocommit=True)
        else:
            self.conn = sqlite3.connect(url(db).split("///", 1)[1])

    def run(self, sql: str, params) -> list:  # noqa: ANN001
        if not self.postgresql:
            return self.conn.execute(sql, params).fetchall()
        with self.conn.cursor() as cur:
            cur.execute(sql, params or None)
            return cur.fetchall() if cur.description else []

    def close(self) -> None:
        self.conn.close()


def database_size_mb(db: str) -> int:
    """The database's size on disk in MiB."""
    if kind(db) == "sqlite":
        return round(Path(url(db).split("///", 1)[1]).stat().st_size / 2**20)
    import psycopg

    with psycopg.connect(libpq(db)) as conn:
        return round(conn.execute("SELECT pg_database_size(current_database())").fetchone()[0] / 2**20)


SERVER_SETTINGS = ("shared_buffers", "work_mem", "effective_cache_size", "random_page_cost", "jit",
                   "max_parallel_workers_per_gather")


def server(db: str) -> dict:
    """PostgreSQL's version and the settings that shape its plans, as the benchmark ran with them."""
    import psycopg

    with psycopg.connect(libpq(db)) as conn:
        found = {"version": conn.execute("SHOW server_version").fetchone()[0]}
        for name in SERVER_SETTINGS:
            found[name] = conn.execute(f"SHOW {name}").fetchone()[0]
    return found


# --- the copy ----------------------------------------------------------------------------------------------------

def create_database(db: str, log: Callable[[str], None]) -> None:
    """CREATE DATABASE for the URL's database unless it exists (connecting to the server's `postgres` database)."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(libpq(db))
    name = parts.path.lstrip("/")
    admin = urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, ""))
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            log(f"Created the PostgreSQL database {name}.")


def matter_count(db: str) -> int | None:
    """Matters in a PostgreSQL database, None if it has no schema (or does not exist)."""
    import psycopg

    try:
        with psycopg.connect(libpq(db)) as conn:
            return conn.execute("SELECT count(*) FROM matter").fetchone()[0]
    except psycopg.Error:
        return None


def replaceable(db: str) -> bool:
    """True if the database may be emptied for a copy: it has no tables, or a copy made it (its comment says so).
    A database the app uses is never wiped by a mistyped --postgresql-url."""
    import psycopg

    with psycopg.connect(libpq(db)) as conn:
        tables = conn.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
                              ).fetchone()[0]
        comment = conn.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                               "WHERE datname = current_database()").fetchone()[0]
    return tables == 0 or (comment or "").startswith(MARK)



def copy_sqlite_to_postgresql(path: Path, db: str, log: Callable[[str], None]) -> dict:
    """Replace the PostgreSQL database's tables with those of the SQLite file `path` (both at Alembic head).

    Returns the seconds of each phase and the rows copied per table."""
    import psycopg
    from psycopg import sql

    from data_access.db import make_engine, migrate

    create_database(db, log)
    if not replaceable(db):
        raise RuntimeError(f"{shown(db)} holds tables that no benchmark copy made: refusing to replace them "
                           f"(use an empty database, or one this copy made)")
    started = time.perf_counter()
    engine = make_engine(db)
    try:
        with engine.begin() as conn:  # an empty schema, then the app's migrations (in their own transaction)
            conn.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
        migrate(engine)
    finally:
        engine.dispose()
    phases = {"schema_s": round(time.perf_counter() - started, 1)}
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    rows: dict[str, int] = {}
    with psycopg.connect(libpq(db)) as conn:  # one transaction: all of it or nothing
        conn.execute("SET session_replication_role = replica")  # no foreign-key triggers during the copy
        conn.execute("SET synchronous_commit = off")
        conn.execute("SET TIME ZONE 'UTC'")  # SQLite holds UTCDateTime as naive UTC text
        conn.execute(f"SET maintenance_work_mem = '{MAINTENANCE_WORK_MEM}'")
        head = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        theirs = source.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        if head != theirs:
            raise RuntimeError(f"{path} is at migration {theirs}, PostgreSQL at {head}: migrate the file first")
        indexes = conn.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = 'public' AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname) ORDER BY i.tablename, i.indexname"
        ).fetchall()
        for name, _ in indexes:
            conn.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
        columns: dict[str, list[tuple[str, str]]] = {}
        for table, column, data_type in conn.execute(
                "SELECT table_name, column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = 'public' AND table_name <> 'alembic_version' "
                "ORDER BY table_name, ordinal_position"):
            columns.setdefault(table, []).append((column, data_type))
        step = time.perf_counter()
        for table, cols in columns.items():
            rows[table] = _copy_table(source, conn, table, cols)
            log(f"  {table:<22} {rows[table]:>10,} rows   {time.perf_counter() - step:6.0f} s")
        phases["copy_s"] = round(time.perf_counter() - step, 1)
        step = time.perf_counter()
        for name, definition in indexes:
            began = time.perf_counter()
            conn.execute(definition)
            if time.perf_counter() - began > 1:
                log(f"  index {name:<44} {time.perf_counter() - began:6.0f} s")
        phases["indexes_s"] = round(time.perf_counter() - step, 1)
        for table, column in conn.execute(
                "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' "
                "AND column_default LIKE 'nextval(%%'").fetchall():
            conn.execute(sql.SQL("SELECT setval(pg_get_serial_sequence({t}, {c}), "
                                 "COALESCE((SELECT max({col}) FROM {tbl}), 1))").format(
                t=sql.Literal(table), c=sql.Literal(column), col=sql.Identifier(column), tbl=sql.Identifier(table)))
    source.close()
    step = time.perf_counter()
    with psycopg.connect(libpq(db), autocommit=True) as conn:
        name = conn.execute("SELECT current_database()").fetchone()[0]
        conn.execute(sql.SQL("COMMENT ON DATABASE {} IS {}").format(
            sql.Identifier(name), sql.Literal(f"{MARK} a copy of {path.name}")))
        conn.execute(f"SET maintenance_work_mem = '{MAINTENANCE_WORK_MEM}'")
        conn.execute("VACUUM (ANALYZE)")
    phases["vacuum_analyze_s"] = round(time.perf_counter() - step, 1)
    phases["seconds"] = round(time.perf_counter() - started, 1)
    phases["indexes_rebuilt"] = len(indexes)
    return {**phases, "rows": rows}


def _copy_table(source: sqlite3.Connection, conn, table: str, cols: list[tuple[str, str]]) -> int:  # noqa: ANN001
    """COPY one table's rows from SQLite, in id order where there is an id; booleans become booleans."""
    from psycopg import sql

    names = [name for name, _ in cols]
    flags = [i for i, (_, data_type) in enumerate(cols) if data_type == "boolean"]
    order = " ORDER BY id" if "id" in names else ""
    selected = ", ".join(f'"{name}"' for name in names)
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(sql.Identifier(name) for name in names))
    count = 0
    cursor = source.execute(f'SELECT {selected} FROM "{table}"{order}')
    with conn.cursor() as cur, cur.copy(statement) as copy:
        while batch := cursor.fetchmany(10_000):
            for row in batch:
                if flags:
                    row = list(row)
                    for i in flags:
                        if row[i] is not None:
                            row[i] = bool(row[i])
                copy.write_row(row)
            count += len(batch)
    return count


def ensure_postgresql(path: Path, db: str, matters: int, log: Callable[[str], None]) -> dict | None:
    """The PostgreSQL database `db` as a copy of the SQLite file `path` (already at head, with its trail, committees,
    councils, volunteer service and estate funds), copied unless it already holds `matters` matters and all of
    those; brought to head either way.

    Returns what the copy took (copy_sqlite_to_postgresql), None if the database was reused."""
    from bench import council, fund, trail, volunteer
    from data_access.bootstrap import ensure_tally
    from data_access.db import make_engine, migrate

    if matter_count(db) == matters:
        engine = make_engine(db)
        try:
            if trail.present(engine) and council.present(engine) and volunteer.present(engine) and fund.present(engine):
                migrate(engine)  # a newer migration (an index, say) is built here, not in the first timed page
                ensure_tally(engine)
                log(f"Reusing {shown(db)} ({matters:,} matters), schema at head.")
                return None
        finally:
            engine.dispose()
    log(f"Copying {path} into {shown(db)} ...")
    done = copy_sqlite_to_postgresql(path, db, log)
    log(f"Copied in {done['seconds']:.0f} s (schema {done['schema_s']:.0f} s, COPY {done['copy_s']:.0f} s, "
        f"{done['indexes_rebuilt']} indexes {done['indexes_s']:.0f} s, VACUUM ANALYZE {done['vacuum_analyze_s']:.0f} s;"
        f" {database_size_mb(db):,} MiB).")
    return done
