"""Altair chart builders: pure functions from a DataFrame to an alt.Chart."""

from __future__ import annotations

import altair as alt
import pandas as pd

ACCENT = "#c0392b"      # party red for the main series
SECOND = "#2e86c1"


def bars(df: pd.DataFrame, *, category: str, value: str, category_title: str, value_title: str,
         horizontal: bool = True, sort: list[str] | None = None, height: int | None = None) -> alt.Chart:
    """A bar chart of `value` by `category`, labelled with the values."""
    order = sort if sort is not None else "-x" if horizontal else "-y"
    cat = alt.Y if horizontal else alt.X
    val = alt.X if horizontal else alt.Y
    base = alt.Chart(df).encode(
        cat(f"{category}:N", title=category_title, sort=order,
            axis=alt.Axis(labelLimit=200, labelAngle=0, labelOverlap=False)),
        val(f"{value}:Q", title=value_title),
        tooltip=[alt.Tooltip(f"{category}:N", title=category_title), alt.Tooltip(f"{value}:Q", title=value_title)],
    )
    text = base.mark_text(align="left" if horizontal else "center", dx=4 if horizontal else 0,
                          dy=0 if horizontal else -8).encode(text=f"{value}:Q")
    chart = base.mark_bar(color=ACCENT, cornerRadiusEnd=3) + text
    return chart.properties(height=height or (alt.Step(30) if horizontal else 260))


def monthly(df: pd.DataFrame, *, month_title: str, count_title: str, series_title: str,
            names: dict[str, str]) -> alt.Chart:
    """Accepted and closed per month as two lines; `names` maps column -> legend label."""
    long = df.melt(id_vars="month", value_vars=list(names), var_name="series", value_name="count")
    long["series"] = long["series"].map(names)
    return alt.Chart(long).mark_line(point=True).encode(
        x=alt.X("month:O", title=month_title, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("count:Q", title=count_title),
        color=alt.Color("series:N", title=series_title,
                        scale=alt.Scale(domain=list(names.values()), range=[SECOND, ACCENT])),
        tooltip=[alt.Tooltip("month:O", title=month_title), alt.Tooltip("series:N", title=series_title),
                 alt.Tooltip("count:Q", title=count_title)],
    ).properties(height=280)
