"""The set-up commands of a production install (demo mode off)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from data_access.accounts.auth import login
from data_access.config import load_settings
from data_access.db import make_engine, migrate, reading
from data_access.models import AuditLog
from i18n import translate

ROOT = Path(__file__).resolve().parents[1]


def cli(url: str, *args: str, password: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "GONGZHI_DATABASE_URL": url, "GONGZHI_DEMO": "0"}
    return subprocess.run([sys.executable, "-m", "data_access.cli", *args], cwd=ROOT, env=env, input=password,
                          capture_output=True, text=True, timeout=120)


def test_a_production_install_is_set_up_from_the_shell(tmp_path):
    settings = load_settings()
    url = f"sqlite:///{tmp_path}/prod.db"
    made = cli(url, "add-community", "--street", "青春山街道", "--name", "康盛社区", "--code", "KS", "--grids", "3")
    assert made.returncode == 0, made.stderr
    weak = cli(url, "add-user", "wangli", "--name", "王丽娟", "--role", "secretary", "--community", "KS",
               password="short\n")
    assert weak.returncode == 1
    assert translate("zh", "error.password_short", min=settings.password_min_length) in weak.stderr
    same = cli(url, "add-user", "wangli.2026", "--name", "王丽娟", "--role", "secretary", "--community", "KS",
               password="WangLi.2026\n")
    assert same.returncode == 1 and translate("zh", "error.password_weak") in same.stderr
    nowhere = cli(url, "add-user", "wangli", "--name", "王丽娟", "--role", "secretary", "--community", "XX",
                  password="a-long-password\n")
    assert nowhere.returncode == 1 and "XX" in nowhere.stderr
    unknown = cli(url, "add-user", "wangli", "--name", "王丽娟", "--role", "mayor", password="a-long-password\n")
    assert unknown.returncode == 1 and "mayor" in unknown.stderr
    added = cli(url, "add-user", "wangli", "--name", "王丽娟", "--role", "secretary", "--community", "KS",
                password="a-long-password\n")
    assert added.returncode == 0, added.stderr
    again = cli(url, "add-user", "wangli", "--name", "王丽娟", "--role", "leader", password="a-long-password\n")
    assert again.returncode == 1 and "已被使用" in again.stderr
    engine = make_engine(url)
    actor = login(engine, settings, "wangli", "a-long-password").actor
    assert actor is not None and [(g.role, g.community_id, g.grid_id) for g in actor.grants] == [("secretary", 1, None)]
    with reading(engine) as session:
        entry = session.execute(select(AuditLog).where(AuditLog.action == "user.create")).scalars().one()
    assert entry.actor_name == "cli" and entry.after["roles"] == [{"role": "secretary", "community_id": 1,
                                                                   "grid_id": None}]
    assert "a-long-password" not in str(entry.after) and "$2b$" not in str(entry.after)
    engine.dispose()


def test_the_points_ledger_is_checked_and_expired_from_the_shell(tmp_path):
    """check-points says a sound ledger is sound and names an account whose kept balance was changed behind the
    ledger's back; expire-points runs (for cron) and leaves the ledger sound."""
    from sqlalchemy import text

    from data_access.demo import street

    url = f"sqlite:///{tmp_path}/points.db"
    engine = make_engine(url)
    migrate(engine)
    street.seed(engine, load_settings())
    sound = cli(url, "check-points")
    assert sound.returncode == 0 and "ok" in sound.stdout, sound.stderr
    expired = cli(url, "expire-points")
    assert expired.returncode == 0 and expired.stdout.startswith("ok: expired"), expired.stderr
    assert cli(url, "check-points").returncode == 0
    with engine.begin() as conn:
        account = conn.execute(text("SELECT id FROM points_account WHERE holder = 'volunteer' AND balance > 0 "
                                    "ORDER BY id LIMIT 1")).scalar_one()
        conn.execute(text("UPDATE points_account SET balance = balance + 7 WHERE id = :id"), {"id": account})
    broken = cli(url, "check-points")
    assert broken.returncode == 1 and f"account {account}:" in broken.stderr
