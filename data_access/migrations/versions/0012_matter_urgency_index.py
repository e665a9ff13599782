"""matter urgency index

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04

The start-up check of stored codes reads the urgencies in use, the one code the monthly tally does not count. Without
an index that was a DISTINCT over every matter: 0.2 s on SQLite and 0.4 to 0.5 s on PostgreSQL for a city of a
million matters, paid by every new engine. With this index the check walks the few distinct values one index lookup
at a time (data_access.service.queries.unknown_codes). Plain CREATE INDEX: no table is rebuilt.
"""
from alembic import op


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_matter_urgency', 'matter', ['urgency'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_matter_urgency', table_name='matter')
