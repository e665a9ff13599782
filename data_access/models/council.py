"""The resident council (居民议事会) and the estate joint meeting (小区联席会议) of a community: councils and their
members, topics (议题), meetings of the 三会一评 cycle with attendance and agenda, decisions with their vote, public
notice and follow-up, named ballots, and the performance review (述职评议) of each decision with its ratings.

Every row that is read on its own carries its community_id, so one scope check serves every read and write.
"""

from datetime import date, datetime, time

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class Council(SQLModel, table=True):
    """A council of one kind (council.kinds in config.yaml), e.g. 康盛社区居民议事会 or 幸福里小区联席会议."""

    __table_args__ = (UniqueConstraint("community_id", "name", name="uq_council_community_name"),)
    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id", index=True)
    name: str = Field(max_length=60)
    kind: str = Field(max_length=20)  # council.kinds code
    estate: str | None = Field(default=None, max_length=60)  # the estate (小区) an estate joint meeting serves
    established_on: date
    active: bool = True
    updated_at: datetime


class CouncilMember(SQLModel, table=True):
    """A member (成员) of a council with the seat they hold and their term; one active member is the convener."""

    __tablename__ = "council_member"
    __table_args__ = (UniqueConstraint("council_id", "name", name="uq_council_member_council_name"),)
    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id")
    council_id: int = Field(foreign_key="council.id", index=True)
    name: str = Field(max_length=30)
    seat: str = Field(max_length=20)  # council.seats code
    title: str | None = Field(default=None, max_length=60)  # e.g. 业委会主任, 3号楼居民
    term_start: date
    term_end: date | None = None
    active: bool = True
    convener: bool = False
    updated_at: datetime


class CouncilTopic(SQLModel, table=True):
    """A topic (议题) and how far along the chain opinions -> topic -> decision -> implementation -> review it is.

    stage: raised, discussed, decided, implementing, reviewed, rejected, withdrawn (domain.council.rules.TOPIC_STAGES);
    a withdrawn topic keeps the day and the reason.
    """

    __tablename__ = "council_topic"
    __table_args__ = (Index("ix_council_topic_community_stage", "community_id", "stage"),)
    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id")
    council_id: int = Field(foreign_key="council.id", index=True)
    title: str = Field(max_length=100)
    detail: str | None = Field(default=None, sa_column=Column(Text))
    source: str = Field(max_length=10)  # opinion, matter, member
    matter_id: int | None = Field(default=None, foreign_key="matter.id")
    member_id: int | None = Field(default=None, foreign_key="council_member.id")  # the member who raised it
    opinion_meeting_id: int | None = Field(default=None, foreign_key="council_meeting.id")
    raised_on: date
    stage: str = Field(default="raised", max_length=12)
    withdrawn_on: date | None = None
    withdraw_reason: str | None = Field(default=None, sa_column=Column(Text))
    created_by: int | None = Field(default=None, foreign_key="user_account.id")
    updated_at: datetime


class CouncilMeeting(SQLModel, table=True):
    """A meeting of a council: opinion, discussion, decision, review or ad hoc; planned, open or closed.
    Observers (列席) are named apart and never count toward the quorum. expected / present / excused are its
    attendance rows (all, present, excused) counted when it closes, since attendance changes no more then; the
    figures over many meetings read them instead of the attendance rows."""

    __tablename__ = "council_meeting"
    __table_args__ = (Index("ix_council_meeting_community_day", "community_id", "day"),
                      Index("ix_council_meeting_council_day", "council_id", "day"))
    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id")
    council_id: int = Field(foreign_key="council.id")
    kind: str = Field(max_length=10)  # council.meeting_kinds code
    day: date
    start_time: time | None = None
    place: str | None = Field(default=None, max_length=100)
    chair_id: int | None = Field(default=None, foreign_key="council_member.id")
    recorder: str | None = Field(default=None, max_length=30)
    observers: str | None = Field(default=None, max_length=200)
    status: str = Field(default="planned", max_length=10)  # planned, open, closed
    opened_at: datetime | None = None
    closed_at: datetime | None = None
    summary: str | None = Field(default=None, sa_column=Column(Text))
    expected: int | None = None
    present: int | None = None
    excused: int | None = None
    created_by: int | None = Field(default=None, foreign_key="user_account.id")
    updated_at: datetime


