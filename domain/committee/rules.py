"""Rules of the joint party committee (联合党委): the rotating chair, progress and its roll-up, the generated
agenda of a progress meeting, and the action items that carry over. Pure: no storage, no Streamlit."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from domain.access import Actor, can
from domain.errors import PermissionDenied, ValidationFailed
from domain.fields import PHONE, FormErrors, Span, is_id, shown, text_of, value_of
from domain.settings import Settings

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
    """A progress figure is between zero and the target (of a claim: what the unit pledged)."""
    if done < 0:
        raise ValidationFailed({field: ("error.progress_negative", {})})
    if done > target:
        raise ValidationFailed({field: ("error.progress_above_target", {"target": figure(target)})})


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
        if entry.last_update is None or (last_meeting is not None and entry.last_update < last_meeting):
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


# --- input rules of the committee's forms (clean_*: return cleaned values or raise ValidationFailed) -----------------

REPRESENTATIVE_ROLE = "unitrep"
# the ranges of the committee's numbers (the widgets read them too): a unit's party members, and a quantity (an item's
# target, a claim's pledge, what is done: a rule checks it against the target or pledge as well), a percentage
PARTY_MEMBERS = Span(0, 100_000, whole=True, key="committee_error.party_members")
QUANTITY = Span(0, 1_000_000)
PERCENT = Span(0, 100, key="committee_error.percent_range")
AMOUNT = Span(-QUANTITY.high, QUANTITY.high)  # what is done, before check_progress says why a negative one is refused
LIMITS = {"name": 60, "party_org": 60, "liaison": 30, "liaison_phone": 20, "volunteer_team": 60, "speciality": 200,
          "commitments": 2000, "title": 100, "detail": 2000, "unit": 10, "frequency": 30, "beneficiaries": 200,
          "note": 1000, "reason": 300, "project_name": 100, "item_name": 100}


class _Errors(FormErrors):
    """Errors of a committee form."""

    LIMITS = LIMITS


def clean_unit(data: dict, settings: Settings, *, today: date, names_taken: Collection[str],
               representatives: Collection[int], represented: Collection[int],
               current_representative: int | None = None) -> dict:
    """Validate a member unit's form. `names_taken`: the names of the community's other units;
    `representatives`: the user ids holding the unitrep role in the community; `represented`: those already
    representing another active unit (refused while this unit is active too); `current_representative`: the
    stored one (kept even if no longer listed)."""
    errors = _Errors()
    community_id = errors.ident(data, "community_id", required=True)
    name = errors.text(data, "name", required=True)
    if name and name in {n.strip() for n in names_taken}:
        errors.add("name", "committee_error.unit_name_taken", name=name)
    kind = errors.choice(data, "kind", {k.code for k in settings.committee.unit_kinds})
    phone = text_of(value_of(data, "liaison_phone"))
    phone = None if phone is None else phone.replace(" ", "")
    if phone is None or (phone and not PHONE.match(phone)):
        errors.add("liaison_phone", "error.bad_phone")
    members = errors.number(data, "party_members", required=False, span=PARTY_MEMBERS) or 0
    joined_on = errors.day(data, "joined_on", required=True)
    left_on = errors.day(data, "left_on", required=False)
    if joined_on and left_on and left_on < joined_on:
        errors.add("left_on", "committee_error.left_before_joined", joined=joined_on.isoformat())
    representative = errors.ident(data, "representative_id", required=False)
    if representative is not None and representative != current_representative \
            and representative not in set(representatives):
        errors.add("representative_id", "committee_error.not_a_representative")
    elif representative is not None and representative in set(represented) and unit_active(left_on, today):
        errors.add("representative_id", "committee_error.represents_another_unit")
    values = {"community_id": community_id, "name": name, "kind": kind,
              "party_org": errors.text(data, "party_org", required=False) or None,
              "liaison": errors.text(data, "liaison", required=False) or None,
              "liaison_phone": phone or None, "party_members": members,
              "volunteer_team": errors.text(data, "volunteer_team", required=False) or None,
              "speciality": errors.text(data, "speciality", required=False) or None,
              "representative_id": representative, "joined_on": joined_on, "left_on": left_on}
    errors.raise_if_any()
    return values


def unit_active(left_on: date | None, today: date) -> bool:
    """A member unit is active until the day it left."""
    return left_on is None or left_on > today


def clean_rotation(order: Sequence[int], active: Collection[int]) -> list[int]:
    """The agreed order of the rotating chair: distinct active member units of the community."""
    if order is None:
        order = []
    if not isinstance(order, list | tuple) or not all(is_id(unit) for unit in order):
        raise ValidationFailed({"order": ("committee_error.rotation_not_member", {})})
    order = list(order)
    if len(set(order)) != len(order):
        raise ValidationFailed({"order": ("committee_error.rotation_repeats", {})})
    if set(order) - set(active):
        raise ValidationFailed({"order": ("committee_error.rotation_not_member", {})})
    return order


def clean_agreement(data: dict, *, today: date, exists: bool = False) -> dict:
    """Validate a co-building agreement; `exists`: the unit already has another agreement for that year."""
    errors = _Errors()
    unit_id = errors.ident(data, "unit_id", required=True)
    year = errors.year(data)
    if year is not None and exists:
        errors.add("year", "committee_error.agreement_exists", year=year)
    status = errors.choice(data, "status", AGREEMENT_STATUSES)
    signed_on = errors.day(data, "signed_on", required=False, today=today)
    if status == "signed" and signed_on is None and "signed_on" not in errors:
        errors.add("signed_on", "committee_error.signed_on_required")
    commitments = errors.text(data, "commitments", required=False)
    errors.raise_if_any()
    return {"unit_id": unit_id, "year": year, "status": status, "signed_on": signed_on, "commitments": commitments}


def clean_need(data: dict, *, today: date) -> dict:
    """Validate an entry of the needs list (whether its matter or project is of the community is checked by
    the caller)."""
    errors = _Errors()
    community_id = errors.ident(data, "community_id", required=True)
    title = errors.text(data, "title", required=True)
    source = value_of(data, "source") or "entered"
    if not isinstance(source, str) or source not in NEED_SOURCES:
        errors.add("source", "error.unknown_choice", value=shown(source))
    matter_id = errors.ident(data, "matter_id", required=source == "matter")
    council_decision_id = errors.ident(data, "council_decision_id", required=source == "council")
    project_id = errors.ident(data, "project_id", required=False)
    raised_on = errors.day(data, "raised_on", required=False, today=today, recent=True) or today
    detail = errors.text(data, "detail", required=False)
    errors.raise_if_any()
    return {"community_id": community_id, "title": title, "detail": detail or None, "source": source,
            "matter_id": matter_id, "council_decision_id": council_decision_id, "project_id": project_id,
            "raised_on": raised_on}


def need_title(description: str) -> str:
    """A need's title from a resident matter's description: its first line, at most 100 characters."""
    line = " ".join((description or "").split())
    most = LIMITS["title"]
    return line if len(line) <= most else line[:most - 1] + "…"


def clean_resource(data: dict, settings: Settings) -> dict:
    """Validate an entry of the resources list."""
    errors = _Errors()
    values = {"unit_id": errors.ident(data, "unit_id", required=True),
              "kind": errors.choice(data, "kind", {k.code for k in settings.committee.resource_kinds}),
              "title": errors.text(data, "title", required=True)}
    values["detail"] = errors.text(data, "detail", required=False) or None
    errors.raise_if_any()
    return values


def clean_project(data: dict) -> dict:
    """Validate a project of the projects list."""
    errors = _Errors()
    values = {"community_id": errors.ident(data, "community_id", required=True), "year": errors.year(data),
              "name": errors.text(data, "name", required=True, limit="project_name"),
              "detail": errors.text(data, "detail", required=False) or None,
              "need_id": errors.ident(data, "need_id", required=False)}
    errors.raise_if_any()
    return values


def clean_item(data: dict, *, done: float = 0.0) -> dict:
    """Validate a service item; `done` is what is already done of it (a target may not drop below it)."""
    errors = _Errors()
    project_id = errors.ident(data, "project_id", required=True)
    name = errors.text(data, "name", required=True, limit="item_name")
    target = errors.number(data, "target", required=True, span=QUANTITY)
    if target is not None and target <= 0:
        errors.add("target", "committee_error.target_positive")
    elif target is not None and target < done:
        errors.add("target", "committee_error.target_below_done", done=figure(done))
    start = errors.day(data, "period_start", required=True)
    end = errors.day(data, "period_end", required=True)
    if start and end and end < start:
        errors.add("period_end", "committee_error.period_end_before_start", start=start.isoformat())
    values = {"project_id": project_id, "name": name, "target": target,
              "unit": errors.text(data, "unit", required=True),
              "frequency": errors.text(data, "frequency", required=False) or None,
              "period_start": start, "period_end": end,
              "beneficiaries": errors.text(data, "beneficiaries", required=False) or None}
    errors.raise_if_any()
    return values


@dataclass(frozen=True)
class Pledge:
    """An active claim on a service item: which unit, its name, what it pledged and has done."""

    unit_id: int
    unit_name: str
    pledge: float
    done: float = 0.0


def check_claim(*, exclusive: bool, unit_id: int, unit_active: bool, target: float, done: float,
                active_claims: Iterable[Pledge], pledge: float | None = None) -> float:
    """Whether a unit may claim a service item; returns the pledge (by default the whole target when claims are
    exclusive, or what is left of it when they are shared)."""
    claims = list(active_claims)
    if not unit_active:
        raise ValidationFailed({"unit_id": ("committee_error.unit_left", {})})
    if target > 0 and done >= target:
        raise ValidationFailed({"item_id": ("committee_error.item_complete", {})})
    if any(c.unit_id == unit_id for c in claims):
        raise ValidationFailed({"item_id": ("committee_error.already_claimed", {})})
    others = [c for c in claims if c.unit_id != unit_id]
    if exclusive and others:
        raise ValidationFailed({"item_id": ("committee_error.item_taken", {"unit": others[0].unit_name})})
    withdrawn_done = max(done - sum(min(c.done, c.pledge) for c in claims), 0.0)  # work of withdrawn claims stays
    left = target - sum(c.pledge for c in others) - withdrawn_done
    if left <= 0:
        raise ValidationFailed({"item_id": ("committee_error.item_fully_pledged", {})})
    if pledge is None:
        return left
    if exclusive and pledge != left:  # one unit answers for the whole (rest of the) target
        raise ValidationFailed({"pledge": ("committee_error.pledge_exclusive", {"left": figure(left)})})
    errors = _Errors()
    value = errors.number({"pledge": pledge}, "pledge", required=True, span=QUANTITY)
    if value is not None and value <= 0:
        errors.add("pledge", "committee_error.pledge_positive")
    elif value is not None and value > left:
        errors.add("pledge", "committee_error.pledge_above_left", left=figure(left))
    errors.raise_if_any()
    return value


def clean_progress(data: dict, *, pledge: float, claimed_on: date, today: date, max_file_mb: float) -> dict:
    """Validate a progress update on a claim: the cumulative quantity done (or a percentage of the pledge), its
    date, a note and an optional file. Returns on, done, note, file_name, file_type, file_data."""
    errors = _Errors()
    done = errors.number(data, "done", required=False, span=AMOUNT)
    if done is None and "done" not in errors:
        percent = errors.number(data, "percent", required=False, span=PERCENT)
        if percent is None and "percent" not in errors:
            errors.add("done", "error.required")
        elif percent is not None:
            done = min(max(round(pledge * percent / 100, 6), 0.0), pledge)
    if done is not None:
        try:
            check_progress(done, pledge, "done")
        except ValidationFailed as err:
            errors.update(err.errors)
    on = errors.day(data, "on", required=False, today=today, recent=True) or today
    if "on" not in errors and on < claimed_on:
        errors.add("on", "committee_error.before_claim", day=claimed_on.isoformat())
    note = errors.text(data, "note", required=False)
    file_data = value_of(data, "file_data") or None
    file_name = text_of(value_of(data, "file_name"))
    file_type = text_of(value_of(data, "file_type"))
    if file_name is None or file_type is None:
        errors.add("file_data", "committee_error.not_a_file")
    file_name, file_type = file_name or "", file_type or ""
    if file_data is not None:
        if not isinstance(file_data, (bytes, bytearray, memoryview)):
            errors.add("file_data", "committee_error.not_a_file")
        elif len(file_data) > max_file_mb * 1024 * 1024:
            errors.add("file_data", "committee_error.file_too_large", max=figure(max_file_mb),
                       size=figure(round(len(file_data) / 1024 / 1024, 1)))
        if not file_name:
            file_name = "file"
    errors.raise_if_any()
    return {"on": on, "done": done, "note": note or None, "file_name": _short_name(file_name) if file_data else None,
            "file_type": (file_type[:80] or None) if file_data else None,
            "file_data": bytes(file_data) if file_data else None}


def clean_withdrawal(reason: str | None) -> str:
    """A claim is withdrawn with a reason."""
    errors = _Errors()
    value = errors.text({"reason": reason}, "reason", required=True, minimum=2)
    errors.raise_if_any()
    return value


def _short_name(name: str, most: int = 120) -> str:
    """A file name cut to the column's length, keeping its extension."""
    if len(name) <= most:
        return name
    stem, dot, ext = name.rpartition(".")
    if dot and len(ext) < 20:
        return stem[:most - len(ext) - 1] + "." + ext
    return name[:most]


def figure(value: float) -> str:
    """A quantity as people write it: 12 rather than 12.0."""
    return f"{value:g}" if value != int(value) else str(int(value))
