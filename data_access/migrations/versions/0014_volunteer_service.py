"""volunteer service

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04

Volunteer service (issue 16): volunteers and teams, service orders with their timeline and service records, one-time
sign-off links, the points ledger (accounts with a kept balance, transfers), the store's goods and redemptions, and
certificates. New tables only.
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('volunteer_team',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('speciality', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('leader_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_volunteer_team_community_id_community')),
    sa.ForeignKeyConstraint(['unit_id'], ['member_unit.id'], name=op.f('fk_volunteer_team_unit_id_member_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteer_team')),
    sa.UniqueConstraint('community_id', 'name', name='uq_volunteer_team_community_name')
    )
    with op.batch_alter_table('volunteer_team', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_volunteer_team_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_volunteer_team_leader_id'), ['leader_id'], unique=False)

    op.create_table('volunteer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('id_number', sqlmodel.sql.sqltypes.AutoString(length=18), nullable=False),
    sa.Column('skills', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('party_member', sa.Boolean(), nullable=False),
    sa.Column('report_unit_id', sa.Integer(), nullable=True),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('registered_on', sa.Date(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('hours_tenths', sa.Integer(), nullable=False),
    sa.Column('last_served_on', sa.Date(), nullable=True),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_volunteer_community_id_community')),
    sa.ForeignKeyConstraint(['report_unit_id'], ['member_unit.id'], name=op.f('fk_volunteer_report_unit_id_member_unit')),
    sa.ForeignKeyConstraint(['team_id'], ['volunteer_team.id'], name=op.f('fk_volunteer_team_id_volunteer_team')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_volunteer_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteer')),
    sa.UniqueConstraint('id_number', name='uq_volunteer_id_number')
    )
    with op.batch_alter_table('volunteer', schema=None) as batch_op:
        batch_op.create_index('ix_volunteer_community_hours', ['community_id', 'hours_tenths', 'id'], unique=False)
        batch_op.create_index('ix_volunteer_community_name', ['community_id', 'name', 'id'], unique=False)
        batch_op.create_index('ix_volunteer_community_served', ['community_id', 'last_served_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_volunteer_team_id'), ['team_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_volunteer_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('volunteer_team', schema=None) as batch_op:
        # a team's leader is one of the volunteers: the second edge of a cycle, added once both tables exist
        batch_op.create_foreign_key('fk_volunteer_team_leader_id_volunteer', 'volunteer', ['leader_id'], ['id'])

    op.create_table('certificate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('serial', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=True),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('hours_tenths', sa.Integer(), nullable=False),
    sa.Column('issued_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('issued_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_certificate_community_id_community')),
    sa.ForeignKeyConstraint(['issued_by'], ['user_account.id'], name=op.f('fk_certificate_issued_by_user_account')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteer.id'], name=op.f('fk_certificate_volunteer_id_volunteer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate')),
    sa.UniqueConstraint('serial', name='uq_certificate_serial')
    )
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificate_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificate_volunteer_id'), ['volunteer_id'], unique=False)

    op.create_table('points_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('holder', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('balance', sa.Integer(), nullable=False),
    sa.CheckConstraint("holder = 'issuer' OR balance >= 0", name=op.f('ck_points_account_no_negative_balance')),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_points_account_community_id_community')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_points_account')),
    sa.UniqueConstraint('holder', 'owner_id', name='uq_points_account_holder_owner')
    )
    with op.batch_alter_table('points_account', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_points_account_community_id'), ['community_id'], unique=False)

    op.create_table('store_good',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('price', sa.Integer(), nullable=False),
    sa.Column('stock', sa.Integer(), nullable=False),
    sa.Column('donor', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint('price > 0', name=op.f('ck_store_good_positive_price')),
    sa.CheckConstraint('stock >= 0', name=op.f('ck_store_good_stock_not_negative')),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_store_good_community_id_community')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_store_good')),
    sa.UniqueConstraint('community_id', 'name', name='uq_store_good_community_name')
    )
    with op.batch_alter_table('store_good', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_store_good_community_id'), ['community_id'], unique=False)

    op.create_table('redemption',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('good_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('cancelled_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('cancel_reason', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.ForeignKeyConstraint(['by_id'], ['user_account.id'], name=op.f('fk_redemption_by_id_user_account')),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_redemption_community_id_community')),
    sa.ForeignKeyConstraint(['good_id'], ['store_good.id'], name=op.f('fk_redemption_good_id_store_good')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteer.id'], name=op.f('fk_redemption_volunteer_id_volunteer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_redemption')),
    sa.UniqueConstraint('number', name='uq_redemption_number')
    )
    with op.batch_alter_table('redemption', schema=None) as batch_op:
        batch_op.create_index('ix_redemption_community_at', ['community_id', 'at'], unique=False)
        batch_op.create_index('ix_redemption_volunteer_at', ['volunteer_id', 'at'], unique=False)

    op.create_table('volunteer_order',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('service_kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.Column('place', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('wanted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('recipient_name', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('recipient_phone', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('matter_id', sa.Integer(), nullable=True),
    sa.Column('step', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('volunteer_id', sa.Integer(), nullable=True),
    sa.Column('due_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('requested_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('dispatched_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('taken_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('served_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('signed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('rated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('sign_method', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('rating', sqlmodel.sql.sqltypes.AutoString(length=15), nullable=True),
    sa.Column('comment', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.Column('flagged', sa.Boolean(), nullable=False),
    sa.Column('cancel_reason', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('take_minutes', sa.Integer(), nullable=True),
    sa.Column('sign_minutes', sa.Integer(), nullable=True),
    sa.Column('hours_tenths', sa.Integer(), nullable=False),
    sa.Column('signed_month', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_volunteer_order_community_id_community')),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_volunteer_order_created_by_user_account')),
    sa.ForeignKeyConstraint(['matter_id'], ['matter.id'], name=op.f('fk_volunteer_order_matter_id_matter')),
    sa.ForeignKeyConstraint(['team_id'], ['volunteer_team.id'], name=op.f('fk_volunteer_order_team_id_volunteer_team')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteer.id'], name=op.f('fk_volunteer_order_volunteer_id_volunteer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteer_order')),
    sa.UniqueConstraint('number', name='uq_volunteer_order_number')
    )
    with op.batch_alter_table('volunteer_order', schema=None) as batch_op:
        batch_op.create_index('ix_volunteer_order_community_requested', ['community_id', 'requested_at'], unique=False)
        batch_op.create_index('ix_volunteer_order_community_signed', ['community_id', 'signed_month', 'team_id', 'hours_tenths'], unique=False)
        batch_op.create_index('ix_volunteer_order_community_step', ['community_id', 'step', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_volunteer_order_matter_id'), ['matter_id'], unique=False)
        batch_op.create_index('ix_volunteer_order_team_step', ['team_id', 'step'], unique=False)
        batch_op.create_index('ix_volunteer_order_volunteer_step', ['volunteer_id', 'step'], unique=False)

    op.create_table('order_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_name', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('from_step', sa.Integer(), nullable=True),
    sa.Column('to_step', sa.Integer(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_order_event_actor_id_user_account')),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_order_event_community_id_community')),
    sa.ForeignKeyConstraint(['order_id'], ['volunteer_order.id'], name=op.f('fk_order_event_order_id_volunteer_order')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_event'))
    )
    with op.batch_alter_table('order_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_event_order_id'), ['order_id'], unique=False)

    op.create_table('points_transfer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('reverses', sa.Integer(), nullable=True),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('redemption_id', sa.Integer(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('points > 0', name=op.f('ck_points_transfer_positive_points')),
    sa.CheckConstraint('source_id <> target_id', name=op.f('ck_points_transfer_two_accounts')),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_points_transfer_actor_id_user_account')),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_points_transfer_community_id_community')),
    sa.ForeignKeyConstraint(['order_id'], ['volunteer_order.id'], name=op.f('fk_points_transfer_order_id_volunteer_order')),
    sa.ForeignKeyConstraint(['redemption_id'], ['redemption.id'], name=op.f('fk_points_transfer_redemption_id_redemption')),
    sa.ForeignKeyConstraint(['reverses'], ['points_transfer.id'], name=op.f('fk_points_transfer_reverses_points_transfer')),
    sa.ForeignKeyConstraint(['source_id'], ['points_account.id'], name=op.f('fk_points_transfer_source_id_points_account')),
    sa.ForeignKeyConstraint(['target_id'], ['points_account.id'], name=op.f('fk_points_transfer_target_id_points_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_points_transfer')),
    sa.UniqueConstraint('reverses', name='uq_points_transfer_reverses')
    )
    with op.batch_alter_table('points_transfer', schema=None) as batch_op:
        batch_op.create_index('ix_points_transfer_community_kind', ['community_id', 'kind', 'at', 'points'], unique=False)
        batch_op.create_index(batch_op.f('ix_points_transfer_order_id'), ['order_id'], unique=False)
        batch_op.create_index('ix_points_transfer_source', ['source_id', 'at'], unique=False)
        batch_op.create_index('ix_points_transfer_target', ['target_id', 'at'], unique=False)

    op.create_table('service_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('served_on', sa.Date(), nullable=False),
    sa.Column('tenths', sa.Integer(), nullable=False),
    sa.CheckConstraint('tenths > 0 AND tenths <= 240', name=op.f('ck_service_record_hours_in_a_day')),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_service_record_community_id_community')),
    sa.ForeignKeyConstraint(['order_id'], ['volunteer_order.id'], name=op.f('fk_service_record_order_id_volunteer_order')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteer.id'], name=op.f('fk_service_record_volunteer_id_volunteer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_record')),
    sa.UniqueConstraint('order_id', 'volunteer_id', name='uq_service_record_order_volunteer')
    )
    with op.batch_alter_table('service_record', schema=None) as batch_op:
        batch_op.create_index('ix_service_record_volunteer_day', ['volunteer_id', 'served_on'], unique=False)

    op.create_table('sign_off_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('used_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_sign_off_link_community_id_community')),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_sign_off_link_created_by_user_account')),
    sa.ForeignKeyConstraint(['order_id'], ['volunteer_order.id'], name=op.f('fk_sign_off_link_order_id_volunteer_order')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_off_link')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_sign_off_link_token_hash'))
    )
    with op.batch_alter_table('sign_off_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_off_link_order_id'), ['order_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('volunteer_team', schema=None) as batch_op:
        batch_op.drop_constraint('fk_volunteer_team_leader_id_volunteer', type_='foreignkey')
    with op.batch_alter_table('sign_off_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_off_link_order_id'))

    op.drop_table('sign_off_link')
    with op.batch_alter_table('service_record', schema=None) as batch_op:
        batch_op.drop_index('ix_service_record_volunteer_day')

    op.drop_table('service_record')
    with op.batch_alter_table('points_transfer', schema=None) as batch_op:
        batch_op.drop_index('ix_points_transfer_target')
        batch_op.drop_index('ix_points_transfer_source')
        batch_op.drop_index(batch_op.f('ix_points_transfer_order_id'))
        batch_op.drop_index('ix_points_transfer_community_kind')

    op.drop_table('points_transfer')
    with op.batch_alter_table('order_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_event_order_id'))

    op.drop_table('order_event')
    with op.batch_alter_table('volunteer_order', schema=None) as batch_op:
        batch_op.drop_index('ix_volunteer_order_volunteer_step')
        batch_op.drop_index('ix_volunteer_order_team_step')
        batch_op.drop_index(batch_op.f('ix_volunteer_order_matter_id'))
        batch_op.drop_index('ix_volunteer_order_community_step')
        batch_op.drop_index('ix_volunteer_order_community_signed')
        batch_op.drop_index('ix_volunteer_order_community_requested')

    op.drop_table('volunteer_order')
    with op.batch_alter_table('redemption', schema=None) as batch_op:
        batch_op.drop_index('ix_redemption_volunteer_at')
        batch_op.drop_index('ix_redemption_community_at')

    op.drop_table('redemption')
    with op.batch_alter_table('store_good', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_store_good_community_id'))

    op.drop_table('store_good')
    with op.batch_alter_table('points_account', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_points_account_community_id'))

    op.drop_table('points_account')
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificate_volunteer_id'))
        batch_op.drop_index(batch_op.f('ix_certificate_community_id'))

    op.drop_table('certificate')
    with op.batch_alter_table('volunteer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volunteer_user_id'))
        batch_op.drop_index(batch_op.f('ix_volunteer_team_id'))
        batch_op.drop_index('ix_volunteer_community_served')
        batch_op.drop_index('ix_volunteer_community_name')
        batch_op.drop_index('ix_volunteer_community_hours')

    op.drop_table('volunteer')
    with op.batch_alter_table('volunteer_team', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volunteer_team_leader_id'))
        batch_op.drop_index(batch_op.f('ix_volunteer_team_community_id'))

    op.drop_table('volunteer_team')
