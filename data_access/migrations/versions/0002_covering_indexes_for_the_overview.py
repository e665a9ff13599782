"""covering indexes for the overview

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('matter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_matter_registered_at'))
        batch_op.create_index('ix_matter_deadline_cover', ['deadline', 'community_id', 'handled_on_time'], unique=False)
        batch_op.create_index('ix_matter_period_cover', ['registered_at', 'community_id', 'step', 'channel', 'mode', 'category', 'evaluation', 'reopen_count', 'handled_on_time', 'handling_days'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('matter', schema=None) as batch_op:
        batch_op.drop_index('ix_matter_period_cover')
        batch_op.drop_index('ix_matter_deadline_cover')
        batch_op.create_index(batch_op.f('ix_matter_registered_at'), ['registered_at'], unique=False)

