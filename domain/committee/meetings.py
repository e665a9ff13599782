"""Rules of the joint committee's meetings beyond domain.committee.rules: which units count on a day, the meeting form,
the outcome form, the attendance form, the generated agenda with its sections, the meeting's number in its year
and the attendance summary. Pure: no storage, no Streamlit."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import partial

from domain.committee.rules import (
    MEETING_KINDS,
    ActionItem,
    AgendaEntry,
    agenda,
    behind_schedule,
    carried_over,
    check_action_item,
    share,
)
from domain.errors import ValidationFailed
from domain.fields import Span, as_number, form_date, form_text, is_id, shown, text_of, value_of

OUTCOME_KINDS = ("decision", "action")
MAIN_SECTIONS = ("carried", "behind")  # what a progress meeting goes through; the other sections are listed beside
LIMITS = {"place": 100, "text": 2000, "owner": 60, "attendee": 60, "note": 2000, "summary": 5000}
SECONDS = Span(0, 86_400, key="meeting_error.seconds_negative")  # the time spent on an agenda entry (a day at most)


def active_on(joined_on: date | None, left_on: date | None, day: date) -> bool:
    """A member unit counts on `day` when it had joined by then and had not left (it leaves on left_on)."""
    return (joined_on is None or joined_on <= day) and (left_on is None or left_on > day)


_text = partial(form_text, limits=LIMITS)


def clean_meeting(data: dict, *, today: date, chair_ok: bool | None) -> dict:
    """Validate the meeting form. `chair_ok` says whether the chosen chair unit is an active member unit of the
    community with a representative (None when no chair was chosen). A progress meeting needs a chair; the
    annual meeting may have none. Returns kind, day, place, chair_unit_id."""
    errors: dict[str, tuple[str, dict]] = {}
    kind = value_of(data, "kind") or None
    if not kind:
        errors["kind"] = ("error.required", {})
    elif not isinstance(kind, str) or kind not in MEETING_KINDS:
        errors["kind"] = ("error.unknown_choice", {"value": shown(kind)})
    day = form_date(value_of(data, "day"))
    if day is None:
        errors["day"] = ("error.required", {})
    elif day < today:
        errors["day"] = ("meeting_error.day_in_past", {"today": today.isoformat()})
    place = _text(errors, data, "place")
    chair = value_of(data, "chair_unit_id") or None
    if chair is None:
        if kind == "progress":
            errors["chair_unit_id"] = ("error.required", {})
    elif not is_id(chair) or not chair_ok:
        errors["chair_unit_id"] = ("meeting_error.chair_not_representative", {})
    if errors:
        raise ValidationFailed(errors)
    return {"kind": kind, "day": day, "place": place, "chair_unit_id": chair}


def clean_outcome(data: dict, *, meeting_day: date, owner_unit_ok: bool | None) -> dict:
    """Validate a decision (text only) or an action item (text, an owner, a due date not before the meeting).
    `owner_unit_ok` says whether the chosen owner unit belongs to the community (None when none was chosen).
    Returns kind, text, owner, owner_unit_id, due (owner fields None for a decision)."""
    errors: dict[str, tuple[str, dict]] = {}
    kind = value_of(data, "kind") or "action"
    if not isinstance(kind, str) or kind not in OUTCOME_KINDS:
        errors["kind"] = ("error.unknown_choice", {"value": shown(kind)})
    text = _text(errors, data, "text", required=True)
    if kind != "action":
        if errors:
            raise ValidationFailed(errors)
        return {"kind": kind, "text": text, "owner": None, "owner_unit_id": None, "due": None}
    owner = _text(errors, data, "owner")
    due = form_date(value_of(data, "due"))
    if value_of(data, "due") not in (None, "") and due is None:
        errors["due"] = ("error.required", {})
    try:
        check_action_item(owner, due, meeting_day)
    except ValidationFailed as err:
        for field, message in err.errors.items():
            errors.setdefault(field, message)
    unit = value_of(data, "owner_unit_id") or None
    if unit is not None and (not is_id(unit) or not owner_unit_ok):
        errors["owner_unit_id"] = ("meeting_error.unknown_unit", {})
    if errors:
        raise ValidationFailed(errors)
    return {"kind": kind, "text": text, "owner": owner, "owner_unit_id": unit, "due": due}


def clean_agenda_mark(discussed: object, seconds: object, note: object) -> dict:
    """What chair mode records on an agenda entry: discussed (yes/no), the seconds spent (SECONDS), a note (plain
    text, "" clears it); each None leaves it unchanged. Returns the given ones."""
    errors: dict[str, tuple[str, dict]] = {}
    values: dict = {}
    if discussed is not None:
        if isinstance(discussed, bool):
            values["discussed"] = discussed
        else:
            errors["discussed"] = ("error.unknown_choice", {"value": shown(discussed)})
    if seconds is not None:
        number = None if isinstance(seconds, str) else as_number(seconds)  # a timer's number, never text
        if number is None or not SECONDS.holds(number):
            errors["seconds"] = (SECONDS.key, {"min": SECONDS.low, "max": SECONDS.high})
        else:
            values["seconds"] = int(number)
    if note is not None:
        text = form_text(errors, {"note": note}, "note", limits=LIMITS)
        if "note" not in errors:
            values["note"] = text or ""
    if errors:
        raise ValidationFailed(errors)
    return values


def clean_attendance(rows: Iterable[dict], unit_ids: Iterable[int]) -> list[dict]:
    """Validate the attendance form (unit_id, present, attendee per row) against the meeting's units.
    Errors are reported on the field "attendance"."""
    known = set(unit_ids)
    cleaned = []
    if not isinstance(rows, list | tuple):
        raise ValidationFailed({"attendance": ("error.not_a_form", {})})
    for row in rows:
        if not is_id(value_of(row, "unit_id")) or row["unit_id"] not in known:
            raise ValidationFailed({"attendance": ("meeting_error.unknown_unit", {})})
        attendee = text_of(row.get("attendee"))
        present = row.get("present")
        if attendee is None or present not in (None, True, False):  # a table's flag may be 0/1 or numpy's
            raise ValidationFailed({"attendance": ("error.not_a_form", {})})
        attendee = attendee or None
        if attendee and len(attendee) > LIMITS["attendee"]:
            raise ValidationFailed({"attendance": ("error.too_long", {"max": LIMITS["attendee"],
                                                                      "length": len(attendee)})})
        cleaned.append({"unit_id": row["unit_id"], "present": bool(present), "attendee": attendee})
    return cleaned


@dataclass(frozen=True)
class ClaimFacts:
    """What the agenda needs of an active claim: its own progress, its item's, the item's period."""

    claim_id: int
    done: float
    pledge: float
    item_done: float
    item_target: float
    start: date
    end: date
    last_update: date | None


def meeting_agenda(carried: Iterable[ActionItem], claims: Iterable[ClaimFacts], *, today: date,
                   last_meeting: date | None, tolerance: float) -> list[tuple[str, str, int]]:
    """The agenda generated when a meeting opens, as (section, "action"|"claim", id) in order: the unfinished
    action items of earlier meetings (carried, most overdue first), then the claims in domain.committee.rules.agenda
    order: behind schedule, no update since the last meeting (stale), the rest. A claim is behind when its item
    is not complete and the claim's own share (done of its pledge) trails the time elapsed; a claim that is
    complete (its pledge or its item) has nothing left to report and goes last in the rest."""
    result = [("carried", "action", i.id) for i in carried_over(carried)]
    open_entries, complete = [], []
    for c in claims:
        if (c.item_target > 0 and c.item_done >= c.item_target) or (c.pledge > 0 and c.done >= c.pledge):
            complete.append(c)
            continue
        behind = behind_schedule(share(c.done, c.pledge), c.start, c.end, today, tolerance)
        open_entries.append(AgendaEntry(c.claim_id, behind, c.last_update))
    for entry in agenda(open_entries, last_meeting):
        if entry.behind:
            section = "behind"
        elif entry.last_update is None or (last_meeting is not None and entry.last_update < last_meeting):
            section = "stale"
        else:
            section = "rest"
        result.append((section, "claim", entry.claim_id))
    for c in sorted(complete, key=lambda c: (c.last_update or date.min, c.claim_id)):
        result.append(("rest", "claim", c.claim_id))
    return result


def on_agenda(section: str) -> bool:
    """Whether an entry of the generated agenda is one the meeting goes through (an open action item carried over, a
    claim behind schedule) rather than one listed beside it for the chair to open (no update lately, the rest). The
    order of the agenda is kept in both parts."""
    return section in MAIN_SECTIONS


def numbered(meetings: Iterable[tuple[int, str, date]]) -> dict[int, int]:
    """The number (第N次) of each progress meeting: its place among the community's progress meetings of the
    same year by day (then id). `meetings` are (id, kind, day) of one community; other kinds get no number."""
    counts: dict[int, int] = {}
    numbers = {}
    for meeting_id, kind, day in sorted(meetings, key=lambda m: (m[2], m[0])):
        if kind != "progress":
            continue
        counts[day.year] = counts.get(day.year, 0) + 1
        numbers[meeting_id] = counts[day.year]
    return numbers


def attendance_summary(rows: Iterable[tuple[str, bool, str | None]], with_attendee: str = "{unit}（{attendee}）"
                       ) -> tuple[list[str], list[str]]:
    """(present, absent) lists of unit names from (unit, present, attendee) rows; a present unit shows who came
    for it with the `with_attendee` pattern."""
    present, absent = [], []
    for unit, here, attendee in rows:
        if here:
            present.append(with_attendee.format(unit=unit, attendee=attendee) if attendee else unit)
        else:
            absent.append(unit)
    return present, absent
