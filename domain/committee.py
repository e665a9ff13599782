"""Rules of the joint party committee (联合党委): the rotating chair, progress and its roll-up, the generated
agenda of a progress meeting, and the action items that carry over. Pure: no storage, no Streamlit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from domain.access import Actor, can
from domain.errors import PermissionDenied, ValidationFailed

CLAIM_ACTIVE, CLAIM_WITHDRAWN = "active", "withdrawn"
AGREEMENT_STATUSES = ("draft", "signed", "ended")
NEED_SOURCES = ("entered", "matter", "council")
MEETING_KINDS = ("progress", "annual")
MEETING_STATUSES = ("planned", "open", "closed")
AGENDA_SECTIONS = ("carried", "behind", "stale", "rest")


def may_act_for_unit(actor: Actor, permission: str, community_id: int, representative_id: int | None) -> bool:
    """Whether the actor may act for a member unit: anyone with committee.manage in the community, or the unit's
    own representative holding `permission` (committee.claim for claims, committee.meeting for the meeting
    the unit chairs) there."""
    if can(actor, "committee.manage", community_id):
        return True
    return representative_id is not None and actor.id == representative_id and can(actor, permission, community_id)


def require_for_unit(actor: Actor, permission: str, community_id: int, representative_id: int | None) -> None:
    """Raise PermissionDenied unless may_act_for_unit."""
    if not may_act_for_unit(actor, permission, community_id, representative_id):
        raise PermissionDenied("error.not_your_unit")


def next_chair(order: Sequence[int], last_chair: int | None, members: Iterable[int]) -> int | None:
    """The next rotating secretary (轮值书记): the unit after `last_chair` in the agreed `order`, skipping units
    that are no longer `members`; the first member in the order when nobody has chaired yet."""
    current = set(members)
    rota = [unit for unit in order if unit in current]
    if not rota:
        return None
    if last_chair not in order:
        return rota[0]
    start = list(order).index(last_chair)
    for step in range(1, len(order) + 1):
        unit = order[(start + step) % len(order)]
        if unit in current:
            return unit
    return None


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it has no such day."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate)
        except ValueError:
            continue
    raise ValueError(day)


def next_meeting_date(last: date | None, every_months: int, today: date) -> date:
    """The proposed date of the next progress meeting: `every_months` after the last one, never in the past."""
    if last is None:
        return today
    return max(add_months(last, every_months), today)


def check_progress(done: float, target: float, field: str = "done") -> None:
    """A progress figure is between zero and the target."""
    if done < 0:
        raise ValidationFailed({field: ("error.progress_negative", {})})
    if done > target:
        raise ValidationFailed({field: ("error.progress_above_target", {"target": target})})


def share(done: float, target: float) -> float:
    """The part of a target that is done, from 0 to 1."""
    return 0.0 if target <= 0 else min(max(done / target, 0.0), 1.0)


@dataclass(frozen=True)
class Item:
    """A service item's target and what is done of it (from its claims' progress, never from the claims)."""

    target: float
    done: float

    @property
    def complete(self) -> bool:
        return self.target > 0 and self.done >= self.target


def rolled_up(items: Iterable[Item]) -> float | None:
    """The progress of a project or of a unit's claims: the items' done shares weighted by their targets;
    None when there is nothing to weigh."""
    items = list(items)
    total = sum(i.target for i in items if i.target > 0)
    if not total:
        return None
    return sum(share(i.done, i.target) * i.target for i in items if i.target > 0) / total


def claim_rate(listed: int, claimed: int) -> float | None:
    """认领率: claimed items / listed items (None when nothing is listed)."""
    return None if listed <= 0 else claimed / listed


def behind_schedule(done_share: float, start: date, end: date, today: date, tolerance: float = 0.1) -> bool:
    """True when less is done than the time elapsed in the item's period calls for (less a tolerance), or the
    period is over and the item is not complete."""
    if today > end:
        return done_share < 1.0  # its period is over and it is not complete
    if today <= start or end <= start:
        return False
    elapsed = min((today - start).days / (end - start).days, 1.0)
    return done_share + tolerance < elapsed


@dataclass(frozen=True)
class AgendaEntry:
    """One claim to go through at a progress meeting."""

    claim_id: int
    behind: bool
    last_update: date | None
    label: str = ""


def agenda(entries: Iterable[AgendaEntry], last_meeting: date | None) -> list[AgendaEntry]:
    """The generated agenda: items behind schedule first, then those with no update since the last meeting,
    then the rest; within each group the longest without an update first."""
    def group(entry: AgendaEntry) -> int:
        if entry.behind:
            return 0
        if entry.last_update is None or (last_meeting is not None and entry.last_update <= last_meeting):
            return 1
        return 2
    return sorted(entries, key=lambda e: (group(e), e.last_update or date.min, e.claim_id))


@dataclass(frozen=True)
class ActionItem:
    """A decision's task: who does what by when; done when closed."""

    id: int
    owner: str
    due: date | None
    done: bool = False


def check_action_item(owner: str | None, due: date | None, meeting_day: date) -> None:
    """An action item needs an owner; its due date, if any, is not before the meeting."""
    errors = {}
    if not (owner or "").strip():
        errors["owner"] = ("error.required", {})
    if due is not None and due < meeting_day:
        errors["due"] = ("error.due_before_meeting", {"day": meeting_day.isoformat()})
    if errors:
        raise ValidationFailed(errors)


def carried_over(items: Iterable[ActionItem]) -> list[ActionItem]:
    """The unfinished action items that go on the next meeting's agenda, the most overdue first."""
    return sorted((i for i in items if not i.done), key=lambda i: (i.due or date.max, i.id))
