"""overdue per community index

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04

The briefing's ranking counts the open matters past their deadline per community: ix_matter_step_deadline gains
community_id, so that count reads a range of the index and never the table (0.213 s -> 0.013 s for a city).
Plain DROP/CREATE INDEX: no table is rebuilt.
"""
from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index('ix_matter_step_deadline', table_name='matter')
    op.create_index('ix_matter_step_deadline', 'matter', ['step', 'deadline', 'community_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_matter_step_deadline', table_name='matter')
    op.create_index('ix_matter_step_deadline', 'matter', ['step', 'deadline'], unique=False)
