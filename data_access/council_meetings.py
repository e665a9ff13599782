"""A council meeting from plan to close: planning with the agenda, opening with the expected members, check-in,
minutes per agenda item, votes and decisions under the council kind's quorum and majority, the performance review
(述职评议) of decisions with ratings, and closing.

Every write is one transaction that locks the meeting row, checks permission (another community's meeting is not
found), validates, writes and audits. A closed meeting changes no more.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine

from data_access.models import CouncilAgendaItem, CouncilDecision, CouncilMeeting, CouncilReview
from domain.access import Actor
from domain.settings import Settings


def plan_meeting(engine: Engine, *, actor: Actor, settings: Settings, data: dict, meeting_id: int | None = None,
                 now: datetime | None = None) -> CouncilMeeting:
    """Plan or change a planned meeting. data: council_id, kind, day, start_time, place, chair_id, recorder,
    observers, topic_ids, decision_ids."""
    raise NotImplementedError


def open_meeting(engine: Engine, *, actor: Actor, meeting_id: int, now: datetime | None = None) -> CouncilMeeting:
    """planned -> open, with one attendance row per member expected."""
    raise NotImplementedError


def check_in(engine: Engine, *, actor: Actor, meeting_id: int, rows: list[dict], now: datetime | None = None) -> None:
    """Attendance of an open meeting. rows: member_id, status (present, absent, excused)."""
    raise NotImplementedError


def record_minutes(engine: Engine, *, actor: Actor, meeting_id: int, agenda_item_id: int, minutes: str | None,
                   discussed: bool = True, seconds: int | None = None,
                   now: datetime | None = None) -> CouncilAgendaItem:
    """What was said on one agenda item, and the time spent on it."""
    raise NotImplementedError


def record_vote(engine: Engine, *, actor: Actor, settings: Settings, meeting_id: int, data: dict,
                now: datetime | None = None) -> CouncilDecision:
    """A vote on a topic of the agenda and the decision it makes. data: topic_id, text, method, votes_for, against,
    abstain, ballots, owner, due, notice_start, notice_end."""
    raise NotImplementedError


def record_review(engine: Engine, *, actor: Actor, meeting_id: int, data: dict,
                  now: datetime | None = None) -> CouncilReview:
    """A report on a decision at an open review meeting. data: decision_id, reporter, report, ratings, outcome,
    reason."""
    raise NotImplementedError


def close_meeting(engine: Engine, *, actor: Actor, meeting_id: int, summary: str | None,
                  now: datetime | None = None) -> CouncilMeeting:
    """open -> closed."""
    raise NotImplementedError
