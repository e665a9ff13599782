"""indexes for the audit trail's filters (action, entity) newest first

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21

Measured at city scale (8 M entries): the first page filtered by entity "matter" took 36 s (a sort of
7.5 M rows) and a count by action 1.7-2.0 s; with these indexes 0.003 s and 0.07 s.
"""
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index('ix_audit_log_entity', table_name='audit_log')
    op.create_index('ix_audit_log_entity', 'audit_log', ['entity', 'entity_id', 'at'], unique=False)
    op.create_index('ix_audit_log_entity_at', 'audit_log', ['entity', 'at'], unique=False)
    op.create_index('ix_audit_log_action_at', 'audit_log', ['action', 'at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_audit_log_action_at', table_name='audit_log')
    op.drop_index('ix_audit_log_entity_at', table_name='audit_log')
    op.drop_index('ix_audit_log_entity', table_name='audit_log')
    op.create_index('ix_audit_log_entity', 'audit_log', ['entity', 'entity_id'], unique=False)
