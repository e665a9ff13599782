"""The order loop of volunteer service as a state machine: a resident's request (点单) is dispatched (派单), taken
(接单), served (服务), signed off by the person served (签单) and rated (评单). Before sign-off an order may be
re-dispatched or cancelled with a reason; after sign-off it is a true record and nothing changes it but the rating.
Also the checks of the hours each volunteer served, the rating's flag for the secretary, a late take and the
one-time sign-off link. Pure: no storage, no Streamlit."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from enum import IntEnum, StrEnum

from domain.errors import DomainError, ValidationFailed
from domain.fields import PHONE, FormErrors, Span, in_reach, is_id, shown, text_of, value_of


class Step(IntEnum):
    """Where an order stands; the loop's steps in their order (a decline sends it back to REQUESTED: awaiting
    dispatch)."""

    REQUESTED = 1    # 点单: recorded, waiting to be dispatched
    DISPATCHED = 2   # 派单: dispatched to a team or a volunteer, waiting to be taken
    TAKEN = 3        # 接单
    SERVED = 4       # 服务: who served and their hours recorded
    SIGNED = 5       # 签单: signed off by the person served; only now does the service earn
    RATED = 6        # 评单
    CANCELLED = 9    # 取消 (with a reason, before sign-off)

    @property
    def code(self) -> str:
        return self.name.lower()


class Action(StrEnum):
    DISPATCH = "dispatch"              # 派单
    TAKE = "take"                      # 接单
    DECLINE = "decline"                # 拒单, with a reason: back to dispatch
    RECORD_SERVICE = "record_service"  # 服务: the volunteers and their hours (again, to correct, before sign-off)
    SIGN_OFF = "sign_off"              # 签单, with how
    RATE = "rate"                      # 评单, with the rating
    REDISPATCH = "redispatch"          # 改派, with a reason
    CANCEL = "cancel"                  # 取消, with a reason


class SignOff(StrEnum):
    """How the person served signed the order off."""

    IN_PERSON = "in_person"  # 在场签字
    PHONE = "phone"          # 电话确认
    LINK = "link"            # the one-time sign-off link (QR code) opened on the resident's phone


class Rating(StrEnum):
    SATISFIED = "satisfied"        # 满意
    BASIC = "basic"                # 基本满意
    DISSATISFIED = "dissatisfied"  # 不满意: flags the order for the secretary


BEFORE_SIGN_OFF = (Step.REQUESTED, Step.DISPATCHED, Step.TAKEN, Step.SERVED)
OPEN = BEFORE_SIGN_OFF  # an order that still needs work (a volunteer holding one is not free)

ALLOWED: dict[Step, tuple[Action, ...]] = {
    Step.REQUESTED: (Action.DISPATCH, Action.CANCEL),
    Step.DISPATCHED: (Action.TAKE, Action.DECLINE, Action.REDISPATCH, Action.CANCEL),
    Step.TAKEN: (Action.RECORD_SERVICE, Action.REDISPATCH, Action.CANCEL),
    Step.SERVED: (Action.RECORD_SERVICE, Action.SIGN_OFF, Action.REDISPATCH, Action.CANCEL),
    Step.SIGNED: (Action.RATE,),
    Step.RATED: (),
    Step.CANCELLED: (),
}

TARGET: dict[Action, Step] = {
    Action.DISPATCH: Step.DISPATCHED,
    Action.TAKE: Step.TAKEN,
    Action.DECLINE: Step.REQUESTED,
    Action.RECORD_SERVICE: Step.SERVED,
    Action.SIGN_OFF: Step.SIGNED,
    Action.RATE: Step.RATED,
    Action.REDISPATCH: Step.DISPATCHED,
    Action.CANCEL: Step.CANCELLED,
}

NEEDS_REASON = (Action.DECLINE, Action.REDISPATCH, Action.CANCEL)
LIMITS = {"reason": 300, "comment": 1000, "title": 100, "detail": 2000, "place": 100, "recipient_name": 30}
# the hours one volunteer served on one day: more than nothing, at most a day (the widget reads the Span too)
HOURS = Span(0.1, 24, key="volunteer_error.hours_range")
DAY_HOURS = 24


class _Errors(FormErrors):
    """Errors of a volunteer order's form (the shared messages of numbers and dates)."""

    LIMITS = LIMITS
    NOT_A_NUMBER = "error.not_a_number"
    NOT_A_DATE, DATE_IN_FUTURE = "error.not_a_date", "error.date_in_future"


