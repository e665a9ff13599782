"""Backups of the SQLite database, safe while the app runs and writes, and their restore.

A backup is SQLite's online backup API (`sqlite3.Connection.backup`) in one step: it reads one consistent
snapshot of the database (WAL lets the app keep writing meanwhile) into a temporary file beside the target,
which is checked and then renamed, so a backup file is either whole or absent. A restore first checks that
the file is a Gongzhi database, keeps a copy of the current one, then copies the file into the database
through the same API (one transaction of SQLite's: no stale WAL is left behind). The app should be stopped
while a restore runs.

PostgreSQL is backed up with its own tools (pg_dump -Fc, pg_restore --clean); see the README.
"""

from __future__ import annotations

import os
import re
import sqlite3
import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory

from data_access.db import MIGRATIONS

ROOT = Path(__file__).resolve().parent.parent
HEADER = b"SQLite format 3\x00"
# tables every Gongzhi revision has; a file without them is not a Gongzhi database
REQUIRED = ("alembic_version", "street", "community", "user_account", "matter", "audit_log")
# the tables whose row counts a backup and a restore print (those of later revisions may be absent)
COUNTED = {"matter": "matters", "service_item": "committee items", "committee_meeting": "committee meetings",
           "council_topic": "council topics", "council_meeting": "council meetings",
           "council_decision": "council decisions", "user_account": "users", "audit_log": "audit entries"}
DAILY = re.compile(r"gongzhi-\d{4}-\d{2}-\d{2}\.db")
NOT_SQLITE = ("backup and restore are for the SQLite database; this install uses {dialect}. Back it up with "
              "`pg_dump -Fc` and restore with `pg_restore --clean` (README, Backups).")


class BackupError(Exception):
    """A backup or restore refused or failed; the message says why (nothing was replaced)."""


@dataclass(frozen=True)
class Restored:
    revision: str                 # the Alembic revision of the file restored
    kept: Path | None             # the copy of the database as it was before the restore
    counts: dict[str, int]


def sqlite_path(url: str) -> Path:
    """The database file of a SQLite URL; BackupError for any other database (PostgreSQL) or an in-memory one."""
    if not url.startswith("sqlite"):
        raise BackupError(NOT_SQLITE.format(dialect=url.split(":", 1)[0].split("+", 1)[0]))
    path = url.split("///", 1)[-1] if "///" in url else ""
    if not path or path == ":memory:":
        raise BackupError(f"{url} is an in-memory database; there is no file to back up or restore")
    return Path(path)


def resolve(folder: str) -> Path:
    """A configured folder, relative to the project unless absolute."""
    path = Path(folder)
    return path if path.is_absolute() else ROOT / path


