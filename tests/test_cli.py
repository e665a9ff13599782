"""The set-up commands of a production install (demo mode off)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from data_access.accounts import authenticate
from data_access.db import make_engine

ROOT = Path(__file__).resolve().parent.parent


def cli(url: str, *args: str, password: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "GONGZHI_DATABASE_URL": url, "GONGZHI_DEMO": "0"}
    return subprocess.run([sys.executable, "-m", "data_access.cli", *args], cwd=ROOT, env=env, input=password,
                          capture_output=True, text=True, timeout=120)


def test_a_production_install_is_set_up_from_the_shell(tmp_path):
    url = f"sqlite:///{tmp_path}/prod.db"
    made = cli(url, "add-community", "--street", "青春山街道", "--name", "康盛社区", "--code", "KS", "--grids", "3")
    assert made.returncode == 0, made.stderr
    weak = cli(url, "add-user", "wangli", "--name", "王丽娟", "--role", "secretary", "--community", "KS",
               password="short\n")
    assert weak.returncode == 1 and "密码至少" in weak.stderr
    nowhere = cli(url, "add-user", "wangli", "--name", "王丽娟", "--role", "secretary", "--community", "XX",
                  password="a-long-password\n")
    assert nowhere.returncode == 1 and "XX" in nowhere.stderr
    added = cli(url, "add-user", "wangli", "--name", "王丽娟", "--role", "secretary", "--community", "KS",
                password="a-long-password\n")
    assert added.returncode == 0, added.stderr
    again = cli(url, "add-user", "wangli", "--name", "王丽娟", "--role", "leader", password="a-long-password\n")
    assert again.returncode == 1 and "已存在" in again.stderr
    actor = authenticate(make_engine(url), "wangli", "a-long-password")
    assert actor is not None and actor.roles == (("secretary", 1),)
