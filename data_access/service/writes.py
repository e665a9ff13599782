"""Write functions of the 365 workflow: permission, rules, the row, its timeline and audit in one transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, select
from sqlmodel import Session

from data_access import audit, clock
from data_access.db import transaction
from data_access.models import Grid, Matter, MatterEvent
from data_access.service import tally
from domain.access import Actor, require, scope
from domain.errors import DomainError, ValidationFailed
from domain.fields import form, is_id
from domain.service.matters import clean_action, clean_matter, clean_step
from domain.service.workflow import Action, Evaluation, Step, needs_escalation, next_step, permission_for
from domain.settings import Settings


def compute_deadline(settings: Settings, registered_at: datetime, category: str, urgency: str):
    """The deadline (a local date) from config.yaml: working days by category and urgency."""
    days = settings.deadline_days(category, urgency)
    return settings.calendar.add_working_days(clock.local(registered_at).date(), days)


def create_matter(engine: Engine, *, actor: Actor, settings: Settings, data: dict,
                  now: datetime | None = None) -> Matter:
    """Record a new matter at step 1 (分析民情); returns it with its number."""
    now = now or clock.now()
    with transaction(engine) as session:
        matter = add_matter(session, actor=actor, settings=settings, data=data, now=now)
    return matter


def add_matter(session: Session, *, actor: Actor, settings: Settings, data: dict, now: datetime) -> Matter:
    """create_matter inside the caller's transaction (a council decision's follow-up opens its matter with the
    decision's update): permission, the intake rules, the number, the first timeline entry, the tally and audit."""
    data = form(data)
    community_id = data.get("community_id") if is_id(data.get("community_id")) else None
    if community_id:  # refused before any check that would tell about another community's grids
        require(actor, permission_for(Action.RECORD), community_id)
    grid_ids = set(session.execute(select(Grid.id).where(Grid.community_id == community_id)).scalars()) \
        if community_id else set()
    values = clean_matter(data, settings, grid_ids, now)
    require(actor, permission_for(Action.RECORD), values["community_id"], values["grid_id"])
    deadline = compute_deadline(settings, values["registered_at"], values["category"], values["urgency"])
    matter = Matter(**values, deadline=deadline, step=Step.ANALYSE, created_by=actor.id, updated_at=now)
    session.add(matter)
    session.flush()
    matter.number = f"{settings.number_prefix}{clock.local(matter.registered_at):%Y%m%d}{matter.id:07d}"
    session.add(MatterEvent(matter_id=matter.id, at=now, actor_id=actor.id, actor_name=actor.display_name,
                            action=Action.RECORD, step_from=None, step_to=Step.ANALYSE,
                            note=values["description"][:200]))
    after = audit.snapshot(matter)
    tally.record_change(session, community_id=matter.community_id, registered_at=matter.registered_at,
                        before=None, after=after)
    audit.record(session, actor=actor, action="matter.create", entity="matter", entity_id=matter.id,
                 community_id=matter.community_id, at=now, after=after)
    return matter


def advance_matter(engine: Engine, *, actor: Actor, settings: Settings, matter_id: int, action: Action | str,
                   data: dict, now: datetime | None = None, expected_step: int | None = None) -> Matter:
    """Apply one step's form to a matter. Refuses what the method does not allow, with a message key.

    `expected_step` is the step the user saw; if someone else moved the matter meanwhile, nothing is written.
    """
    now = now or clock.now()
    action, data = clean_action(action), form(data)
    with transaction(engine) as session:
        matter = session.execute(select(Matter).where(Matter.id == matter_id).with_for_update()).scalars().first() \
            if is_id(matter_id) else None
        if matter is None or not scope(actor, "matter.read").allows(matter.community_id, matter.grid_id):
            raise DomainError("error.not_found")  # another community's matter is not found, as in reads
        require(actor, permission_for(action), matter.community_id, matter.grid_id)
        if expected_step is not None and matter.step != expected_step:
            raise DomainError("workflow.changed_meanwhile")
        step_from = Step(matter.step)
        values = clean_step(action, data, settings, registered_at=clock.local(matter.registered_at),
                            deadline=matter.deadline, today=clock.local(now).date(),
                            extensions=matter.extension_count)
        before = audit.snapshot(matter)
        step_to = next_step(step_from, action, values.get("evaluation"))
        note = _apply(session, matter, action, values, settings, now)
        matter.step = step_to
        matter.updated_at = now
        session.add(MatterEvent(matter_id=matter.id, at=now, actor_id=actor.id, actor_name=actor.display_name,
                                action=action, step_from=step_from, step_to=step_to, note=note,
                                data=audit.snapshot_values(values)))
        after = audit.snapshot(matter)
        tally.record_change(session, community_id=matter.community_id, registered_at=matter.registered_at,
                            before=before, after=after)
        audit.record(session, actor=actor, action=f"matter.{action.value}", entity="matter", entity_id=matter.id,
                     community_id=matter.community_id, at=now, before=before, after=after)
    return matter


def _apply(session, matter: Matter, action: Action, values: dict, settings: Settings, now: datetime) -> str:
    """Set the fields this action changes; return the timeline note."""
    if action is Action.ANALYSE:
        matter.handler, matter.supervisor, matter.mode = values["handler"], values["supervisor"], values["mode"]
        return values["note"] or ""
    if action is Action.REGISTER:
        taken = session.execute(select(Matter.id).where(Matter.ledger_no == values["ledger_no"],
                                                      Matter.id != matter.id)).first()
        if taken:
            raise ValidationFailed({"ledger_no": ("error.ledger_no_taken", {})})
        matter.ledger_no, matter.deadline = values["ledger_no"], values["deadline"]
        return ""
    if action is Action.PROGRESS:
        return values["note"]
    if action is Action.EXTEND:
        matter.deadline = values["deadline"]
        matter.extension_count += 1
        return values["reason"]
    if action is Action.COMPLETE:
        matter.result = values["result"]
        matter.handled_on_time = clock.local(now).date() <= matter.deadline
        return values["result"]
    if action is Action.FEEDBACK:
        matter.feedback_content, matter.feedback_method = values["content"], values["method"]
        return values["content"]
    if action is Action.EVALUATE:
        matter.evaluation, matter.evaluation_comment = values["evaluation"], values["comment"] or None
        matter.evaluated_at = now
        if values["evaluation"] == Evaluation.DISSATISFIED:
            matter.reopen_count += 1
            matter.handled_on_time = None  # handled again from step 3; judged again when that is done
            matter.escalated = needs_escalation(matter.reopen_count, settings.reopen_escalation)
        return values["comment"] or ""
    if action is Action.ASSESS:
        matter.score = int(values["score"])
        matter.closed_at = now
        matter.handling_days = round((now - matter.registered_at).total_seconds() / 86400, 2)
        return values["note"] or ""
    raise DomainError("workflow.not_allowed", action=action.value, step=matter.step)
