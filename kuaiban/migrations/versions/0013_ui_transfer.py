"""失业保险关系跨省转移接续 (人社厅发〔2021〕85号): transfers, their steps, partner systems, outbox and inbox

Revision ID: 0013_ui_transfer
Revises: 0011_services_ux
Create Date: 2026-12-02 12:50:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0013_ui_transfer'
down_revision = '0011_services_ux'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ue_transfer_inbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.String(length=64), nullable=False),
    sa.Column('partner_province', sa.String(length=2), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('transfer_ref', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=True),
    sa.Column('outcome', sa.String(length=200), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('message_id')
    )
    op.create_table('ue_transfer_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.String(length=64), nullable=False),
    sa.Column('partner_province', sa.String(length=2), nullable=False),
    sa.Column('transfer_ref', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('staged_at', sa.DateTime(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('acked_at', sa.DateTime(), nullable=True),
    sa.Column('ack_status', sa.String(length=24), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('message_id')
    )
    op.create_index('ix_ue_transfer_outbox_acked_at', 'ue_transfer_outbox', ['acked_at'], unique=False)
    op.create_index('ix_ue_transfer_outbox_partner_province', 'ue_transfer_outbox', ['partner_province'],
                    unique=False)
    op.create_table('ue_transfer_partners',
    sa.Column('province', sa.String(length=2), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('url', sa.String(length=300), nullable=False),
    sa.Column('cursor', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('province')
    )
    op.create_table('ue_transfers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ref', sa.String(length=40), nullable=False),
    sa.Column('origin_region', sa.String(length=6), nullable=False),
    sa.Column('destination_region', sa.String(length=6), nullable=False),
    sa.Column('origin_office', sa.String(length=100), nullable=False),
    sa.Column('destination_office', sa.String(length=100), nullable=False),
    sa.Column('filed_at_side', sa.String(length=12), nullable=False),
    sa.Column('filed_by', sa.String(length=12), nullable=False),
    sa.Column('partner_province', sa.String(length=2), nullable=True),
    sa.Column('person_applicant_id', sa.Integer(), nullable=True),
    sa.Column('record', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('stage_started_on', sa.Date(), nullable=False),
    sa.Column('stage_due', sa.Date(), nullable=True),
    sa.Column('stage_basis', sa.String(length=200), nullable=False),
    sa.Column('refused_by_side', sa.String(length=12), nullable=True),
    sa.Column('refusal_reason', sa.Text(), nullable=True),
    sa.Column('transferred_out_on', sa.Date(), nullable=True),
    sa.Column('transferred_in_on', sa.Date(), nullable=True),
    sa.Column('fund_state', sa.String(length=12), nullable=True),
    sa.Column('fund_amount', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('fund_due', sa.Date(), nullable=True),
    sa.Column('fund_sent_on', sa.Date(), nullable=True),
    sa.Column('fund_received_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['person_applicant_id'], ['svc_applicants.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('ref')
    )
    for column in ('destination_region', 'origin_region', 'person_applicant_id', 'state'):
        op.create_index(f'ix_ue_transfers_{column}', 'ue_transfers', [column], unique=False)
    op.create_table('ue_transfer_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('transfer_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('side', sa.String(length=12), nullable=False),
    sa.Column('what', sa.String(length=40), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('remote', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['svc_users.id'], ),
    sa.ForeignKeyConstraint(['transfer_id'], ['ue_transfers.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_ue_transfer_steps_transfer_id', 'ue_transfer_steps', ['transfer_id'], unique=False)


def downgrade() -> None:
    op.drop_table('ue_transfer_steps')
    op.drop_table('ue_transfers')
    op.drop_table('ue_transfer_partners')
    op.drop_table('ue_transfer_outbox')
    op.drop_table('ue_transfer_inbox')
