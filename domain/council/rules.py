"""Rules of the resident council (居民议事会) and the estate joint meeting: whether a meeting has its quorum and
whether a vote passes, under the rule configured for the council's kind; and the input rules of a meeting's
writes from plan to close (clean_meeting_plan, clean_check_in, clean_minutes, clean_vote with tally_ballots and
decide, clean_review, topics_discussed). Pure: no storage, no Streamlit."""

from __future__ import annotations

import numbers
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from fractions import Fraction
from functools import partial

from domain.errors import ValidationFailed
from domain.fields import Span, as_number, form_date, form_text, is_id, shown, value_of

BASES = ("present", "members", "votes_cast")  # what a majority is a share of

# Codes stored in the council tables (labels: council.* keys of i18n/*/council*.yaml).
TOPIC_SOURCES = ("opinion", "matter", "member")  # gathered at an opinion meeting, a 365 matter, a member's proposal
TOPIC_STAGES = ("raised", "discussed", "decided", "implementing", "reviewed", "rejected", "withdrawn")
MEETING_STATUSES = ("planned", "open", "closed")
ATTENDANCE = ("present", "absent", "excused")  # observers (列席) are not members and are named apart
VOTE_METHODS = ("hands", "ballot", "named")  # 举手表决, 无记名投票, 记名投票 (named: one ballot per present member)
CHOICES = ("for", "against", "abstain")
DECISION_STATUSES = ("passed", "rejected", "invalid")  # invalid: taken without quorum (council.no_quorum: invalid)
OUTCOMES = ("carried_out", "partly", "not")  # 已落实, 部分落实, 未落实
RATINGS = ("satisfied", "basic", "unsatisfied")  # 满意, 基本满意, 不满意


@dataclass(frozen=True)
class Threshold:
    """A share that must be passed ("超过", strict) or reached ("不少于") by a count."""

    share: Fraction
    strict: bool = True

    def met(self, count: int, base: int) -> bool:
        return count > self.share * base if self.strict else count >= self.share * base


@dataclass(frozen=True)
class VotingRule:
    """How a council of one kind decides: the quorum of those entitled to attend and the majority of a base.

    `excused_expected`: whether members excused in advance (请假) still count among those expected.
    """

    quorum: Threshold = Threshold(Fraction(1, 2))
    majority: Threshold = Threshold(Fraction(1, 2))
    base: str = "present"
    excused_expected: bool = True


@dataclass(frozen=True)
class Quorum:
    expected: int
    present: int
    needed: int
    met: bool


@dataclass(frozen=True)
class Vote:
    base: int
    votes_for: int
    needed: int
    passed: bool


def quorum(rule: VotingRule, *, members: int, present: int, excused: int = 0) -> Quorum:
    """应到/实到: whether enough of those expected are present (observers are not members and never count)."""
    if min(members, present, excused) < 0 or present + excused > members:
        raise ValidationFailed({"attendance": ("council_error.attendance_counts", {"members": members})})
    expected = members if rule.excused_expected else members - excused
    return Quorum(expected=expected, present=present, needed=_needed(rule.quorum, expected),
                  met=expected > 0 and rule.quorum.met(present, expected))


def check_votes(*, votes_for: int, against: int, abstain: int, present: int) -> None:
    """Vote counts are whole, not negative, and add up to at most the members present."""
    errors = {}
    for field, value in (("votes_for", votes_for), ("against", against), ("abstain", abstain)):
        if value < 0:
            errors[field] = ("council_error.votes_negative", {})
    if not errors and votes_for + against + abstain > present:
        errors["votes_for"] = ("council_error.votes_above_present", {"present": present})
    if errors:
        raise ValidationFailed(errors)


def vote(rule: VotingRule, *, votes_for: int, against: int, abstain: int, present: int, members: int) -> Vote:
    """Whether a decision passes: the votes for against the configured base (present members, all members, or
    the votes cast, where abstentions do not count). A tie never passes a strict majority."""
    check_votes(votes_for=votes_for, against=against, abstain=abstain, present=present)
    base = {"present": present, "members": members, "votes_cast": votes_for + against}[rule.base]
    return Vote(base=base, votes_for=votes_for, needed=_needed(rule.majority, base),
                passed=base > 0 and rule.majority.met(votes_for, base))


def _needed(threshold: Threshold, base: int) -> int:
    """The smallest whole count that meets the threshold out of `base`."""
    count = int(threshold.share * base)
    while not threshold.met(count, base):
        count += 1
    while count > 0 and threshold.met(count - 1, base):
        count -= 1
    return count


