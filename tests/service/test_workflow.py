"""The six-step state machine: every allowed transition, and every refused one."""

import pytest

from domain.errors import DomainError
from domain.service.workflow import (
    ALLOWED,
    Action,
    Evaluation,
    Step,
    allowed_actions,
    needs_escalation,
    next_step,
    permission_for,
)

FORWARD = [
    (Step.ANALYSE, Action.ANALYSE, None, Step.LEDGER),
    (Step.LEDGER, Action.REGISTER, None, Step.HANDLE),
    (Step.HANDLE, Action.PROGRESS, None, Step.HANDLE),
    (Step.HANDLE, Action.EXTEND, None, Step.HANDLE),
    (Step.HANDLE, Action.COMPLETE, None, Step.FEEDBACK),
    (Step.FEEDBACK, Action.FEEDBACK, None, Step.EVALUATE),
    (Step.EVALUATE, Action.EVALUATE, Evaluation.SATISFIED, Step.ASSESS),
    (Step.EVALUATE, Action.EVALUATE, Evaluation.BASIC, Step.ASSESS),
    (Step.EVALUATE, Action.EVALUATE, Evaluation.DISSATISFIED, Step.HANDLE),
    (Step.ASSESS, Action.ASSESS, None, Step.CLOSED),
]


@pytest.mark.parametrize(("step", "action", "evaluation", "expected"), FORWARD)
def test_allowed_transitions(step, action, evaluation, expected):
    assert next_step(step, action, evaluation) is expected


REFUSED = [(step, action) for step in Step for action in Action
           if action not in ALLOWED[step]]


@pytest.mark.parametrize(("step", "action"), REFUSED)
def test_refused_transitions_name_the_step_and_action(step, action):
    with pytest.raises(DomainError) as err:
        next_step(step, action, Evaluation.SATISFIED)
    assert err.value.key == "workflow.not_allowed"
    assert err.value.params == {"action": action.value, "step": int(step)}


def test_skipping_a_step_is_refused():
    with pytest.raises(DomainError):
        next_step(Step.ANALYSE, Action.COMPLETE)
    with pytest.raises(DomainError):
        next_step(Step.FEEDBACK, Action.EVALUATE, Evaluation.SATISFIED)


def test_evaluation_before_feedback_is_refused():
    with pytest.raises(DomainError):
        next_step(Step.HANDLE, Action.EVALUATE, Evaluation.SATISFIED)


def test_evaluation_needs_a_verdict():
    with pytest.raises(DomainError) as err:
        next_step(Step.EVALUATE, Action.EVALUATE, None)
    assert err.value.key == "workflow.evaluation_required"


def test_a_closed_matter_allows_nothing():
    assert allowed_actions(Step.CLOSED) == ()


def test_every_open_step_offers_something():
    assert all(allowed_actions(step) for step in Step if step is not Step.CLOSED)


def test_escalation_at_the_threshold():
    assert not needs_escalation(2, 3)
    assert needs_escalation(3, 3)
    assert needs_escalation(4, 3)


def test_evaluation_and_assessment_need_their_own_permission():
    assert permission_for(Action.EVALUATE) == "matter.evaluate"
    assert permission_for(Action.ASSESS) == "matter.assess"
    assert permission_for(Action.RECORD) == "matter.create"
    assert {permission_for(a) for a in (Action.ANALYSE, Action.REGISTER, Action.PROGRESS, Action.EXTEND,
                                        Action.COMPLETE, Action.FEEDBACK)} == {"matter.advance"}
