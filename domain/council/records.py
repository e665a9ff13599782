"""Input rules of the resident council's records outside a meeting: councils, members, topics, a topic's
withdrawal, a decision's owner and due date, its public notice and its follow-up. Pure: no storage, no Streamlit.

Each clean_* returns the cleaned values or raises ValidationFailed {field: (message key, params)}, the fields
being the keys of the form's data. What needs the database (names already taken, the council's members and
opinion meetings, a matter found by its number) is looked up by the caller and passed in.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from domain.council.rules import TOPIC_SOURCES
from domain.errors import DomainError
from domain.fields import FormErrors, plain
from domain.settings import Settings

LIMITS = {"name": 60, "estate": 60, "member_name": 30, "title": 60, "topic_title": 100, "detail": 5000,
          "opinions": 5000, "matter_number": 40, "reason": 500, "owner": 60}
# a topic may be withdrawn until a vote passes it (a rejected topic may still be put aside)
WITHDRAWABLE = ("raised", "discussed", "rejected")
# a follow-up (a matter or a need) moves the topic of a passed decision on to "implementing", never back
BEFORE_IMPLEMENTING = ("raised", "discussed", "decided", "rejected")


class _Errors(FormErrors):
    """Errors of a council form: typed text (without control characters), dates, ids and yes/no flags."""

    LIMITS = LIMITS
    NOT_A_DATE, DATE_IN_FUTURE = "council_write.not_a_date", "council_write.date_in_future"


def clean_council(data: dict, settings: Settings, *, today: date, names_taken: Collection[str]) -> dict:
    """A council: community_id, name (unique in the community: `names_taken` are its other councils' names),
    kind (configured), estate (the estate a joint meeting serves), established_on (not in the future), active."""
    errors = _Errors()
    community_id = errors.ident(data, "community_id", required=True)
    name = errors.text(data, "name", required=True)
    if name and name in {plain(n) for n in names_taken}:
        errors.add("name", "council_error.name_taken")
    kind = errors.choice(data, "kind", {k.code for k in settings.council.kinds})
    values = {"community_id": community_id, "name": name, "kind": kind,
              "estate": errors.text(data, "estate", required=False) or None,
              "established_on": errors.day(data, "established_on", required=True, today=today),
              "active": errors.flag(data, "active", default=True)}
    errors.raise_if_any()
    return values


def clean_member(data: dict, settings: Settings, *, names_taken: Collection[str]) -> dict:
    """A council member: council_id, name (unique in the council: `names_taken` are the other members' names),
    seat (configured), title, term_start, term_end (not before the start), active, convener (active members
    only; the caller makes the council's other members non-conveners)."""
    errors = _Errors()
    council_id = errors.ident(data, "council_id", required=True)
    name = errors.text(data, "name", required=True, limit="member_name")
    if name and name in {plain(n) for n in names_taken}:
        errors.add("name", "council_error.name_taken")
    seat = errors.choice(data, "seat", {s.code for s in settings.council.seats})
    start = errors.day(data, "term_start", required=True)
    end = errors.day(data, "term_end", required=False)
    if start and end and end < start:
        errors.add("term_end", "council_error.term_order")
    active = errors.flag(data, "active", default=True)
    convener = errors.flag(data, "convener", default=False)
    if convener and not active:
        errors.add("convener", "council_write.convener_inactive")
    values = {"council_id": council_id, "name": name, "seat": seat,
              "title": errors.text(data, "title", required=False) or None,
              "term_start": start, "term_end": end, "active": active, "convener": convener}
    errors.raise_if_any()
    return values


def clean_topic(data: dict, *, today: date, matter_id: int | None = None, members: Collection[int] = (),
                opinion_meetings: Collection[int] = (), meeting_open: bool = False) -> dict:
    """A topic: council_id, title, detail, source (TOPIC_SOURCES) with its link, opinions, raised_on (not in the
    future; today when empty). The link the source calls for is required and only that one is kept:
    source "matter" -> matter_number, found by the caller as `matter_id` (a matter of the council's community);
    "member" -> member_id, one of `members` (the council's active members, plus the topic's stored one);
    "opinion" -> opinion_meeting_id, one of `opinion_meetings` (the council's opinion meetings).
    `opinions` (what residents said) are noted on the agenda of an opinion meeting in progress (`meeting_open`)
    only. Returns the topic's columns plus "opinions"."""
    errors = _Errors()
    council_id = errors.ident(data, "council_id", required=True)
    title = errors.text(data, "title", required=True, limit="topic_title")
    detail = errors.text(data, "detail", required=False)
    source = errors.choice(data, "source", TOPIC_SOURCES)
    number = member_id = meeting_id = None
    if source == "matter":
        number = errors.text(data, "matter_number", required=True)
        if number and "matter_number" not in errors and matter_id is None:
            errors.add("matter_number", "council_error.matter_not_found", number=number)
    elif source == "member":
        member_id = errors.ident(data, "member_id", required=True)
        if member_id is not None and member_id not in set(members):
            errors.add("member_id", "council_write.not_a_member")
    elif source == "opinion":
        meeting_id = errors.ident(data, "opinion_meeting_id", required=True)
        if meeting_id is not None and meeting_id not in set(opinion_meetings):
            errors.add("opinion_meeting_id", "council_write.not_opinion_meeting")
    opinions = errors.text(data, "opinions", required=False)
    if opinions and source == "opinion" and "opinion_meeting_id" not in errors and not meeting_open:
        errors.add("opinions", "council_write.opinions_not_open")
    raised_on = errors.day(data, "raised_on", required=False, today=today, recent=True) or today
    errors.raise_if_any()
    return {"council_id": council_id, "title": title, "detail": detail or None, "source": source,
            "matter_id": matter_id if source == "matter" else None, "member_id": member_id,
            "opinion_meeting_id": meeting_id, "raised_on": raised_on,
            "opinions": (opinions or None) if source == "opinion" else None}


def check_withdrawable(stage: str) -> None:
    """A topic may be withdrawn until a vote passes it (WITHDRAWABLE stages), and once."""
    if stage == "withdrawn":
        raise DomainError("council_write.already_withdrawn")
    if stage not in WITHDRAWABLE:
        raise DomainError("council_write.cannot_withdraw")


def clean_withdrawal(reason: object) -> str:
    """A topic is withdrawn with a reason (at least two characters)."""
    errors = _Errors()
    value = errors.text({"reason": reason}, "reason", required=True, minimum=2)
    errors.raise_if_any()
    return value


def clean_assignment(owner: object, due: object, *, decided_on: date) -> tuple[str, date]:
    """A passed decision's owner (责任人, required) and due date (完成时限: required, not before the meeting)."""
    errors = _Errors()
    name = errors.text({"owner": owner}, "owner", required=True)
    day = errors.day({"due": due}, "due", required=True)
    if day is not None and day < decided_on:
        errors.add("due", "error.due_before_meeting", day=decided_on.isoformat())
    errors.raise_if_any()
    return name, day


def clean_notice(start: object, end: object, *, decided_on: date) -> tuple[date, date]:
    """A decision's public-notice period (公示期): both dates; it starts on the decision's day or later and ends
    on its start day or later."""
    errors = _Errors()
    first = errors.day({"notice_start": start}, "notice_start", required=True)
    last = errors.day({"notice_end": end}, "notice_end", required=True)
    if first is not None and first < decided_on:
        errors.add("notice_start", "council_write.notice_before_decision", day=decided_on.isoformat())
    if first is not None and last is not None and last < first:
        errors.add("notice_end", "council_error.notice_order")
    errors.raise_if_any()
    return first, last


def stage_after_follow_up(stage: str) -> str:
    """A passed decision's topic is being implemented once its follow-up exists (a reviewed topic stays so)."""
    return "implementing" if stage in BEFORE_IMPLEMENTING else stage


def cut(text: str, most: int) -> str:
    """A text of at most `most` characters, cut with an ellipsis."""
    return text if len(text) <= most else text[:most - 1] + "…"
