"""the audit trail's action index ends with the id: (action, at, id)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04

A street-wide action group's page ("user.") is one read per stored code of the group, each in index order,
merged (data_access.accounts.audit_trail). PostgreSQL's index (action, at) holds no id, so each read fetched
every row from the table to order ties on `at` and could not be merged as it came: the 2,000th page of the
"matter." group took 0.35 to 0.5 s on a million synthetic entries, 0.06 to 0.1 s with the id in the index
(index-only reads, a Merge Append). SQLite already keeps the rowid at the end of every index, so there the
index gains nothing but is rebuilt alike (the models are the same on both databases). Plain DROP and CREATE
INDEX: no table is rebuilt; writes to audit_log wait while the index is built (73.5 s for the city's
8 million entries on SQLite, on the benchmark file under load; 4.4 s on PostgreSQL for a million).
"""
from alembic import op


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index('ix_audit_log_action_at', table_name='audit_log')
    op.create_index('ix_audit_log_action_at', 'audit_log', ['action', 'at', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_audit_log_action_at', table_name='audit_log')
    op.create_index('ix_audit_log_action_at', 'audit_log', ['action', 'at'], unique=False)
