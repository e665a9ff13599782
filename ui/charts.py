"""Altair chart builders: pure functions from a DataFrame to an alt.Chart, and the bar a user clicked in one."""

from __future__ import annotations

import altair as alt
import pandas as pd

ACCENT = "#c0392b"      # party red for the main series
SECOND = "#2e86c1"
PICK = "pick"  # the name of a chart's point selection (its clicked bar)
SHORT_LABEL = 6  # characters of the longest name under vertical bars that still stands level (四个汉字 do)


def bars(df: pd.DataFrame, *, category: str, value: str, category_title: str, value_title: str,
         horizontal: bool = True, sort: list[str] | None = None, height: int | None = None,
         key_field: str | None = None) -> alt.Chart:
    """A bar chart of `value` by `category`, labelled with the values. With `key_field`, a click on a bar selects its
    row (selection parameter PICK, for on_select; read it with `picked`)."""
    order = sort if sort is not None else "-x" if horizontal else "-y"
    cat = alt.Y if horizontal else alt.X
    val = alt.X if horizontal else alt.Y
    if horizontal:
        axis = alt.Axis(labelLimit=200, labelAngle=0, labelOverlap=False)
    elif len(df) and max(len(str(c)) for c in df[category]) > SHORT_LABEL:
        # long names (English) under vertical bars would run into each other: slanted, cut at a length, whole on hover
        axis = alt.Axis(labelLimit=120, labelAngle=-35, labelAlign="right", labelBaseline="top", labelOverlap=False)
    else:
        axis = alt.Axis(labelLimit=200, labelAngle=0, labelOverlap=False)
    base = alt.Chart(df).encode(
        cat(f"{category}:N", title=category_title, sort=order, axis=axis),
        val(f"{value}:Q", title=value_title, axis=alt.Axis(tickCount=5),
            scale=alt.Scale(domain=[0, room_for_labels(df[value])], nice=False)),
        tooltip=[alt.Tooltip(f"{category}:N", title=category_title), alt.Tooltip(f"{value}:Q", title=value_title)],
    )
    text = base.mark_text(align="left" if horizontal else "center", dx=4 if horizontal else 0,
                          dy=0 if horizontal else -8).encode(text=f"{value}:Q")
    bar = base.mark_bar(color=ACCENT, cornerRadiusEnd=3)
    if key_field is not None:
        pick = alt.selection_point(name=PICK, fields=[key_field])
        bar = bar.add_params(pick).encode(opacity=alt.condition(pick, alt.value(1.0), alt.value(0.45)))
    return (bar + text).properties(height=height or (alt.Step(30) if horizontal else 260))


def room_for_labels(values: pd.Series) -> float:
    """The end of a bar chart's value axis: a fifth beyond the longest bar, so that its number stays inside."""
    top = float(values.max()) if len(values) else 0.0
    return top * 1.2 if top > 0 else 1.0


def monthly(df: pd.DataFrame, *, month_title: str, count_title: str, series_title: str,
            names: dict[str, str]) -> alt.Chart:
    """Accepted and closed per month as two lines; `names` maps column -> legend label."""
    long = df.melt(id_vars="month", value_vars=list(names), var_name="series", value_name="count")
    long["series"] = long["series"].map(names)
    return alt.Chart(long).mark_line(point=True).encode(
        x=alt.X("month:O", title=month_title, axis=alt.Axis(labelAngle=0, labelOverlap="greedy")),
        y=alt.Y("count:Q", title=count_title, axis=alt.Axis(tickCount=5)),
        color=alt.Color("series:N", title=series_title,
                        scale=alt.Scale(domain=list(names.values()), range=[SECOND, ACCENT])),
        tooltip=[alt.Tooltip("month:O", title=month_title), alt.Tooltip("series:N", title=series_title),
                 alt.Tooltip("count:Q", title=count_title)],
    ).properties(height=280)


def progress_bars(df: pd.DataFrame, *, category: str, value: str, category_title: str, value_title: str,
                  key_field: str | None = None, order: list[str] | None = None, height: int | None = None) -> alt.Chart:
    """Horizontal bars of a share (0-1) by `category` (in `order`, else highest first), labelled in percent. With
    `key_field`, a click on a bar selects its row (selection parameter PICK, for on_select)."""
    sort = order if order is not None else alt.EncodingSortField(field=value, order="descending")
    base = alt.Chart(df).encode(
        y=alt.Y(f"{category}:N", title=category_title, sort=sort, axis=alt.Axis(labelLimit=220, labelOverlap=False)),
        x=alt.X(f"{value}:Q", title=value_title, scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
        tooltip=[alt.Tooltip(f"{category}:N", title=category_title),
                 alt.Tooltip(f"{value}:Q", title=value_title, format=".1%")],
    )
    bars = base.mark_bar(color=ACCENT, cornerRadiusEnd=3)
    if key_field is not None:
        pick = alt.selection_point(name=PICK, fields=[key_field])
        bars = bars.add_params(pick).encode(opacity=alt.condition(pick, alt.value(1.0), alt.value(0.45)))
    text = base.mark_text(align="left", dx=4).encode(text=alt.Text(f"{value}:Q", format=".0%"))
    return (bars + text).properties(height=height or alt.Step(26))


def picked_code(event, field: str) -> str | None:
    """As `picked`, for a bar whose key is text (a step's code, a month)."""
    chosen = ((event or {}).get("selection") or {}).get(PICK) or []
    if isinstance(chosen, dict):
        value = chosen.get(field)
        value = value[0] if isinstance(value, list) and value else value
    else:
        value = chosen[0].get(field) if chosen and isinstance(chosen[0], dict) else None
    return value if isinstance(value, str) and value else None


def picked(event, field: str) -> int | None:
    """The `field` of the bar clicked in a chart drawn with on_select (None when nothing is selected). A point
    selection comes as a list of the clicked rows' fields ([{"unit_id": 3}])."""
    if not event:
        return None
    chosen = (event.get("selection") or {}).get(PICK) or []
    if isinstance(chosen, dict):  # {"unit_id": [3]}, should a selection come by field
        value = chosen.get(field)
        value = value[0] if isinstance(value, list) and value else value
    else:
        value = chosen[0].get(field) if chosen and isinstance(chosen[0], dict) else None
    return None if value is None or isinstance(value, list) else int(value)