# --- a council meeting from plan to close: the input rules of its writes (clean_*: cleaned values or raise) -----------

VOTE_KINDS = ("decision", "ad_hoc")  # meeting kinds at which a vote is taken
REVIEW_KINDS = ("review",)  # meeting kinds at which decisions are reviewed (述职评议); their agenda is decisions
DISCUSSION_KINDS = ("discussion", "decision", "ad_hoc")  # closing one moves a discussed topic raised -> discussed
CLOSED_TOPIC_STAGES = ("withdrawn", "reviewed")  # never put on an agenda again
DECIDED_TOPIC_STAGES = ("decided", "implementing", "reviewed")  # a passing vote was taken; no second vote
SECONDS = Span(0, 86_400, key="council_meeting_rule.seconds_negative")  # time added to an agenda item at once
VOTES = Span(0, 100_000, whole=True, key="council_meeting_rule.votes_whole")  # a vote count (and at most those present)
MEETING_LIMITS = {"place": 100, "recorder": 30, "observers": 200, "summary": 5000, "minutes": 5000, "text": 2000,
                  "owner": 60, "reporter": 60, "report": 5000, "reason": 2000}


def active_on(active: bool, term_start: date, term_end: date | None, day: date) -> bool:
    """A member is expected at a meeting on `day` when active and within their term (term_end inclusive)."""
    return bool(active) and term_start <= day and (term_end is None or term_end >= day)


_text = partial(form_text, limits=MEETING_LIMITS)


def as_id(value) -> int | None:
    """A row id from a form or a table: a whole number from 1 to MAX_ID (any integer type, or its digits), else
    None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, numbers.Integral):
        value = int(value)
    elif isinstance(value, str) and re.fullmatch(r"[0-9]{1,10}", value.strip()):
        value = int(value.strip())
    return value if is_id(value) else None


def form_ids(values) -> list[int]:
    """The well-formed ids of a list from a form, each once, in order (what the caller looks up)."""
    return _ids({}, "", values)


def _ids(errors: dict, field: str, values) -> list[int]:
    """An ordered list of distinct ids (a repeated id is kept once, where it first appears); a value that is no list
    of ids is the field's error."""
    result: list[int] = []
    if values is None:
        return result
    if not isinstance(values, list | tuple):
        errors.setdefault(field, ("council_meeting_rule.unknown_item", {}))
        return result
    for value in values:
        number = as_id(value)
        if number is None:
            errors.setdefault(field, ("council_meeting_rule.unknown_item", {}))
            continue
        if number not in result:
            result.append(number)
    return result


def _time(errors: dict, value) -> time | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.time().replace(tzinfo=None)
    if isinstance(value, time):
        return value.replace(tzinfo=None)
    if not isinstance(value, str):
        errors["start_time"] = ("council_meeting_rule.bad_time", {})
        return None
    try:
        return time.fromisoformat(value.strip()).replace(tzinfo=None)
    except ValueError:
        errors["start_time"] = ("council_meeting_rule.bad_time", {})
        return None


