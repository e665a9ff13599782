"""SQLite databases built once per test process and copied for each test that needs one: migrating a new file
or seeding the demo street takes far longer than copying it, and every test still gets a database of its own."""

from __future__ import annotations

import atexit
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path

_built: dict[str, Path] = {}


def copy_template(name: str, build: Callable[[Path], None], target: Path) -> None:
    """Write the template `name` to the SQLite file `target`; the first call in this process builds it with
    build(path), which must leave no connection open."""
    if name not in _built:
        folder = Path(tempfile.mkdtemp(prefix="gongzhi-template-"))
        atexit.register(shutil.rmtree, folder, True)
        build(folder / f"{name}.db")
        _built[name] = folder / f"{name}.db"
    target.parent.mkdir(parents=True, exist_ok=True)
    source, copy = sqlite3.connect(_built[name]), sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        source.close()
        copy.close()
