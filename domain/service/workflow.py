"""The six steps of the 365 method as a state machine (分析民情 -> ... -> 动态考核 -> 销号)."""

from __future__ import annotations

from enum import IntEnum, StrEnum

from domain.errors import DomainError


class Step(IntEnum):
    ANALYSE = 1      # 分析民情
    LEDGER = 2       # 建立台账
    HANDLE = 3       # 及时办理
    FEEDBACK = 4     # 反馈结果
    EVALUATE = 5     # 群众评议
    ASSESS = 6       # 动态考核
    CLOSED = 7       # 销号


class Action(StrEnum):
    RECORD = "record"        # a matter is recorded (enters step 1)
    ANALYSE = "analyse"      # step 1: handler, supervisor, service mode
    REGISTER = "register"    # step 2: ledger number, deadline confirmed
    PROGRESS = "progress"    # step 3: a progress note, stays in step 3
    EXTEND = "extend"        # step 3: a deadline extension with a reason, stays in step 3
    COMPLETE = "complete"    # step 3: handling done, result recorded
    FEEDBACK = "feedback"    # step 4: result fed back to the resident
    EVALUATE = "evaluate"    # step 5: satisfied / basic / dissatisfied
    ASSESS = "assess"        # step 6: score and close (销号)


class Evaluation(StrEnum):
    SATISFIED = "satisfied"        # 满意
    BASIC = "basic"                # 基本满意
    DISSATISFIED = "dissatisfied"  # 不满意


ALLOWED: dict[Step, tuple[Action, ...]] = {
    Step.ANALYSE: (Action.ANALYSE,),
    Step.LEDGER: (Action.REGISTER,),
    Step.HANDLE: (Action.PROGRESS, Action.EXTEND, Action.COMPLETE),
    Step.FEEDBACK: (Action.FEEDBACK,),
    Step.EVALUATE: (Action.EVALUATE,),
    Step.ASSESS: (Action.ASSESS,),
    Step.CLOSED: (),
}

# The permission (config.yaml roles.*.can) each action needs.
PERMISSION: dict[Action, str] = {
    Action.RECORD: "matter.create",
    Action.EVALUATE: "matter.evaluate",
    Action.ASSESS: "matter.assess",
}


def permission_for(action: Action) -> str:
    return PERMISSION.get(action, "matter.advance")


def allowed_actions(step: Step) -> tuple[Action, ...]:
    return ALLOWED[Step(step)]


def next_step(step: Step, action: Action, evaluation: Evaluation | None = None) -> Step:
    """The step a matter moves to; raises DomainError if the method does not allow `action` now."""
    step, action = Step(step), Action(action)
    if action not in ALLOWED[step]:
        raise DomainError("workflow.not_allowed", action=action.value, step=int(step))
    if action in (Action.PROGRESS, Action.EXTEND):
        return Step.HANDLE
    if action is Action.EVALUATE:
        if evaluation is None:
            raise DomainError("workflow.evaluation_required")
        return Step.HANDLE if Evaluation(evaluation) is Evaluation.DISSATISFIED else Step.ASSESS
    return Step(step + 1)


def is_overdue(step: int, deadline, today) -> bool:
    """Past its deadline and not yet handled: a matter fed back, evaluated or closed is not overdue."""
    return step <= Step.HANDLE and deadline < today


def needs_escalation(reopen_count: int, threshold: int) -> bool:
    """Three (configurable) reopenings flag a matter for escalation to the level above (提级督办)."""
    return reopen_count >= threshold
