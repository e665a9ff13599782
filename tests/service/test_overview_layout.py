"""The overview puts what needs action first (the overdue list, then the KPI cards and charts), and its charts and
tiles keep English labels apart and whole."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from tests.pages_support import run_page


def in_order(node) -> list:
    """The page's elements in the order drawn."""
    children = getattr(node, "children", None)
    if not children:
        return [node]
    return [leaf for key in sorted(children) for leaf in in_order(children[key])]


def test_overdue_list_comes_before_the_figures_and_charts(demo_db):
    at = run_page("overview", demo_db.users["secretary"])
    assert not at.exception
    assert [s.value for s in at.subheader][0] == "超期事项"
    kinds = [getattr(e, "type", "") for e in in_order(at.main)]
    assert "dataframe" in kinds and "metric" in kinds
    assert kinds.index("dataframe") < kinds.index("metric"), "the overdue table above the KPI cards"


def test_kpi_titles_wrap_instead_of_being_cut():
    """Every card's title (the overview's and the cockpit's) wraps, through the one style sheet of every page."""
    from ui import theme

    css = (Path(theme.__file__).parent / "theme.css").read_text(encoding="utf-8")
    assert re.search(r'\[data-testid="stMetricLabel"\] \* \{ white-space: normal', css)


def test_long_names_under_vertical_bars_are_slanted_and_short_ones_level():
    from ui import charts

    def axis(names):
        df = pd.DataFrame({"name": names, "count": range(len(names))})
        spec = charts.bars(df, category="name", value="count", category_title="c", value_title="v",
                           horizontal=False).to_dict()
        return spec["layer"][0]["encoding"]["x"]["axis"]

    assert axis(["Analyse", "Register in ledger", "Resident evaluation"])["labelAngle"] != 0
    assert axis(["分析民情", "登记台账", "办理"])["labelAngle"] == 0