class CouncilAttendance(SQLModel, table=True):
    """Whether an expected member was present, absent or excused (请假) at a meeting."""

    __tablename__ = "council_attendance"
    # participation per member reads a year's attendance rows by meeting: this index answers it on its own
    __table_args__ = (Index("ix_council_attendance_meeting_status", "meeting_id", "status", "member_id"),)
    meeting_id: int = Field(foreign_key="council_meeting.id", primary_key=True)
    member_id: int = Field(foreign_key="council_member.id", primary_key=True, index=True)
    status: str = Field(default="absent", max_length=10)  # present, absent, excused
    checked_in_at: datetime | None = None


class CouncilAgendaItem(SQLModel, table=True):
    """One entry of a meeting's agenda: a topic (opinion, discussion, decision meetings) or a decision under
    review (述职评议), with the minutes of what was said and the time spent on it."""

    __tablename__ = "council_agenda_item"
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="council_meeting.id", index=True)
    position: int
    topic_id: int | None = Field(default=None, foreign_key="council_topic.id", index=True)
    decision_id: int | None = Field(default=None, foreign_key="council_decision.id", index=True)
    minutes: str | None = Field(default=None, sa_column=Column(Text))
    discussed: bool = False
    seconds: int = 0


class CouncilDecision(SQLModel, table=True):
    """A decision put to the vote at a meeting: the counts and method, the quorum and majority as decided then,
    its status (passed, rejected, invalid), owner and due date, the public notice (公示), its follow-up matter
    (a need raised from it points here through need.council_decision_id) and the outcome of its latest review."""

    __tablename__ = "council_decision"
    __table_args__ = (Index("ix_council_decision_community_status_due", "community_id", "status", "due"),)
    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id")
    council_id: int = Field(foreign_key="council.id", index=True)
    meeting_id: int = Field(foreign_key="council_meeting.id", index=True)
    topic_id: int | None = Field(default=None, foreign_key="council_topic.id", index=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    method: str = Field(max_length=10)  # hands, ballot, named
    votes_for: int
    against: int
    abstain: int
    expected: int  # 应到, as counted under the rule when the vote was taken
    present: int  # 实到
    quorum_met: bool
    status: str = Field(max_length=10)  # passed, rejected, invalid
    owner: str | None = Field(default=None, max_length=60)
    due: date | None = None
    notice_start: date | None = None
    notice_end: date | None = None
    matter_id: int | None = Field(default=None, foreign_key="matter.id", index=True)
    outcome: str | None = Field(default=None, max_length=12)  # carried_out, partly, not (latest review)
    reviewed_on: date | None = None
    decided_on: date
    created_by: int | None = Field(default=None, foreign_key="user_account.id")
    updated_at: datetime


class CouncilBallot(SQLModel, table=True):
    """How one present member voted on a decision taken by named vote (记名投票)."""

    __tablename__ = "council_ballot"
    decision_id: int = Field(foreign_key="council_decision.id", primary_key=True)
    member_id: int = Field(foreign_key="council_member.id", primary_key=True)
    choice: str = Field(max_length=10)  # for, against, abstain


class CouncilReview(SQLModel, table=True):
    """A report on a decision at a review meeting (述职评议): who reported what, and whether it was carried out."""

    __tablename__ = "council_review"
    __table_args__ = (UniqueConstraint("decision_id", "meeting_id", name="uq_council_review_decision_meeting"),)
    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id")
    decision_id: int = Field(foreign_key="council_decision.id", index=True)
    meeting_id: int = Field(foreign_key="council_meeting.id", index=True)
    reporter: str = Field(max_length=60)
    report: str = Field(sa_column=Column(Text, nullable=False))
    outcome: str = Field(max_length=12)  # carried_out, partly, not
    reason: str | None = Field(default=None, sa_column=Column(Text))
    reviewed_on: date
    created_by: int | None = Field(default=None, foreign_key="user_account.id")


class CouncilRating(SQLModel, table=True):
    """How one present member rated a report (满意, 基本满意, 不满意)."""

    __tablename__ = "council_rating"
    review_id: int = Field(foreign_key="council_review.id", primary_key=True)
    member_id: int = Field(foreign_key="council_member.id", primary_key=True)
    rating: str = Field(max_length=12)  # satisfied, basic, unsatisfied
