"""Reads of the resident council: councils and members, topics and each topic's timeline, searchable meeting
records and one meeting in full, decisions (in notice, overdue, due for review), participation per member and per
seat, decisions per quarter and the overview figures. Every read is scoped by council.read and aggregates in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import Engine

from data_access.models import Council, CouncilMeeting, CouncilTopic
from domain.access import Actor


@dataclass(frozen=True)
class TopicTimeline:
    """A topic and its chain. steps: step, day, meeting_id, meeting_kind, text, status (see the contract)."""

    topic: CouncilTopic
    council: str
    matter_number: str | None
    member: str | None
    steps: pd.DataFrame


@dataclass(frozen=True)
class CouncilMeetingDetail:
    """Everything the meeting pages, the live screen and the Word exports show of one meeting."""

    meeting: CouncilMeeting
    council: Council
    community: str
    chair: str | None
    attendance: pd.DataFrame
    agenda: pd.DataFrame
    decisions: pd.DataFrame
    ballots: pd.DataFrame
    reviews: pd.DataFrame
    ratings: pd.DataFrame


@dataclass(frozen=True)
class CouncilOverview:
    """The figures of the council overview for a year (see the contract)."""

    councils: int
    members: int
    meetings: dict[str, int]
    topics_open: int
    decisions: int
    passed: int
    invalid: int
    in_notice: int
    overdue: int
    due_for_review: int
    reviewed: int
    carried_out: int
    carried_out_rate: float | None
    participation: float | None


def council_communities(engine: Engine, *, actor: Actor) -> list[tuple[int, str]]:
    raise NotImplementedError


def councils(engine: Engine, *, actor: Actor, community_id: int) -> pd.DataFrame:
    raise NotImplementedError


def members(engine: Engine, *, actor: Actor, council_id: int, active_only: bool = False) -> pd.DataFrame:
    raise NotImplementedError


def topics(engine: Engine, *, actor: Actor, community_id: int, council_id: int | None = None,
           stage: str | None = None, search: str | None = None, offset: int = 0,
           limit: int = 50) -> tuple[pd.DataFrame, int]:
    raise NotImplementedError


def topic_timeline(engine: Engine, *, actor: Actor, topic_id: int) -> TopicTimeline | None:
    raise NotImplementedError


def meetings(engine: Engine, *, actor: Actor, community_ids: tuple[int, ...] | None, council_id: int | None = None,
             kind: str | None = None, status: str | None = None, search: str | None = None,
             date_from: date | None = None, date_to: date | None = None, offset: int = 0,
             limit: int = 50) -> tuple[pd.DataFrame, int]:
    raise NotImplementedError


def meeting_detail(engine: Engine, *, actor: Actor, meeting_id: int) -> CouncilMeetingDetail | None:
    raise NotImplementedError


def decisions(engine: Engine, *, actor: Actor, community_ids: tuple[int, ...] | None, council_id: int | None = None,
              show: str = "all", today: date | None = None, search: str | None = None, offset: int = 0,
              limit: int = 50) -> tuple[pd.DataFrame, int]:
    raise NotImplementedError


def participation(engine: Engine, *, actor: Actor, community_ids: tuple[int, ...] | None,
                  council_id: int | None = None, year: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    raise NotImplementedError


def quarterly(engine: Engine, *, actor: Actor, community_ids: tuple[int, ...] | None, year: int) -> pd.DataFrame:
    raise NotImplementedError


def overview(engine: Engine, *, actor: Actor, community_ids: tuple[int, ...] | None, year: int,
             today: date) -> CouncilOverview:
    raise NotImplementedError


def decisions_of_matter(engine: Engine, *, actor: Actor, matter_id: int) -> pd.DataFrame:
    raise NotImplementedError
