"""Input rules for a resident matter and each step's form. Pure: return errors, never touch storage."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from domain.errors import ValidationFailed
from domain.fields import PHONE, Errors, Span, shown, text_of, value_of
from domain.personal import normalise_id_number, valid_id_number
from domain.service.workflow import Action, Evaluation
from domain.settings import Settings

LIMITS = {"reporter_name": 30, "description": 1000, "handler": 30, "supervisor": 30, "note": 500,
          "ledger_no": 40, "reason": 500, "result": 1000, "content": 1000, "comment": 500}
MIN_DESCRIPTION = 5
SCORE = Span(0, 100, key="error.score_range")  # the assessment's score (the matter page's widget reads it too)


class _Errors(Errors):
    """Errors of a matter's forms."""

    LIMITS = LIMITS


def clean_matter(data: dict, settings: Settings, grid_ids: set[int], now: datetime) -> dict:
    """Validate a new matter; `grid_ids` are the grids of the chosen community. Returns cleaned values."""
    errors = _Errors()
    channel = errors.choice(data, "channel", {c.code for c in settings.channels})
    if channel is not None:
        errors.choice(data, "sub_source", {s.code for s in settings.channel(channel).sub_sources})
    community_id = errors.ident(data, "community_id", required=True)
    grid_id = errors.ident(data, "grid_id", required=True)
    if community_id is not None and grid_id is not None and grid_id not in grid_ids:
        errors.add("grid_id", "error.grid_outside_community")
    anonymous = errors.flag(data, "anonymous", default=False)
    name = "" if anonymous else errors.text(data, "reporter_name", required=False)
    phone = "" if anonymous else text_of(value_of(data, "reporter_phone"))
    if phone is None or (phone and not PHONE.match(phone.replace(" ", ""))):
        errors.add("reporter_phone", "error.bad_phone")
    phone = (phone or "").replace(" ", "")
    id_number = "" if anonymous else text_of(value_of(data, "reporter_id_number"))
    if id_number is None:
        errors.add("reporter_id_number", "error.bad_id_number")
    id_number = normalise_id_number(id_number or "")
    if id_number and not valid_id_number(id_number):
        errors.add("reporter_id_number", "error.bad_id_number")
    description = errors.text(data, "description", required=True, minimum=MIN_DESCRIPTION)
    errors.choice(data, "category", {c.code for c in settings.categories})
    errors.choice(data, "urgency", {u.code for u in settings.urgencies})
    errors.choice(data, "mode", {m.code for m in settings.modes})
    registered_at = value_of(data, "registered_at") or now
    earliest = now - timedelta(days=settings.register_back_days)
    if not isinstance(registered_at, datetime) or registered_at.tzinfo is None:
        errors.add("registered_at", "error.not_a_date")
    elif registered_at > now:
        errors.add("registered_at", "error.in_future")
    elif registered_at < earliest:
        errors.add("registered_at", "error.registered_too_early", days=settings.register_back_days,
                   earliest=earliest.date().isoformat())
    errors.raise_if_any()
    return {
        "channel": channel, "sub_source": data["sub_source"], "community_id": community_id,
        "grid_id": grid_id, "anonymous": anonymous, "reporter_name": name or None,
        "reporter_phone": phone or None, "reporter_id_number": id_number or None, "description": description,
        "category": data["category"],
        "urgency": data["urgency"], "mode": data["mode"], "registered_at": registered_at.replace(microsecond=0),
    }


def clean_action(value: object) -> Action:
    """The workflow action a form asks for; anything else (empty, unknown, not text) is refused on "action"."""
    try:
        return Action(value)
    except ValueError:
        raise ValidationFailed({"action": ("error.unknown_choice", {"value": shown(value)})}) from None


def clean_step(action: Action, data: dict, settings: Settings, *, registered_at: datetime,
               deadline: date | None, today: date | None = None, extensions: int = 0) -> dict:
    """Validate one step's form for `action`; returns the cleaned values.

    `deadline` is the matter's current deadline, `today` the local date of the action, `extensions` how many
    extensions the matter has had.
    """
    errors = _Errors()
    out: dict = {}
    if action is Action.ANALYSE:
        out["handler"] = errors.text(data, "handler", required=True)
        out["supervisor"] = errors.text(data, "supervisor", required=True)
        out["mode"] = errors.choice(data, "mode", {m.code for m in settings.modes})
        out["note"] = errors.text(data, "note", required=False)
    elif action is Action.REGISTER:
        out["ledger_no"] = errors.text(data, "ledger_no", required=True)
        out["deadline"] = _deadline(errors, data, "deadline", registered_at.date())
        if out["deadline"] and deadline and out["deadline"] > deadline:
            errors.add("deadline", "error.deadline_beyond_rule", limit=deadline.isoformat())
    elif action is Action.PROGRESS:
        out["note"] = errors.text(data, "note", required=True, minimum=2)
    elif action is Action.EXTEND:
        out["reason"] = errors.text(data, "reason", required=True, minimum=2)
        new = _deadline(errors, data, "deadline", registered_at.date())
        if extensions >= settings.max_extensions:
            errors.add("deadline", "error.too_many_extensions", max=settings.max_extensions)
        elif today and deadline and today > deadline:
            errors.add("deadline", "error.extension_after_deadline", deadline=deadline.isoformat())
        elif new and deadline and new <= deadline:
            errors.add("deadline", "error.extension_not_later", current=deadline.isoformat())
        elif new and deadline:
            added = settings.calendar.working_days_between(deadline, new)
            if added > settings.max_extension_days:
                errors.add("deadline", "error.extension_too_long", max=settings.max_extension_days, days=added)
        out["deadline"] = new
    elif action is Action.COMPLETE:
        out["result"] = errors.text(data, "result", required=True, minimum=2)
    elif action is Action.FEEDBACK:
        out["content"] = errors.text(data, "content", required=True, minimum=2)
        out["method"] = errors.choice(data, "method", {m.code for m in settings.feedback_methods})
    elif action is Action.EVALUATE:
        evaluation = errors.choice(data, "evaluation", {e.value for e in Evaluation})
        out["evaluation"] = evaluation
        out["comment"] = errors.text(data, "comment", required=evaluation == Evaluation.DISSATISFIED)
    elif action is Action.ASSESS:
        out["score"] = errors.number(data, "score", required=True, span=SCORE)
        out["note"] = errors.text(data, "note", required=False)
    errors.raise_if_any()
    return out


def _deadline(errors: Errors, data: dict, field: str, registered: date) -> date | None:
    value = errors.day(data, field, required=True)
    if value is not None and value < registered:
        errors.add(field, "error.deadline_before_registration", registered=registered.isoformat())
    return value
