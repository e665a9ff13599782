"""Backups and restores of the SQLite database (data_access.backup and the cli's backup and restore commands)."""

from __future__ import annotations

import sqlite3
import threading
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml

from data_access import backup as backups
from data_access import cli
from data_access.config import CONFIG_PATH
from tests.conftest import _demo
from tests.templates import copy_template

MAIN = ("matter", "service_item", "council_meeting", "user_account", "audit_log")


@pytest.fixture
def live(tmp_path, monkeypatch) -> Path:
    """The demo street's database as the app's (GONGZHI_DATABASE_URL), with a config whose backup folder is the
    test's own and keeps 3."""
    path = tmp_path / "live" / "gongzhi.db"
    copy_template("demo", _demo, path)
    raw = yaml.safe_load(CONFIG_PATH.read_text(encoding="utf-8"))
    raw["backup"] = {"folder": str(tmp_path / "backups"), "keep": 3}
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("GONGZHI_CONFIG", str(config))
    monkeypatch.setenv("GONGZHI_DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("GONGZHI_DEMO", "0")
    return path


def _rows(path: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_a_backup_taken_while_another_connection_writes_is_consistent(live, tmp_path):
    """The writer adds two audit entries per transaction; every backup holds whole transactions only."""
    stop, written = threading.Event(), []

    def write() -> None:
        conn = sqlite3.connect(live, timeout=15)
        n = 0
        while not stop.is_set():
            with conn:
                for half in ("a", "b"):
                    conn.execute("INSERT INTO audit_log (at, actor_name, action, entity, entity_id) "
                                 "VALUES (datetime('now'), 'writer', ?, 'test', ?)", (f"test.{half}", n))
            n += 1
            written.append(n)
        conn.close()

    writer = threading.Thread(target=write)
    writer.start()
    try:
        while len(written) < 20:
            stop.wait(0.01)
        files = []
        for i in range(5):
            out = tmp_path / f"copy-{i}.db"
            numbers = backups.backup(f"sqlite:///{live}", out)
            files.append((out, numbers))
    finally:
        stop.set()
        writer.join()
    seen = set()
    for out, numbers in files:
        assert _rows(out, "PRAGMA integrity_check") == [("ok",)]
        assert backups.check(out) == max(backups.known_revisions())
        assert _rows(out, "PRAGMA journal_mode") == [("delete",)]
        assert not Path(f"{out}-wal").exists()
        a, b = (_rows(out, f"SELECT COUNT(*) FROM audit_log WHERE action = 'test.{h}'")[0][0] for h in "ab")
        assert a == b  # never half a transaction
        assert numbers == backups.counts(out)
        seen.add(a)
    assert len(seen) > 1 and max(seen) > 0  # the writer really wrote between the backups
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_restored_backup_has_the_same_counts(live, tmp_path, capsys):
    out = tmp_path / "copy.db"
    assert cli.main(["backup", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert str(out.resolve()) in printed and "matters 300" in printed
    saved = backups.counts(out)
    assert set(MAIN) <= set(saved) and all(saved[t] > 0 for t in MAIN)
    assert _rows(live, "SELECT action, entity, actor_name FROM audit_log ORDER BY id DESC LIMIT 1") == [
        ("database.backup", "database", "cli")]
    # the database changes after the backup: a matter and an account go, entries are added
    conn = sqlite3.connect(live)
    with conn:
        conn.execute("DELETE FROM matter_event WHERE matter_id = (SELECT MAX(id) FROM matter)")
        conn.execute("DELETE FROM matter WHERE id = (SELECT MAX(id) FROM matter)")
        conn.execute("INSERT INTO audit_log (at, actor_name, action, entity) VALUES (datetime('now'), 'x', 'x', 'x')")
    conn.close()
    assert backups.counts(live)["matter"] == saved["matter"] - 1
    assert cli.main(["restore", "--from", str(out)]) == 0
    printed = capsys.readouterr().out
    restored = backups.counts(live)
    # the restore's own audit entry is the only difference
    assert restored == saved | {"audit_log": saved["audit_log"] + 1}
    last = _rows(live, "SELECT action, actor_name, after FROM audit_log ORDER BY id DESC LIMIT 1")[0]
    assert last[:2] == ("database.restore", "cli") and str(out.resolve()) in last[2]
    # the database as it was is kept, whole
    kept = list((tmp_path / "backups").glob("before-restore-*.db"))
    assert len(kept) == 1 and str(kept[0].resolve()) in printed
    assert backups.counts(kept[0])["matter"] == saved["matter"] - 1
    assert backups.check(live) == max(backups.known_revisions())


def test_a_backup_does_not_replace_a_file_without_force(live, tmp_path, capsys):
    out = tmp_path / "copy.db"
    out.write_bytes(b"precious")
    assert cli.main(["backup", "--out", str(out)]) == 1
    assert "--force" in capsys.readouterr().err and out.read_bytes() == b"precious"
    assert cli.main(["backup", "--out", str(out), "--force"]) == 0
    assert backups.counts(out) == backups.counts(live) | {"audit_log": backups.counts(live)["audit_log"] - 1}


def test_daily_backups_keep_the_newest(live, tmp_path, capsys):
    folder = tmp_path / "backups"
    folder.mkdir()
    first = date(2026, 11, 20)
    for i in range(4):  # four older dailies and a file that is not one
        (folder / backups.daily_name(first + timedelta(days=i))).write_bytes(b"old")
    (folder / "keep-me.db").write_bytes(b"mine")
    out, numbers, removed = backups.daily(f"sqlite:///{live}", folder, 3, first + timedelta(days=10))
    assert [p.name for p in removed] == [backups.daily_name(first + timedelta(days=i)) for i in (0, 1)]
    assert sorted(p.name for p in folder.glob("gongzhi-*.db")) == [
        "gongzhi-2026-11-22.db", "gongzhi-2026-11-23.db", "gongzhi-2026-11-30.db"]
    assert (folder / "keep-me.db").read_bytes() == b"mine" and numbers == backups.counts(out)
    # the command: today's file into the configured folder, keeping 3; a second run the same day replaces it
    for _ in range(2):
        assert cli.main(["backup", "--daily"]) == 0
    printed = capsys.readouterr().out
    dailies = sorted(p.name for p in folder.glob("gongzhi-*.db"))
    assert len(dailies) == 3 and dailies[-1] == backups.daily_name(cli.clock.today()) and "removed" in printed
    assert "gongzhi-2026-11-22.db" not in dailies


@pytest.mark.parametrize("kind", ["text", "other_sqlite", "newer_revision", "missing"])
def test_restore_refuses_what_is_not_a_gongzhi_database(live, tmp_path, capsys, kind):
    before = live.read_bytes()
    before_counts = backups.counts(live)
    source = tmp_path / "wrong.db"
    if kind == "text":
        source.write_text("not a database at all\n" * 50)
    elif kind == "other_sqlite":
        conn = sqlite3.connect(source)
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        conn.commit()
        conn.close()
    elif kind == "newer_revision":
        assert cli.main(["backup", "--out", str(source)]) == 0
        conn = sqlite3.connect(source)
        with conn:
            conn.execute("UPDATE alembic_version SET version_num = '9999'")
        conn.close()
        before, before_counts = live.read_bytes(), backups.counts(live)
    assert cli.main(["restore", "--from", str(source)]) == 1
    err = capsys.readouterr().err
    assert "restore refused" in err and str(source) in err
    assert live.read_bytes() == before and backups.counts(live) == before_counts
    assert not (tmp_path / "backups").exists() or not list((tmp_path / "backups").glob("before-restore-*"))


def test_the_commands_send_postgresql_to_its_own_tools(monkeypatch, capsys):
    monkeypatch.setenv("GONGZHI_DATABASE_URL", "postgresql://someone@nowhere.invalid:5432/gongzhi")
    assert cli.main(["backup", "--out", "x.db"]) == 1
    assert "pg_dump -Fc" in capsys.readouterr().err
    assert cli.main(["restore", "--from", "x.db"]) == 1
    assert "pg_restore --clean" in capsys.readouterr().err
    assert not Path("x.db").exists()


def test_an_older_backup_is_restored_and_upgraded(live, tmp_path):
    from alembic import command
    from alembic.config import Config

    from data_access.db import MIGRATIONS, make_engine

    older = tmp_path / "older.db"
    engine = make_engine(f"sqlite:///{older}")
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0010")
    engine.dispose()
    assert backups.check(older) == "0010"
    assert cli.main(["restore", "--from", str(older)]) == 0
    assert backups.check(live) == max(backups.known_revisions())
    assert backups.counts(live) == {t: 0 for t in backups.COUNTED} | {"audit_log": 1}
    assert backups.counts(older) == {t: 0 for t in backups.COUNTED}  # the file restored from is only read


def test_the_backup_settings_have_defaults_and_are_checked():
    from domain.errors import ConfigError
    from domain.settings import parse_settings

    raw = yaml.safe_load(CONFIG_PATH.read_text(encoding="utf-8"))
    assert (parse_settings(raw).backup.folder, parse_settings(raw).backup.keep) == ("data/backups", 14)
    del raw["backup"]
    assert (parse_settings(raw).backup.folder, parse_settings(raw).backup.keep) == ("data/backups", 14)
    for bad in ({"keep": 0}, {"keep": "7"}, {"folder": ""}):
        with pytest.raises(ConfigError):
            parse_settings(raw | {"backup": bad})


@pytest.mark.db
def test_a_postgresql_dump_restores_with_the_same_counts_as_the_readme_says(demo_engine, settings, tmp_path):
    """README: `pg_dump -Fc` while the app runs, then `pg_restore --clean --if-exists --no-owner` into a database;
    the restored one holds the same rows in every table and takes new writes (its sequences came along)."""
    if demo_engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's own tools; SQLite has the tests above")
    import subprocess

    from sqlalchemy import func, select, text

    from data_access.accounts.auth import login
    from data_access.db import make_engine, reading
    from data_access.models import metadata

    source = demo_engine.url.set(drivername="postgresql")
    target = source.set(database=f"{source.database}_restored")
    with demo_engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    dump = tmp_path / "gongzhi.dump"
    subprocess.run(["pg_dump", "-Fc", "-f", str(dump), source.render_as_string(hide_password=False)], check=True)
    subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", "-d",
                    target.render_as_string(hide_password=False), str(dump)], check=True)

    def counts(engine) -> dict[str, int]:
        with reading(engine) as session:
            found = {t.name: session.execute(select(func.count()).select_from(t)).scalar_one()
                     for t in metadata.sorted_tables}
            found["alembic_version"] = session.execute(text("SELECT count(*) FROM alembic_version")).scalar_one()
            return found

    restored = make_engine(target.render_as_string(hide_password=False))
    try:
        before = counts(demo_engine)
        assert before["matter"] == 300 and before["alembic_version"] == 1
        assert counts(restored) == before
        assert login(restored, settings, "secretary", "gongzhi-demo").actor is not None  # writes its audit entry
        assert counts(restored)["audit_log"] == before["audit_log"] + 1
    finally:
        restored.dispose()
