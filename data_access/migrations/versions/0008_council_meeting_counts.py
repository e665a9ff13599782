"""council meeting counts and topic withdrawal

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-21

A closed council meeting keeps its attendance counts (expected, present, excused), filled in here for the
meetings already closed; an index lets participation per member read the attendance rows by meeting alone; a
withdrawn topic keeps its day and reason, taken for the topics withdrawn so far from their audit entries.
"""
import json
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa


ZONE = ZoneInfo('Asia/Shanghai')  # data_access.clock.ZONE as of this revision

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def _count(status: str | None) -> str:
    where = f" AND a.status = '{status}'" if status else ""
    return f"(SELECT count(*) FROM council_attendance a WHERE a.meeting_id = council_meeting.id{where})"


def upgrade() -> None:
    with op.batch_alter_table('council_meeting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expected', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('present', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('excused', sa.Integer(), nullable=True))
    op.execute(f"UPDATE council_meeting SET expected = {_count(None)}, present = {_count('present')}, "
               f"excused = {_count('excused')} WHERE status = 'closed'")
    with op.batch_alter_table('council_attendance', schema=None) as batch_op:
        batch_op.create_index('ix_council_attendance_meeting_status', ['meeting_id', 'status', 'member_id'],
                              unique=False)
    with op.batch_alter_table('council_topic', schema=None) as batch_op:
        batch_op.add_column(sa.Column('withdrawn_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('withdraw_reason', sa.Text(), nullable=True))
    _withdrawals_from_the_trail()


def _local_day(at) -> date:
    """The local day of a stored time: aware on PostgreSQL, naive UTC text on SQLite."""
    if not isinstance(at, datetime):
        at = datetime.fromisoformat(str(at))
    if at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)
    return at.astimezone(ZONE).date()


def _withdrawals_from_the_trail() -> None:
    """Each withdrawn topic's day and reason, from the audit entry of its withdrawal (its last one wins)."""
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT l.entity_id, l.at, l.after FROM audit_log l JOIN council_topic t ON t.id = l.entity_id "
        "WHERE l.entity = 'council_topic' AND l.action = 'council.topic_update' AND t.stage = 'withdrawn' "
        "ORDER BY l.at, l.id")).all()
    found = {}
    for topic_id, at, after in rows:
        after = json.loads(after) if isinstance(after, str) else after
        if after and after.get("stage") == "withdrawn" and "reason" in after:
            found[topic_id] = (at, after["reason"])
    for topic_id, (at, reason) in found.items():
        day = _local_day(at)
        bind.execute(sa.text("UPDATE council_topic SET withdrawn_on = :day, withdraw_reason = :reason "
                             "WHERE id = :id"), {"day": day, "reason": reason, "id": topic_id})


def downgrade() -> None:
    with op.batch_alter_table('council_topic', schema=None) as batch_op:
        batch_op.drop_column('withdraw_reason')
        batch_op.drop_column('withdrawn_on')
    with op.batch_alter_table('council_attendance', schema=None) as batch_op:
        batch_op.drop_index('ix_council_attendance_meeting_status')
    with op.batch_alter_table('council_meeting', schema=None) as batch_op:
        batch_op.drop_column('excused')
        batch_op.drop_column('present')
        batch_op.drop_column('expected')
