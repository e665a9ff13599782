"""joint party committee

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21

Tables of the joint party committee: member units, agreements, the three lists, claims and progress,
progress meetings with attendance, agenda and action items.
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('member_unit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('party_org', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
    sa.Column('liaison', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=True),
    sa.Column('liaison_phone', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('party_members', sa.Integer(), nullable=False),
    sa.Column('volunteer_team', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
    sa.Column('speciality', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('representative_id', sa.Integer(), nullable=True),
    sa.Column('joined_on', sa.Date(), nullable=False),
    sa.Column('left_on', sa.Date(), nullable=True),
    sa.Column('rota_position', sa.Integer(), nullable=True),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_member_unit_community_id_community')),
    sa.ForeignKeyConstraint(['representative_id'], ['user_account.id'], name=op.f('fk_member_unit_representative_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_unit')),
    sa.UniqueConstraint('community_id', 'name', name='uq_member_unit_community_name')
    )
    with op.batch_alter_table('member_unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_unit_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_member_unit_representative_id'), ['representative_id'], unique=False)

    op.create_table('project',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_project_community_id_community')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project'))
    )
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.create_index('ix_project_community_year', ['community_id', 'year'], unique=False)

    op.create_table('agreement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=True),
    sa.Column('commitments', sa.Text(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_agreement_community_id_community')),
    sa.ForeignKeyConstraint(['unit_id'], ['member_unit.id'], name=op.f('fk_agreement_unit_id_member_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement')),
    sa.UniqueConstraint('unit_id', 'year', name='uq_agreement_unit_year')
    )
    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.create_index('ix_agreement_community_year', ['community_id', 'year', 'status'], unique=False)

    op.create_table('committee_meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('place', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('chair_unit_id', sa.Integer(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('opened_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('closed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['chair_unit_id'], ['member_unit.id'], name=op.f('fk_committee_meeting_chair_unit_id_member_unit')),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_committee_meeting_community_id_community')),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_committee_meeting_created_by_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_committee_meeting'))
    )
    with op.batch_alter_table('committee_meeting', schema=None) as batch_op:
        batch_op.create_index('ix_committee_meeting_community_day', ['community_id', 'day'], unique=False)

    op.create_table('resource',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_resource_community_id_community')),
    sa.ForeignKeyConstraint(['unit_id'], ['member_unit.id'], name=op.f('fk_resource_unit_id_member_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resource'))
    )
    with op.batch_alter_table('resource', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resource_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_resource_unit_id'), ['unit_id'], unique=False)

    op.create_table('service_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('target', sa.Float(), nullable=False),
    sa.Column('unit', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('frequency', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=True),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('beneficiaries', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('done', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_service_item_community_id_community')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_service_item_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_item'))
    )
    with op.batch_alter_table('service_item', schema=None) as batch_op:
        batch_op.create_index('ix_service_item_community_end', ['community_id', 'period_end'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_item_project_id'), ['project_id'], unique=False)

    op.create_table('action_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('owner', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
    sa.Column('owner_unit_id', sa.Integer(), nullable=True),
    sa.Column('due', sa.Date(), nullable=True),
    sa.Column('done', sa.Boolean(), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('done_meeting_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_action_item_community_id_community')),
    sa.ForeignKeyConstraint(['done_meeting_id'], ['committee_meeting.id'], name=op.f('fk_action_item_done_meeting_id_committee_meeting')),
    sa.ForeignKeyConstraint(['meeting_id'], ['committee_meeting.id'], name=op.f('fk_action_item_meeting_id_committee_meeting')),
    sa.ForeignKeyConstraint(['owner_unit_id'], ['member_unit.id'], name=op.f('fk_action_item_owner_unit_id_member_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_item'))
    )
    with op.batch_alter_table('action_item', schema=None) as batch_op:
        batch_op.create_index('ix_action_item_community_done', ['community_id', 'done'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_item_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('claim',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('pledge', sa.Float(), nullable=False),
    sa.Column('done', sa.Float(), nullable=False),
    sa.Column('claimed_on', sa.Date(), nullable=False),
    sa.Column('last_update_on', sa.Date(), nullable=True),
    sa.Column('withdrawn_on', sa.Date(), nullable=True),
    sa.Column('withdraw_reason', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_claim_community_id_community')),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_claim_created_by_user_account')),
    sa.ForeignKeyConstraint(['item_id'], ['service_item.id'], name=op.f('fk_claim_item_id_service_item')),
    sa.ForeignKeyConstraint(['unit_id'], ['member_unit.id'], name=op.f('fk_claim_unit_id_member_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim'))
    )
    with op.batch_alter_table('claim', schema=None) as batch_op:
        batch_op.create_index('ix_claim_community_status', ['community_id', 'status'], unique=False)
        batch_op.create_index('ix_claim_item_status', ['item_id', 'status'], unique=False)
        batch_op.create_index('ix_claim_unit_status', ['unit_id', 'status'], unique=False)

    op.create_table('meeting_attendance',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('present', sa.Boolean(), nullable=False),
    sa.Column('attendee', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['committee_meeting.id'], name=op.f('fk_meeting_attendance_meeting_id_committee_meeting')),
    sa.ForeignKeyConstraint(['unit_id'], ['member_unit.id'], name=op.f('fk_meeting_attendance_unit_id_member_unit')),
    sa.PrimaryKeyConstraint('meeting_id', 'unit_id', name=op.f('pk_meeting_attendance'))
    )
    op.create_table('need',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('matter_id', sa.Integer(), nullable=True),
    sa.Column('council_decision_id', sa.Integer(), nullable=True),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('raised_on', sa.Date(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_need_community_id_community')),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_need_created_by_user_account')),
    sa.ForeignKeyConstraint(['matter_id'], ['matter.id'], name=op.f('fk_need_matter_id_matter')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_need_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_need'))
    )
    with op.batch_alter_table('need', schema=None) as batch_op:
        batch_op.create_index('ix_need_community_raised', ['community_id', 'raised_on'], unique=False)

    op.create_table('agenda_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('section', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=True),
    sa.Column('action_item_id', sa.Integer(), nullable=True),
    sa.Column('discussed', sa.Boolean(), nullable=False),
    sa.Column('seconds', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['action_item_id'], ['action_item.id'], name=op.f('fk_agenda_item_action_item_id_action_item')),
    sa.ForeignKeyConstraint(['claim_id'], ['claim.id'], name=op.f('fk_agenda_item_claim_id_claim')),
    sa.ForeignKeyConstraint(['meeting_id'], ['committee_meeting.id'], name=op.f('fk_agenda_item_meeting_id_committee_meeting')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_item'))
    )
    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_item_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('progress_update',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('done', sa.Float(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('file_name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.Column('file_type', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('file_data', sa.LargeBinary(), nullable=True),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['claim.id'], name=op.f('fk_progress_update_claim_id_claim')),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_progress_update_community_id_community')),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_progress_update_created_by_user_account')),
    sa.ForeignKeyConstraint(['meeting_id'], ['committee_meeting.id'], name=op.f('fk_progress_update_meeting_id_committee_meeting')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_progress_update'))
    )
    with op.batch_alter_table('progress_update', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_progress_update_claim_id'), ['claim_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_progress_update_meeting_id'), ['meeting_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('progress_update', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_progress_update_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_progress_update_claim_id'))

    op.drop_table('progress_update')
    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_item_meeting_id'))

    op.drop_table('agenda_item')
    with op.batch_alter_table('need', schema=None) as batch_op:
        batch_op.drop_index('ix_need_community_raised')

    op.drop_table('need')
    op.drop_table('meeting_attendance')
    with op.batch_alter_table('claim', schema=None) as batch_op:
        batch_op.drop_index('ix_claim_unit_status')
        batch_op.drop_index('ix_claim_item_status')
        batch_op.drop_index('ix_claim_community_status')

    op.drop_table('claim')
    with op.batch_alter_table('action_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_item_meeting_id'))
        batch_op.drop_index('ix_action_item_community_done')

    op.drop_table('action_item')
    with op.batch_alter_table('service_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_item_project_id'))
        batch_op.drop_index('ix_service_item_community_end')

    op.drop_table('service_item')
    with op.batch_alter_table('resource', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_resource_unit_id'))
        batch_op.drop_index(batch_op.f('ix_resource_community_id'))

    op.drop_table('resource')
    with op.batch_alter_table('committee_meeting', schema=None) as batch_op:
        batch_op.drop_index('ix_committee_meeting_community_day')

    op.drop_table('committee_meeting')
    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.drop_index('ix_agreement_community_year')

    op.drop_table('agreement')
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.drop_index('ix_project_community_year')

    op.drop_table('project')
    with op.batch_alter_table('member_unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_unit_representative_id'))
        batch_op.drop_index(batch_op.f('ix_member_unit_community_id'))

    op.drop_table('member_unit')