def clean_meeting_plan(data: dict, *, kinds: Mapping[str, str], today: date, current_day: date | None = None,
                       chair_ok: bool | None, topic_stages: Mapping[int, str],
                       passed_decisions: Collection[int]) -> dict:
    """Validate the planning form of a council meeting.

    `kinds`: the configured meeting kinds, code -> label (the label names the kinds in a message). `current_day`:
    the day of the planned meeting being changed (None when creating): the day may not be in the past, unless it
    is left as it was. `chair_ok`: whether the chosen chair is a member of the council active on the day (None
    when no chair was chosen). `topic_stages`: id -> stage of the requested topics that belong to the council;
    `passed_decisions`: the requested decision ids that are passed decisions of the council.

    A review meeting's agenda is decisions (decision_ids), every other kind's is topics (topic_ids); the other
    list must be empty. Returns kind, day, start_time, place, chair_id, recorder, observers, topic_ids,
    decision_ids (the ids in the order given, each once).
    """
    errors: dict[str, tuple[str, dict]] = {}
    kind = value_of(data, "kind") or None
    if not kind:
        errors["kind"] = ("error.required", {})
    elif not isinstance(kind, str) or kind not in kinds:
        errors["kind"] = ("error.unknown_choice", {"value": shown(kind)})
    day = form_date(value_of(data, "day"))
    if day is None:
        errors["day"] = ("error.required", {})
    elif day < today and day != current_day:
        errors["day"] = ("council_error.day_in_past", {})
    start_time = _time(errors, value_of(data, "start_time"))
    place = _text(errors, data, "place")
    recorder = _text(errors, data, "recorder")
    observers = _text(errors, data, "observers")
    chair = value_of(data, "chair_id")
    chair_id = as_id(chair)
    if chair not in (None, "") and (chair_id is None or not chair_ok):
        errors["chair_id"] = ("council_meeting_rule.chair_not_member", {})
    topic_ids = _ids(errors, "topic_ids", value_of(data, "topic_ids"))
    decision_ids = _ids(errors, "decision_ids", value_of(data, "decision_ids"))
    review = kind in REVIEW_KINDS
    if review and topic_ids:
        errors.setdefault("topic_ids", ("council_error.wrong_meeting_kind", {"kinds": _labels(kinds, exclude=True)}))
    elif any(t not in topic_stages or topic_stages[t] in CLOSED_TOPIC_STAGES for t in topic_ids):
        errors.setdefault("topic_ids", ("council_meeting_rule.topic_not_available", {}))
    if decision_ids and kind and not review:
        errors.setdefault("decision_ids", ("council_error.wrong_meeting_kind", {"kinds": _labels(kinds)}))
    elif any(d not in passed_decisions for d in decision_ids):
        errors.setdefault("decision_ids", ("council_meeting_rule.decision_not_available", {}))
    if errors:
        raise ValidationFailed(errors)
    return {"kind": kind, "day": day, "start_time": start_time, "place": place, "chair_id": chair_id,
            "recorder": recorder, "observers": observers, "topic_ids": topic_ids, "decision_ids": decision_ids}


def _labels(kinds: Mapping[str, str], codes: Collection[str] = REVIEW_KINDS, *, exclude: bool = False) -> str:
    """The labels of the meeting kinds in `codes` (or of all others), joined for a message."""
    return "、".join(label for code, label in kinds.items() if (code in codes) != exclude)


def kind_words(kinds: Mapping[str, str], codes: Collection[str]) -> str:
    """The labels of the configured meeting kinds in `codes`, joined: the {kinds} of wrong_meeting_kind."""
    return _labels(kinds, codes)


def clean_check_in(rows: Iterable[dict], *, expected: Collection[int]) -> dict[int, str]:
    """The check-in form (member_id, status per row) of an open meeting: every member is one expected there (has
    an attendance row) and the status is one of ATTENDANCE. Errors on "attendance". Returns member_id -> status
    (a member given twice: the last row counts)."""
    cleaned: dict[int, str] = {}
    if not isinstance(rows, list | tuple):
        raise ValidationFailed({"attendance": ("error.not_a_form", {})})
    for row in rows:
        member = as_id(value_of(row, "member_id"))
        if member is None or member not in expected:
            raise ValidationFailed({"attendance": ("council_meeting_rule.not_expected", {})})
        status = row.get("status")
        if not isinstance(status, str) or status not in ATTENDANCE:
            raise ValidationFailed({"attendance": ("error.unknown_choice", {"value": shown(status)})})
        cleaned[member] = status
    return cleaned


def clean_minutes(minutes: str | None, seconds) -> tuple[str | None, int]:
    """What was said on an agenda item (plain text; empty or None: none) and the seconds to add (whole, not
    negative). Returns (minutes, seconds to add)."""
    errors: dict[str, tuple[str, dict]] = {}
    text = _text(errors, {"minutes": minutes}, "minutes")
    add = 0
    if seconds is not None:
        number = None if isinstance(seconds, str) else as_number(seconds)  # a timer's number, never text
        if number is None or not SECONDS.holds(number):
            errors["seconds"] = (SECONDS.key, {"min": SECONDS.low, "max": SECONDS.high})
        else:
            add = int(number)
    if errors:
        raise ValidationFailed(errors)
    return text, add


def clean_summary(summary: str | None) -> str | None:
    """The summary a meeting closes with (optional)."""
    errors: dict[str, tuple[str, dict]] = {}
    text = _text(errors, {"summary": summary}, "summary")
    if errors:
        raise ValidationFailed(errors)
    return text


