"""The briefing's alerts: matters overdue by community, communities below the satisfaction floor, the joint
committee's items behind, the council's decisions overdue, volunteer orders not taken in time and volunteer orders
rated 不满意 in the period. Language-free; `i18n.briefing_words.alert_text` words them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Alert:
    """One alert: `kind` is overdue, floor, behind, council_overdue, volunteer_late or volunteer_dissatisfied;
    `community` a name (user text) or None for the whole scope."""

    kind: str
    count: int = 0
    community: str | None = None
    rate: float | None = None


def alerts(ranking: Iterable[Mapping], *, floor: float, behind: int = 0, council_overdue: int = 0,
           volunteer_late: int = 0, dissatisfied: int = 0) -> list[Alert]:
    """From the communities' ranking rows (community, overdue, satisfaction_rate): overdue matters (most first),
    communities below the floor (lowest first), then the committee's, the council's and volunteer service's counts
    (orders not taken in time now, orders rated 不满意 in the period)."""
    rows = list(ranking)
    found = [Alert("overdue", int(r["overdue"]), r["community"])
             for r in sorted(rows, key=lambda r: -r["overdue"]) if r["overdue"]]
    found += [Alert("floor", community=r["community"], rate=r["satisfaction_rate"])
              for r in sorted(rows, key=lambda r: r["satisfaction_rate"] if r["satisfaction_rate"] is not None else 2)
              if r["satisfaction_rate"] is not None and r["satisfaction_rate"] < floor]
    if behind:
        found.append(Alert("behind", behind))
    if council_overdue:
        found.append(Alert("council_overdue", council_overdue))
    if volunteer_late:
        found.append(Alert("volunteer_late", volunteer_late))
    if dissatisfied:
        found.append(Alert("volunteer_dissatisfied", dissatisfied))
    return found