def known_revisions() -> set[str]:
    """The Alembic revisions this version of Gongzhi can upgrade from."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return {script.revision for script in ScriptDirectory.from_config(cfg).walk_revisions()}


def _read_only(path: Path) -> sqlite3.Connection:
    """A connection that only reads `path`. A WAL-mode file without its -wal (a database copied when closed)
    is opened immutable, so that reading it leaves no -wal and -shm files beside it."""
    with open(path, "rb") as fh:
        wal = fh.read(20)[18:20] == b"\x02\x02"
    immutable = "&immutable=1" if wal and not Path(f"{path}-wal").exists() else ""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro{immutable}", uri=True, timeout=15)


def check(path: Path) -> str:
    """The Alembic revision of the Gongzhi SQLite database `path`; BackupError saying what is wrong otherwise.
    The file is only read."""
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    with open(path, "rb") as fh:
        if fh.read(len(HEADER)) != HEADER:
            raise BackupError(f"{path} is not a SQLite database")
    try:
        conn = _read_only(path)
        try:
            if (result := conn.execute("PRAGMA quick_check").fetchone()[0]) != "ok":
                raise BackupError(f"{path} is damaged: {result}")
            tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            missing = [t for t in REQUIRED if t not in tables]
            if missing:
                raise BackupError(f"{path} is not a Gongzhi database: it lacks the tables {', '.join(missing)}")
            revisions = [r for (r,) in conn.execute("SELECT version_num FROM alembic_version")]
        finally:
            conn.close()
    except sqlite3.DatabaseError as err:
        raise BackupError(f"{path} cannot be read as a SQLite database: {err}") from err
    if len(revisions) != 1 or revisions[0] not in known_revisions():
        raise BackupError(f"{path} is at schema revision {', '.join(revisions) or 'none'}, which this version of "
                          f"Gongzhi does not know (made by a newer version?)")
    return revisions[0]


def counts(path: Path) -> dict[str, int]:
    """The row counts of the main tables present in the SQLite file `path`, by table name."""
    conn = _read_only(path)
    try:
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in COUNTED if t in tables}
    finally:
        conn.close()


def counts_text(numbers: dict[str, int]) -> str:
    return ", ".join(f"{COUNTED[t]} {n}" for t, n in numbers.items())


def _copy(source: Path, target: Path) -> None:
    """One consistent snapshot of `source` written into the (new or empty) file `target` as a single file."""
    src = sqlite3.connect(source, timeout=15)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)  # all pages in one step: a single read transaction, so one snapshot
            dst.execute("PRAGMA journal_mode=DELETE")  # no -wal beside the copy
        finally:
            dst.close()
    finally:
        src.close()
    with open(target, "rb") as fh:
        os.fsync(fh.fileno())


def _fsync_folder(folder: Path) -> None:
    if os.name == "posix":
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def backup(url: str, out: Path, *, force: bool = False) -> dict[str, int]:
    """Write a checked copy of the SQLite database of `url` to `out` (refused if it exists, unless `force`);
    its row counts. The copy is made in a temporary file beside `out` and renamed into place."""
    source = sqlite_path(url)
    if not source.is_file():
        raise BackupError(f"there is no database at {source}")
    if out.exists() and not force:
        raise BackupError(f"{out} exists; choose another file or add --force to replace it")
    if out.exists() and out.resolve() == source.resolve():
        raise BackupError(f"{out} is the database itself")
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    os.close(fd)
    temporary = Path(name)
    try:
        try:
            _copy(source, temporary)
        except sqlite3.Error as err:
            raise BackupError(f"the database at {source} could not be copied: {err}") from err
        check(temporary)
        numbers = counts(temporary)
        if out.exists() and not force:
            raise BackupError(f"{out} appeared meanwhile; nothing was replaced")
        os.replace(temporary, out)
    finally:
        temporary.unlink(missing_ok=True)
    _fsync_folder(out.parent)
    return numbers


def daily_name(day: date) -> str:
    return f"gongzhi-{day.isoformat()}.db"


def daily(url: str, folder: Path, keep: int, day: date) -> tuple[Path, dict[str, int], list[Path]]:
    """The day's backup in `folder` (a second run that day replaces it), then only the newest `keep` daily
    backups kept; the file, its counts and the files removed. Other files in the folder are left alone."""
    out = folder / daily_name(day)
    numbers = backup(url, out, force=True)
    dailies = sorted(p for p in folder.iterdir() if DAILY.fullmatch(p.name) and p.is_file())
    removed = dailies[:-keep] if keep > 0 else []
    for path in removed:
        path.unlink()
    return out, numbers, removed


def restore(url: str, source: Path, keep_folder: Path, now: datetime) -> Restored:
    """Replace the SQLite database of `url` by the Gongzhi database `source`, after keeping a copy of the
    current one in `keep_folder` (before-restore-<time>.db). Refused, touching nothing, when `source` does not
    look like a Gongzhi database. The app should be stopped meanwhile."""
    target = sqlite_path(url)
    revision = check(source)
    if target.exists() and source.resolve() == target.resolve():
        raise BackupError(f"{source} is the database itself")
    kept = None
    if target.exists():
        keep_folder.mkdir(parents=True, exist_ok=True)
        kept = keep_folder / f"before-restore-{now.strftime('%Y%m%d-%H%M%S')}.db"
        if kept.exists():
            raise BackupError(f"{kept} exists; try again in a second")
        try:
            _copy(target, kept)  # as it is, even if it is not a sound Gongzhi database (why restore otherwise)
        except (sqlite3.Error, OSError) as err:
            kept.unlink(missing_ok=True)
            raise BackupError(f"the current database could not be copied first, so it was not replaced: {err}. "
                              f"Move {target} aside by hand (with its -wal and -shm files) to restore anyway."
                              ) from err
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
    src = _read_only(source)
    try:
        dst = sqlite3.connect(target, timeout=15)
        try:
            src.backup(dst)  # one write transaction of the database: all of it replaced, or nothing
        except sqlite3.Error as err:
            raise BackupError(f"the database could not be replaced (is the app still running?): {err}") from err
        finally:
            dst.close()
    finally:
        src.close()
    return Restored(revision=revision, kept=kept, counts=counts(target))