def tally_ballots(ballots: Mapping | None, *, present_ids: Collection[int],
                  names: Mapping[int, str]) -> tuple[int, int, int, dict[int, str]]:
    """The counts of a named vote (记名投票) from its ballots {member_id: choice}: each voter a member checked in
    as present, each choice one of CHOICES. Errors on "ballots" (the first voter who is not present is named).
    Returns (votes_for, against, abstain, {member_id: choice})."""
    if not ballots:
        raise ValidationFailed({"ballots": ("error.required", {})})
    if not isinstance(ballots, Mapping):
        raise ValidationFailed({"ballots": ("error.not_a_form", {})})
    cleaned: dict[int, str] = {}
    for key, choice in ballots.items():
        member = as_id(key)
        if member is None or member not in present_ids:
            name = names.get(member) if member is not None else None
            raise ValidationFailed({"ballots": ("council_error.voter_not_present", {"name": name or shown(key)})})
        if not isinstance(choice, str) or choice not in CHOICES:
            raise ValidationFailed({"ballots": ("error.unknown_choice", {"value": shown(choice)})})
        cleaned[member] = choice
    counts = [sum(1 for c in cleaned.values() if c == choice) for choice in CHOICES]
    return counts[0], counts[1], counts[2], cleaned


@dataclass(frozen=True)
class Decided:
    """The result of a vote at a meeting: its quorum, the majority check, and the decision status."""

    quorum: Quorum
    vote: Vote
    status: str  # passed, rejected, invalid


def decide(rule: VotingRule, *, no_quorum: str, members: int, present: int, excused: int, votes_for: int,
           against: int, abstain: int, words: Callable[[Quorum], str] | None = None) -> Decided:
    """The status of a vote at a meeting with `members` expected (attendance rows), `present` checked in and
    `excused` excused: "invalid" without quorum (never passed), else "passed" or "rejected" by the majority.

    Without quorum and no_quorum == "refuse" the vote is refused on "attendance" (council_error.no_quorum with
    {words}: `words(quorum)`, e.g. i18n.council_words.quorum_words). Impossible counts are refused on their
    fields (check_votes); both kinds of error are reported together."""
    q = quorum(rule, members=members, present=present, excused=excused)
    errors: dict[str, tuple[str, dict]] = {}
    if not q.met and no_quorum == "refuse":
        errors["attendance"] = ("council_error.no_quorum", {"words": words(q) if words else ""})
    try:
        result = vote(rule, votes_for=votes_for, against=against, abstain=abstain, present=present, members=members)
    except ValidationFailed as err:
        errors = err.errors | errors
        result = None
    if errors:
        raise ValidationFailed(errors)
    status = "invalid" if not q.met else "passed" if result.passed else "rejected"
    return Decided(quorum=q, vote=result, status=status)


def stage_after_vote(status: str) -> str:
    """A topic's stage after a vote on it: decided when it passed, else rejected (it may be voted again)."""
    return "decided" if status == "passed" else "rejected"


@dataclass(frozen=True)
class VoteRecord:
    """A vote as it is recorded: the decided result and the cleaned fields of the decision."""

    decided: Decided
    text: str
    method: str
    votes_for: int
    against: int
    abstain: int
    ballots: dict[int, str]
    owner: str | None
    due: date | None
    notice_start: date | None
    notice_end: date | None

    @property
    def status(self) -> str:
        return self.decided.status


def _count(errors: dict, data: dict, field: str) -> int:
    """A vote count: a whole number (or its digits) within VOTES; negative counts are check_votes' to refuse."""
    value = value_of(data, field)
    if value is None or value == "":
        errors.setdefault(field, ("error.required", {}))
        return 0
    number = as_number(value)
    if number is None or number != int(number) or number > VOTES.high:
        errors.setdefault(field, (VOTES.key, {"min": VOTES.low, "max": VOTES.high}))
        return 0
    return int(number)


