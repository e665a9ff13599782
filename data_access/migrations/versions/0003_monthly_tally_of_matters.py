"""monthly tally of matters

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('matter_tally',
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('month', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('dim', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.Column('days', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_matter_tally_community_id_community')),
    sa.PrimaryKeyConstraint('community_id', 'month', 'dim', 'code', name=op.f('pk_matter_tally'))
    )


def downgrade() -> None:
    op.drop_table('matter_tally')
