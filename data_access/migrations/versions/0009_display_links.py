"""display links

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04

Display links (展示链接): a wall screen's standing permission to show one scope's briefing without a login.
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('display_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=True),
    sa.Column('slides', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('revoked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('revoked_by', sa.Integer(), nullable=True),
    sa.Column('last_used_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_display_link_community_id_community')),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_display_link_created_by_user_account')),
    sa.ForeignKeyConstraint(['revoked_by'], ['user_account.id'], name=op.f('fk_display_link_revoked_by_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_display_link'))
    )
    with op.batch_alter_table('display_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_display_link_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_display_link_created_by'), ['created_by'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('display_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_display_link_created_by'))
        batch_op.drop_index(batch_op.f('ix_display_link_community_id'))

    op.drop_table('display_link')
