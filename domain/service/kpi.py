"""KPI formulas of the 365 method over counts that the database aggregates."""

from __future__ import annotations

from dataclasses import dataclass


def rate(numerator: int, denominator: int) -> float | None:
    """A share in [0, 1], or None when nothing was counted (never a false 0%)."""
    return numerator / denominator if denominator else None


@dataclass(frozen=True)
class Counts:
    """Counts over one period and scope, as aggregated by data_access.service.queries."""

    accepted: int = 0        # registered in the period
    closed: int = 0          # of those, closed (销号)
    due: int = 0             # deadline fell in the period (up to now)
    due_on_time: int = 0     # of those, handled (办理完成) on or before the deadline
    rated: int = 0           # evaluated at least once
    evaluations: int = 0     # every evaluation (a dissatisfied one and the evaluation after the redo both count)
    satisfied: int = 0       # evaluations 满意 (the latest of a matter; earlier ones were 不满意)
    basic: int = 0           # evaluations 基本满意
    reopened: int = 0        # sent back at least once
    handling_days_sum: float = 0.0


@dataclass(frozen=True)
class Kpis:
    closure_rate: float | None
    on_time_rate: float | None
    satisfaction_rate: float | None
    reopen_rate: float | None
    avg_handling_days: float | None


def compute(c: Counts, *, count_basic: bool) -> Kpis:
    happy = c.satisfied + (c.basic if count_basic else 0)
    return Kpis(
        closure_rate=rate(c.closed, c.accepted),
        on_time_rate=rate(c.due_on_time, c.due),
        satisfaction_rate=rate(happy, c.evaluations),
        reopen_rate=rate(c.reopened, c.rated),
        avg_handling_days=(c.handling_days_sum / c.closed) if c.closed else None,
    )


TALLY_DIMENSIONS = ("step", "channel", "mode", "category")
HAPPY = ("satisfied", "basic")


def contributions(m) -> dict[tuple[str, str], tuple[int, float]]:
    """What one matter adds to the monthly tally: (dimension, code) -> (count, handling days).

    `m` has the matter's step, channel, mode, category, evaluation, reopen_count and handling_days
    (attributes or keys). Dimension "kpi" holds the counts behind the KPIs.
    """
    get = m.get if isinstance(m, dict) else lambda name: getattr(m, name)
    out = {(dim, str(get(dim))): (1, 0.0) for dim in TALLY_DIMENSIONS}
    evaluation, reopens = get("evaluation"), int(get("reopen_count") or 0)
    kpi = {
        "closed": int(get("step")) == 7,
        "rated": evaluation is not None,
        "satisfied": evaluation == "satisfied",
        "basic": evaluation == "basic",
        "reopened": reopens > 0,
    }
    for code, flag in kpi.items():
        if flag:
            out[("kpi", code)] = (1, float(get("handling_days") or 0.0) if code == "closed" else 0.0)
    evaluations = reopens + (evaluation in HAPPY)
    if evaluations:
        out[("kpi", "evaluations")] = (evaluations, 0.0)
    return out


def difference(before: dict, after: dict) -> dict[tuple[str, str], tuple[int, float]]:
    """after - before, keeping only what changed."""
    keys = set(before) | set(after)
    diff = {}
    for key in keys:
        n = after.get(key, (0, 0.0))[0] - before.get(key, (0, 0.0))[0]
        days = after.get(key, (0, 0.0))[1] - before.get(key, (0, 0.0))[1]
        if n or days:
            diff[key] = (n, days)
    return diff