def clean_vote(data: dict, *, rule: VotingRule, no_quorum: str, members: int, present_ids: Collection[int],
               excused: int, names: Mapping[int, str], meeting_day: date, notice_days: int,
               words: Callable[[Quorum], str] | None = None) -> VoteRecord:
    """Validate a vote at an open meeting and decide it (decide): text and method required; counts whole and not
    negative, at most those present; a named vote's counts come from its ballots (tally_ballots), the counts
    given are ignored. A passed decision needs an owner and a due date not before the meeting day; its notice
    runs from notice_start (default the meeting day; not before it) to notice_end (default start + notice_days)
    and may not end before it starts. A decision that did not pass keeps no owner, due date or notice. All errors are
    reported together."""
    errors: dict[str, tuple[str, dict]] = {}
    text = _text(errors, data, "text", required=True)
    method = value_of(data, "method") or None
    if not method:
        errors["method"] = ("error.required", {})
    elif not isinstance(method, str) or method not in VOTE_METHODS:
        errors["method"] = ("error.unknown_choice", {"value": shown(method)})
        method = None
    ballots: dict[int, str] = {}
    counts = None
    if method == "named":
        try:
            *counts, ballots = tally_ballots(value_of(data, "ballots"), present_ids=present_ids, names=names)
        except ValidationFailed as err:
            errors.update(err.errors)
    elif method is not None:
        counts = [_count(errors, data, f) for f in ("votes_for", "against", "abstain")]
    decided = None
    if counts is not None and not ({"votes_for", "against", "abstain"} & set(errors)):
        try:
            decided = decide(rule, no_quorum=no_quorum, members=members, present=len(present_ids), excused=excused,
                             votes_for=counts[0], against=counts[1], abstain=counts[2], words=words)
        except ValidationFailed as err:
            errors.update(err.errors)
    owner = due = start = end = None
    if decided is not None and decided.status == "passed":
        owner = _text(errors, data, "owner", required=True)
        due = form_date(value_of(data, "due"))
        if due is None:
            errors["due"] = ("error.required", {})
        elif due < meeting_day:
            errors["due"] = ("error.due_before_meeting", {"day": meeting_day.isoformat()})
        start = form_date(value_of(data, "notice_start")) or meeting_day
        end = form_date(value_of(data, "notice_end")) or start + timedelta(days=notice_days)
        if start < meeting_day:  # as set_notice (domain.council.records.clean_notice)
            errors["notice_start"] = ("council_write.notice_before_decision", {"day": meeting_day.isoformat()})
        elif end < start:
            errors["notice_end"] = ("council_error.notice_order", {})
    if errors:
        raise ValidationFailed(errors)
    return VoteRecord(decided=decided, text=text, method=method, votes_for=counts[0], against=counts[1],
                      abstain=counts[2], ballots=ballots, owner=owner, due=due, notice_start=start, notice_end=end)


def clean_review(data: dict, *, decision_ok: bool, present_ids: Collection[int], names: Mapping[int, str]) -> dict:
    """Validate a report on a decision at a review meeting (述职评议): `decision_ok` says whether decision_id is a
    passed decision of the meeting's council (else council_error.review_no_decision); reporter and report
    required; outcome one of OUTCOMES; a reason unless carried out; ratings {member_id: rating} only from members
    checked in as present, each one of RATINGS. Returns decision_id, reporter, report, outcome, reason,
    ratings."""
    errors: dict[str, tuple[str, dict]] = {}
    decision_id = as_id(value_of(data, "decision_id"))
    if decision_id is None and value_of(data, "decision_id") in (None, ""):
        errors["decision_id"] = ("error.required", {})
    elif decision_id is None or not decision_ok:
        errors["decision_id"] = ("council_error.review_no_decision", {})
    reporter = _text(errors, data, "reporter", required=True)
    report = _text(errors, data, "report", required=True)
    outcome = value_of(data, "outcome") or None
    if not outcome:
        errors["outcome"] = ("error.required", {})
    elif not isinstance(outcome, str) or outcome not in OUTCOMES:
        errors["outcome"] = ("error.unknown_choice", {"value": shown(outcome)})
    reason = _text(errors, data, "reason", required=outcome != "carried_out")
    ratings: dict[int, str] = {}
    given = value_of(data, "ratings") or {}
    if not isinstance(given, Mapping):
        errors.setdefault("ratings", ("error.not_a_form", {}))
        given = {}
    for key, rating in given.items():
        member = as_id(key)
        if member is None or member not in present_ids:
            name = names.get(member) if member is not None else None
            errors.setdefault("ratings", ("council_error.rater_not_present", {"name": name or shown(key)}))
            continue
        if not isinstance(rating, str) or rating not in RATINGS:
            errors.setdefault("ratings", ("error.unknown_choice", {"value": shown(rating)}))
            continue
        ratings[member] = rating
    if errors:
        raise ValidationFailed(errors)
    return {"decision_id": decision_id, "reporter": reporter, "report": report, "outcome": outcome,
            "reason": reason, "ratings": ratings}


def topics_discussed(kind: str, items: Iterable[tuple[int | None, bool, str | None]]) -> list[int]:
    """The topics whose stage moves raised -> discussed when a meeting of `kind` closes: those of its agenda
    items (topic_id, discussed, topic stage) that were discussed, at a discussion, decision or ad hoc meeting."""
    if kind not in DISCUSSION_KINDS:
        return []
    moved: list[int] = []
    for topic_id, discussed, stage in items:
        if topic_id is not None and discussed and stage == "raised" and topic_id not in moved:
            moved.append(topic_id)
    return moved
