"""Serve app.py: `python -m ui.server [streamlit options]` is `streamlit run app.py`, minus one Streamlit habit.

Streamlit 1.67 treats an app with a `pages/` folder beside its main script as a legacy multipage app until the
first st.navigation call of the process: the very first session after a start would answer a bookmarked page's
address with Streamlit's English "Page not found" box. app.py routes every page with st.navigation, so the server
is told so before the first session. run.py serve, the browser tests and the benchmark all start it here.
"""

from __future__ import annotations

import sys
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app.py"


def prepare() -> None:
    """Tell Streamlit, before any session starts, that the app routes its pages with st.navigation."""
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False


def main(argv: list[str]) -> None:
    prepare()
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(APP), *argv]
    cli.main()


if __name__ == "__main__":
    main(sys.argv[1:])
