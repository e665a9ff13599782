"""The briefing's alerts: matters overdue by community, communities below the satisfaction floor, the joint
committee's items behind, the council's decisions overdue. Language-free; `i18n.briefing_words.alert_text` words
them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Alert:
    """One alert: `kind` is overdue, floor, behind or council_overdue; `community` a name (user text) or None
    for the whole scope."""

    kind: str
    count: int = 0
    community: str | None = None
    rate: float | None = None


def alerts(ranking: Iterable[Mapping], *, floor: float, behind: int = 0, council_overdue: int = 0) -> list[Alert]:
    """From the communities' ranking rows (community, overdue, satisfaction_rate): overdue matters (most first),
    communities below the floor (lowest first), then the committee's and the council's counts."""
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
    return found