def allowed_actions(step: Step) -> tuple[Action, ...]:
    return ALLOWED[Step(step)]


def _step(value: object) -> Step:
    try:
        return Step(value)
    except ValueError:
        raise DomainError("volunteer_error.unknown_step", value=shown(value)) from None


def next_step(step: Step, action: Action | str, *, reason: object = None, method: object = None,
              rating: object = None) -> Step:
    """The step an order moves to by `action`. Raises DomainError (volunteer_error.not_allowed.<step>) when the loop
    does not allow the action now, and ValidationFailed when the action's reason (decline, re-dispatch, cancel), its
    sign-off method or its rating is missing or unknown."""
    step = _step(step)
    try:
        action = Action(action)
    except ValueError:
        raise DomainError("volunteer_error.unknown_action", value=shown(action)) from None
    if action not in ALLOWED[step]:
        raise DomainError(f"volunteer_error.not_allowed.{step.code}", order_step=step.code, order_action=action.value)
    errors = _Errors()
    if action in NEEDS_REASON:
        errors.text({"reason": reason}, "reason", required=True)
    elif action is Action.SIGN_OFF:
        errors.choice({"method": method}, "method", [m.value for m in SignOff])
    elif action is Action.RATE:
        errors.choice({"rating": rating}, "rating", [r.value for r in Rating])
    errors.raise_if_any()
    return TARGET[action]


def is_open(step: Step) -> bool:
    """Still to be served and signed off (neither signed, rated nor cancelled)."""
    return Step(step) in OPEN


def earns(step: Step) -> bool:
    """Only signed-off service earns hours and points."""
    return Step(step) in (Step.SIGNED, Step.RATED)


def flags_secretary(rating: Rating | str | None) -> bool:
    """不满意 flags the order for the secretary."""
    return rating == Rating.DISSATISFIED


def clean_rating(data: object) -> dict:
    """A rating's form: the rating (required) and a comment (optional, within LIMITS)."""
    errors = _Errors()
    rating = errors.choice(data, "rating", [r.value for r in Rating])
    comment = errors.text(data, "comment", required=False)
    errors.raise_if_any()
    return {"rating": Rating(rating), "comment": comment, "flagged": flags_secretary(rating)}


def clean_service(rows: object, already: Mapping[int, float] | None = None) -> dict[int, float]:
    """The volunteers who served an order and the hours of each: volunteer id -> hours, each within HOURS (more
    than nothing, at most 24), in tenths of an hour. `already`: the hours each volunteer has recorded on other
    orders of the same day; with them no volunteer passes DAY_HOURS. Errors by field: "volunteers" when nobody is
    given, "volunteer.<n>" and "hours.<n>" for the n-th row (from 1)."""
    errors = _Errors()
    if not isinstance(rows, Iterable) or isinstance(rows, str | bytes | Mapping):
        raise ValidationFailed({"volunteers": ("error.required", {})})
    served: dict[int, float] = {}
    already = already or {}
    rows = list(rows)
    if not rows:
        errors.add("volunteers", "error.required")
    for number, row in enumerate(rows, 1):
        volunteer = value_of(row, "volunteer_id")
        if not is_id(volunteer):
            errors.add(f"volunteer.{number}", "error.unknown_choice", value=shown(volunteer))
            volunteer = None
        elif volunteer in served:
            errors.add(f"volunteer.{number}", "volunteer_error.volunteer_twice")
            volunteer = None
        field = f"hours.{number}"
        hours = errors.number({field: value_of(row, "hours")}, field, required=True, span=HOURS)
        if hours is not None and volunteer is not None:
            hours = round(hours, 1)
            if hours + already.get(volunteer, 0) > DAY_HOURS:
                errors.add(field, "volunteer_error.day_over", max=DAY_HOURS,
                           already=f"{round(already.get(volunteer, 0), 1):g}")  # 20, 20.5: not 20.0
            served[volunteer] = hours
    errors.raise_if_any()
    return served


