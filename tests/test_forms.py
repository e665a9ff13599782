"""Rules every form of every area keeps, checked on the source of the pages."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted([*(ROOT / "pages").rglob("*.py"), *(ROOT / "ui").rglob("*.py"), ROOT / "app.py"])


def test_no_widget_caps_its_text_in_the_browser():
    """With max_chars the browser ignores a paste longer than the cap, leaving the field empty without a word; the
    limits are the domain's, which say the limit and the length typed and keep the text."""
    capped = [f"{path.relative_to(ROOT)}:{n}" for path in SOURCES
              for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "max_chars=" in line]
    assert not capped, capped


def test_every_date_input_goes_through_date_field():
    """A date typed outside a date input's bounds is put back to the last good value by the browser without a word:
    every form's date uses ui.forms.date_field, whose calendar reaches 1950-2100, and its rule checks the window."""
    direct = [f"{path.relative_to(ROOT)}:{n}" for path in SOURCES if path.name != "forms.py"
              for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
              if re.search(r"\.date_input\(", line)]
    assert not direct, direct
