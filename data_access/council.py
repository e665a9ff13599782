"""Writes of the resident council outside a meeting: councils and their members, topics, and a decision's owner,
public notice (公示) and follow-up (a 365 matter or a joint-committee need, linked both ways).

Every write is one transaction that locks the row it changes, checks permission (another community's row is not
found), validates, writes and audits (data_access/audit_trail.py COUNCIL_ACTIONS).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Engine

from data_access.models import Council, CouncilDecision, CouncilMember, CouncilTopic, Matter, Need
from domain.access import Actor
from domain.settings import Settings


def save_council(engine: Engine, *, actor: Actor, settings: Settings, data: dict, council_id: int | None = None,
                 now: datetime | None = None) -> Council:
    """Create or change a council. data: community_id, name, kind, estate, established_on, active."""
    raise NotImplementedError


def save_member(engine: Engine, *, actor: Actor, settings: Settings, data: dict, member_id: int | None = None,
                now: datetime | None = None) -> CouncilMember:
    """Create or change a member. data: council_id, name, seat, title, term_start, term_end, active, convener."""
    raise NotImplementedError


def save_topic(engine: Engine, *, actor: Actor, data: dict, topic_id: int | None = None,
               now: datetime | None = None) -> CouncilTopic:
    """Create or change a topic. data: council_id, title, detail, source, matter_number, member_id,
    opinion_meeting_id, opinions, raised_on."""
    raise NotImplementedError


def withdraw_topic(engine: Engine, *, actor: Actor, topic_id: int, reason: str,
                   now: datetime | None = None) -> CouncilTopic:
    """Withdraw a topic not yet decided."""
    raise NotImplementedError


def assign_decision(engine: Engine, *, actor: Actor, decision_id: int, owner: str, due: date,
                    now: datetime | None = None) -> CouncilDecision:
    """Change the owner and due date of a passed decision."""
    raise NotImplementedError


def set_notice(engine: Engine, *, actor: Actor, decision_id: int, start: date, end: date,
               now: datetime | None = None) -> CouncilDecision:
    """Set the public-notice period of a passed decision."""
    raise NotImplementedError


def follow_up_matter(engine: Engine, *, actor: Actor, settings: Settings, decision_id: int, data: dict,
                     now: datetime | None = None) -> Matter:
    """Open a 365 matter to carry out a passed decision."""
    raise NotImplementedError


def follow_up_need(engine: Engine, *, actor: Actor, decision_id: int, now: datetime | None = None) -> Need:
    """Raise a need in the joint committee's needs list from a passed decision."""
    raise NotImplementedError