def clean_reason(data: object) -> str:
    """The reason of a decline, a re-dispatch or a cancellation: required plain text within LIMITS."""
    errors = _Errors()
    reason = errors.text(data, "reason", required=True)
    errors.raise_if_any()
    return reason


def taken_late(dispatched_at: datetime, taken_at: datetime | None, now: datetime, within_hours: int) -> bool:
    """An order not taken within `within_hours` (volunteer.take_within_hours) of its dispatch: taken after that,
    or still not taken by `now`."""
    return (taken_at or now) - dispatched_at > timedelta(hours=within_hours)


def check_link(expires_at: datetime, used_at: datetime | None, now: datetime) -> None:
    """A one-time sign-off link works once and until it expires."""
    if used_at is not None:
        raise DomainError("volunteer_error.link_used")
    if now >= expires_at:
        raise DomainError("volunteer_error.link_expired")



def _moment(errors: _Errors, data: object, field: str, *, required: bool) -> datetime | None:
    """A date and time (timezone-aware) within the reach of a date field."""
    value = value_of(data, field)
    if value is None or value == "":
        if required:
            errors.add(field, "error.required")
        return None
    if not isinstance(value, datetime) or value.tzinfo is None:
        errors.add(field, "error.not_a_date")
        return None
    if not in_reach(value.date()):
        errors.add(field, "error.not_a_date")
        return None
    return value


def clean_request(data: object, *, kinds: Iterable[str], now: datetime) -> dict:
    """A resident's request (点单) as staff record it: the service kind, what is wanted, more detail, the place, when
    it is wanted (not more than a day in the past), who is to be served and their phone (optional)."""
    errors = _Errors()
    kind = errors.choice(data, "service_kind", tuple(kinds))
    title = errors.text(data, "title", required=True)
    detail = errors.text(data, "detail", required=False)
    place = errors.text(data, "place", required=True)
    wanted_at = _moment(errors, data, "wanted_at", required=True)
    if wanted_at is not None and wanted_at < now - timedelta(days=1):
        errors.add("wanted_at", "volunteer_error.wanted_in_past")
    recipient = errors.text(data, "recipient_name", required=True)
    phone = (text_of(value_of(data, "recipient_phone")) or "").replace(" ", "")
    if phone and not PHONE.match(phone):
        errors.add("recipient_phone", "error.bad_phone")
    errors.raise_if_any()
    return {"service_kind": kind, "title": title, "detail": detail or None, "place": place, "wanted_at": wanted_at,
            "recipient_name": recipient, "recipient_phone": phone or None}


def clean_dispatch(data: object, *, teams: Iterable[int], volunteers: Iterable[int], now: datetime) -> dict:
    """A dispatch (派单): to a team, to a volunteer, or to a volunteer of a team (at least one of them, each one of
    those offered), with a due time after now. A re-dispatch carries its reason too."""
    errors = _Errors()
    team_id = errors.ident(data, "team_id", required=False)
    volunteer_id = errors.ident(data, "volunteer_id", required=False)
    if team_id is None and volunteer_id is None and "team_id" not in errors and "volunteer_id" not in errors:
        errors.add("team_id", "volunteer_error.dispatch_to_whom")
    if team_id is not None and team_id not in set(teams):
        errors.add("team_id", "error.unknown_choice", value=shown(team_id))
    if volunteer_id is not None and volunteer_id not in set(volunteers):
        errors.add("volunteer_id", "error.unknown_choice", value=shown(volunteer_id))
    due_at = _moment(errors, data, "due_at", required=True)
    if due_at is not None and due_at <= now:
        errors.add("due_at", "volunteer_error.due_in_past")
    errors.raise_if_any()
    return {"team_id": team_id, "volunteer_id": volunteer_id, "due_at": due_at}

