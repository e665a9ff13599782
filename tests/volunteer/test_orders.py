"""The order loop 点单→派单→接单→服务→签单→评单: each action allowed and refused, hours, flags, the link."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

import i18n
from domain.errors import DomainError, ValidationFailed
from domain.volunteer.orders import (
    ALLOWED,
    HOURS,
    Action,
    Rating,
    SignOff,
    Step,
    allowed_actions,
    check_link,
    clean_rating,
    clean_reason,
    clean_service,
    earns,
    flags_secretary,
    is_open,
    next_step,
    taken_late,
)

EXTRA = {Action.DECLINE: {"reason": "没空"}, Action.REDISPATCH: {"reason": "换人"},
         Action.CANCEL: {"reason": "不需要了"}, Action.SIGN_OFF: {"method": "phone"},
         Action.RATE: {"rating": "satisfied"}}
EXPECTED = {
    (Step.REQUESTED, Action.DISPATCH): Step.DISPATCHED,
    (Step.REQUESTED, Action.CANCEL): Step.CANCELLED,
    (Step.DISPATCHED, Action.TAKE): Step.TAKEN,
    (Step.DISPATCHED, Action.DECLINE): Step.REQUESTED,
    (Step.DISPATCHED, Action.REDISPATCH): Step.DISPATCHED,
    (Step.DISPATCHED, Action.CANCEL): Step.CANCELLED,
    (Step.TAKEN, Action.RECORD_SERVICE): Step.SERVED,
    (Step.TAKEN, Action.REDISPATCH): Step.DISPATCHED,
    (Step.TAKEN, Action.CANCEL): Step.CANCELLED,
    (Step.SERVED, Action.RECORD_SERVICE): Step.SERVED,
    (Step.SERVED, Action.SIGN_OFF): Step.SIGNED,
    (Step.SERVED, Action.REDISPATCH): Step.DISPATCHED,
    (Step.SERVED, Action.CANCEL): Step.CANCELLED,
    (Step.SIGNED, Action.RATE): Step.RATED,
}


def test_the_table_is_the_loop():
    assert {(s, a) for s, actions in ALLOWED.items() for a in actions} == set(EXPECTED)


@pytest.mark.parametrize(("step", "action"), sorted(EXPECTED))
def test_allowed(step, action):
    assert next_step(step, action, **EXTRA.get(action, {})) is EXPECTED[(step, action)]
    assert action in allowed_actions(step)


@pytest.mark.parametrize(("step", "action"), [(s, a) for s in Step for a in Action if (s, a) not in EXPECTED])
def test_refused(step, action):
    with pytest.raises(DomainError) as caught:
        next_step(step, action, **EXTRA.get(action, {}))
    assert not isinstance(caught.value, ValidationFailed)
    assert caught.value.key == f"volunteer_error.not_allowed.{step.name.lower()}"
    assert caught.value.key in i18n.strings("zh")


def test_the_happy_path_goes_from_request_to_rating():
    step = Step.REQUESTED
    for action in (Action.DISPATCH, Action.TAKE, Action.RECORD_SERVICE, Action.SIGN_OFF, Action.RATE):
        step = next_step(step, action, **EXTRA.get(action, {}))
    assert step is Step.RATED and earns(step) and not is_open(step)


def test_no_change_after_sign_off_and_only_signed_off_service_earns():
    for step in (Step.SIGNED, Step.RATED, Step.CANCELLED):
        for action in (Action.REDISPATCH, Action.CANCEL, Action.RECORD_SERVICE):
            with pytest.raises(DomainError):
                next_step(step, action, reason="x")
    assert [s for s in Step if earns(s)] == [Step.SIGNED, Step.RATED]
    assert [s for s in Step if is_open(s)] == [Step.REQUESTED, Step.DISPATCHED, Step.TAKEN, Step.SERVED]


@pytest.mark.parametrize("action", [Action.DECLINE, Action.REDISPATCH, Action.CANCEL])
@pytest.mark.parametrize("reason", [None, "", "   ", ["x"], "长" * 301])
def test_a_decline_redispatch_or_cancel_needs_a_reason(action, reason):
    with pytest.raises(ValidationFailed) as caught:
        next_step(Step.DISPATCHED, action, reason=reason)
    assert set(caught.value.errors) == {"reason"}


@pytest.mark.parametrize("method", [None, "", "signature", 1])
def test_sign_off_needs_a_known_method(method):
    with pytest.raises(ValidationFailed) as caught:
        next_step(Step.SERVED, Action.SIGN_OFF, method=method)
    assert set(caught.value.errors) == {"method"}
    for known in SignOff:
        assert next_step(Step.SERVED, Action.SIGN_OFF, method=known.value) is Step.SIGNED


def test_rating_needs_a_known_rating_and_dissatisfied_flags_the_secretary():
    with pytest.raises(ValidationFailed):
        next_step(Step.SIGNED, Action.RATE, rating="great")
    assert [r for r in Rating if flags_secretary(r)] == [Rating.DISSATISFIED]
    assert not flags_secretary(None)
    assert clean_rating({"rating": "dissatisfied", "comment": " 来晚了 "}) == {
        "rating": Rating.DISSATISFIED, "comment": "来晚了", "flagged": True}
    with pytest.raises(ValidationFailed) as caught:
        clean_rating({"comment": "x" * 1001})
    assert set(caught.value.errors) == {"rating", "comment"}


def test_unknown_step_or_action():
    with pytest.raises(DomainError, match="volunteer_error.unknown_step"):
        next_step(7, Action.TAKE)
    with pytest.raises(DomainError, match="volunteer_error.unknown_action"):
        next_step(Step.DISPATCHED, "fly")


def test_clean_reason():
    assert clean_reason({"reason": " 志愿者生病\x00 "}) == "志愿者生病"
    with pytest.raises(ValidationFailed):
        clean_reason({})


# --- hours ------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("hours", [0.1, 1, "2.5", 24])
def test_hours_within_bounds(hours):
    assert clean_service([{"volunteer_id": 3, "hours": hours}]) == {3: round(float(hours), 1)}


@pytest.mark.parametrize("hours", [0, -1, 0.05, 24.01, 25, None, "", "two", float("nan"), True, [1]])
def test_hours_out_of_bounds(hours):
    with pytest.raises(ValidationFailed) as caught:
        clean_service([{"volunteer_id": 3, "hours": 1}, {"volunteer_id": 4, "hours": hours}])
    assert set(caught.value.errors) == {"hours.2"}


def test_a_day_holds_at_most_24_hours_per_volunteer():
    assert clean_service([{"volunteer_id": 3, "hours": 4}], already={3: 20, 4: 23}) == {3: 4}
    with pytest.raises(ValidationFailed) as caught:
        clean_service([{"volunteer_id": 3, "hours": 4.5}, {"volunteer_id": 5, "hours": 24}], already={3: 20})
    assert caught.value.errors == {"hours.1": ("volunteer_error.day_over", {"max": 24, "already": "20"})}


def test_service_rows_need_volunteers_once_each():
    for rows in ([], None, "3", {"volunteer_id": 3}):
        with pytest.raises(ValidationFailed) as caught:
            clean_service(rows)
        assert set(caught.value.errors) == {"volunteers"}
    with pytest.raises(ValidationFailed) as caught:
        clean_service([{"volunteer_id": 3, "hours": 1}, {"volunteer_id": 3, "hours": 2},
                       {"volunteer_id": 0, "hours": 1}, "row"])
    assert set(caught.value.errors) == {"volunteer.2", "volunteer.3", "volunteer.4", "hours.4"}


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_any_accepted_hours_are_within_the_span(hours):
    try:
        served = clean_service([{"volunteer_id": 1, "hours": hours}])
    except ValidationFailed:
        return
    assert 0 < served[1] <= 24 and HOURS.holds(served[1])


# --- a late take, the sign-off link -----------------------------------------------------------------------------------

def test_taken_late():
    sent = datetime(2025, 5, 1, 9)
    assert not taken_late(sent, sent + timedelta(hours=24), sent + timedelta(days=9), 24)
    assert taken_late(sent, sent + timedelta(hours=24, minutes=1), sent + timedelta(days=9), 24)
    assert not taken_late(sent, None, sent + timedelta(hours=2), 4)
    assert taken_late(sent, None, sent + timedelta(hours=5), 4)


def test_a_sign_off_link_works_once_until_it_expires():
    now = datetime(2025, 5, 1, 9)
    check_link(now + timedelta(minutes=1), None, now)
    with pytest.raises(DomainError, match="link_used"):
        check_link(now + timedelta(minutes=1), now, now)
    with pytest.raises(DomainError, match="link_expired"):
        check_link(now, None, now)


def test_every_label_and_message_has_its_strings():
    zh = i18n.strings("zh")
    keys = [f"volunteer_step.{s.name.lower()}" for s in Step] + [f"volunteer_action.{a}" for a in Action]
    keys += [f"volunteer_sign_off.{m}" for m in SignOff] + [f"volunteer_rating.{r}" for r in Rating]
    keys += [HOURS.key, "volunteer_error.day_over", "volunteer_error.volunteer_twice"]
    assert [k for k in keys if k not in zh] == []
