"""estate public-welfare fund

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04

The estate public-welfare fund (issue 17): funds held by a council's co-managers, income entries (a correction is a
reversing entry), spending requests with their signatures, timeline and payment, and the files attached. Money in
whole fen (BIGINT). New tables only.

Two indexes cover the overview's sums of a year by month over many funds (bench.fund_measure, the city's 1,000 funds,
SQL floor on SQLite and PostgreSQL): income by source on (fund_id, received_on, source, amount_fen), 0.024 -> 0.019 s
and 0.019 -> 0.011 s; payments by purpose on (fund_id, status, paid_on, purpose, amount_fen), 0.020 -> 0.015 s and
0.024 -> 0.010 s. The second also serves a fund's requests by status and the statement's payments and the balance
before its quarter, in place of (fund_id, status) and (fund_id, paid_on).
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('fund',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('opening_fen', sa.BigInteger(), nullable=False),
    sa.Column('balance_fen', sa.BigInteger(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint('balance_fen >= 0', name=op.f('ck_fund_no_negative_balance')),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_fund_community_id_community')),
    sa.ForeignKeyConstraint(['council_id'], ['council.id'], name=op.f('fk_fund_council_id_council')),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_fund_created_by_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fund')),
    sa.UniqueConstraint('community_id', 'name', name='uq_fund_community_name'),
    sa.UniqueConstraint('council_id', name='uq_fund_council_id')
    )
    with op.batch_alter_table('fund', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fund_community_id'), ['community_id'], unique=False)

    op.create_table('fund_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fund_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('owner', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_fund_file_community_id_community')),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_fund_file_created_by_user_account')),
    sa.ForeignKeyConstraint(['fund_id'], ['fund.id'], name=op.f('fk_fund_file_fund_id_fund')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fund_file'))
    )
    with op.batch_alter_table('fund_file', schema=None) as batch_op:
        batch_op.create_index('ix_fund_file_owner', ['owner', 'owner_id'], unique=False)

    op.create_table('fund_income',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fund_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('payer', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('reverses_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_fund_income_community_id_community')),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_fund_income_created_by_user_account')),
    sa.ForeignKeyConstraint(['fund_id'], ['fund.id'], name=op.f('fk_fund_income_fund_id_fund')),
    sa.ForeignKeyConstraint(['reverses_id'], ['fund_income.id'], name=op.f('fk_fund_income_reverses_id_fund_income')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fund_income')),
    sa.UniqueConstraint('reverses_id', name='uq_fund_income_reverses_id')
    )
    with op.batch_alter_table('fund_income', schema=None) as batch_op:
        batch_op.create_index('ix_fund_income_community_day', ['community_id', 'received_on'], unique=False)
        batch_op.create_index('ix_fund_income_fund_day', ['fund_id', 'received_on', 'source', 'amount_fen'], unique=False)

    op.create_table('fund_manager',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fund_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('since', sa.Date(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_fund_manager_community_id_community')),
    sa.ForeignKeyConstraint(['fund_id'], ['fund.id'], name=op.f('fk_fund_manager_fund_id_fund')),
    sa.ForeignKeyConstraint(['member_id'], ['council_member.id'], name=op.f('fk_fund_manager_member_id_council_member')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_fund_manager_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fund_manager')),
    sa.UniqueConstraint('fund_id', 'member_id', name='uq_fund_manager_fund_member'),
    sa.UniqueConstraint('fund_id', 'user_id', name='uq_fund_manager_fund_user')
    )
    with op.batch_alter_table('fund_manager', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fund_manager_fund_id'), ['fund_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fund_manager_user_id'), ['user_id'], unique=False)

    op.create_table('fund_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fund_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=True),
    sa.Column('purpose', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('payee', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('requester_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('approvals_needed', sa.Integer(), nullable=True),
    sa.Column('needs_decision', sa.Boolean(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('closed_reason', sa.Text(), nullable=True),
    sa.Column('closed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('voucher', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('paid_by', sa.Integer(), nullable=True),
    sa.Column('paid_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_fund_request_community_id_community')),
    sa.ForeignKeyConstraint(['decision_id'], ['council_decision.id'], name=op.f('fk_fund_request_decision_id_council_decision')),
    sa.ForeignKeyConstraint(['fund_id'], ['fund.id'], name=op.f('fk_fund_request_fund_id_fund')),
    sa.ForeignKeyConstraint(['paid_by'], ['user_account.id'], name=op.f('fk_fund_request_paid_by_user_account')),
    sa.ForeignKeyConstraint(['requester_id'], ['user_account.id'], name=op.f('fk_fund_request_requester_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fund_request'))
    )
    with op.batch_alter_table('fund_request', schema=None) as batch_op:
        batch_op.create_index('ix_fund_request_community_paid', ['community_id', 'paid_on'], unique=False)
        batch_op.create_index('ix_fund_request_community_status', ['community_id', 'status'], unique=False)
        batch_op.create_index('ix_fund_request_fund_status', ['fund_id', 'status', 'paid_on', 'purpose', 'amount_fen'], unique=False)

    op.create_table('fund_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['by_id'], ['user_account.id'], name=op.f('fk_fund_event_by_id_user_account')),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_fund_event_community_id_community')),
    sa.ForeignKeyConstraint(['request_id'], ['fund_request.id'], name=op.f('fk_fund_event_request_id_fund_request')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fund_event'))
    )
    with op.batch_alter_table('fund_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fund_event_request_id'), ['request_id'], unique=False)

    op.create_table('fund_signature',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('choice', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_fund_signature_community_id_community')),
    sa.ForeignKeyConstraint(['member_id'], ['council_member.id'], name=op.f('fk_fund_signature_member_id_council_member')),
    sa.ForeignKeyConstraint(['request_id'], ['fund_request.id'], name=op.f('fk_fund_signature_request_id_fund_request')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_fund_signature_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fund_signature')),
    sa.UniqueConstraint('request_id', 'user_id', name='uq_fund_signature_request_user')
    )
    with op.batch_alter_table('fund_signature', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fund_signature_request_id'), ['request_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('fund_signature', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fund_signature_request_id'))

    op.drop_table('fund_signature')
    with op.batch_alter_table('fund_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fund_event_request_id'))

    op.drop_table('fund_event')
    with op.batch_alter_table('fund_request', schema=None) as batch_op:
        batch_op.drop_index('ix_fund_request_fund_status')
        batch_op.drop_index('ix_fund_request_community_status')
        batch_op.drop_index('ix_fund_request_community_paid')

    op.drop_table('fund_request')
    with op.batch_alter_table('fund_manager', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fund_manager_user_id'))
        batch_op.drop_index(batch_op.f('ix_fund_manager_fund_id'))

    op.drop_table('fund_manager')
    with op.batch_alter_table('fund_income', schema=None) as batch_op:
        batch_op.drop_index('ix_fund_income_fund_day')
        batch_op.drop_index('ix_fund_income_community_day')

    op.drop_table('fund_income')
    with op.batch_alter_table('fund_file', schema=None) as batch_op:
        batch_op.drop_index('ix_fund_file_owner')

    op.drop_table('fund_file')
    with op.batch_alter_table('fund', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fund_community_id'))

    op.drop_table('fund')
