"""The two Quick-start commands, needing only Python 3.11:

    python3 run.py serve   # the app with demo data on embedded SQLite, at http://localhost:8501
    python3 run.py test    # the test suite (extra arguments go to pytest)

Each first makes .venv and installs requirements.txt into it (again only when that file changes).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".requirements.sha256"


def ensure_environment() -> None:
    """Create the virtual environment and install the pinned requirements if they changed."""
    digest = hashlib.sha256((ROOT / "requirements.txt").read_bytes()).hexdigest()
    if PYTHON.exists() and STAMP.exists() and STAMP.read_text().strip() == digest:
        return
    if not PYTHON.exists():
        print("Creating .venv ...", flush=True)
        venv.create(VENV, with_pip=True)
    print("Installing requirements.txt into .venv ...", flush=True)
    pip = [str(PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "-r", str(ROOT / "requirements.txt")], check=True)
    STAMP.write_text(digest)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("serve", "test"):
        print(__doc__)
        return 2
    ensure_environment()
    os.chdir(ROOT)
    if argv[0] == "serve":
        command = [str(PYTHON), "-m", "ui.server", "--server.headless", "true", *argv[1:]]  # streamlit run app.py
    else:
        command = [str(PYTHON), "-m", "pytest", *argv[1:]]
    return subprocess.call(command)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
