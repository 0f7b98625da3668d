"""失业登记 national sync: inbox of downloaded applications, outbox of result/exit uploads, cursors, counters

Revision ID: 0004_national_sync
Revises: 0003_unemployment
Create Date: 2026-11-22 10:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0004_national_sync'
down_revision = '0003_unemployment'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ue_sync_inbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('adc201', sa.String(length=36), nullable=False),
    sa.Column('platform_seq', sa.BigInteger(), nullable=False),
    sa.Column('aab301', sa.String(length=6), nullable=True),
    sa.Column('record', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('local_ref', sa.String(length=40), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('adc201')
    )
    with op.batch_alter_table('ue_sync_inbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ue_sync_inbox_state'), ['state'], unique=False)

    op.create_table('ue_sync_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('record_key', sa.String(length=40), nullable=False),
    sa.Column('local_id', sa.Integer(), nullable=False),
    sa.Column('adc201', sa.String(length=36), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('batch_date', sa.String(length=8), nullable=True),
    sa.Column('staged_at', sa.DateTime(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('acked_at', sa.DateTime(), nullable=True),
    sa.Column('ack_status', sa.String(length=24), nullable=True),
    sa.Column('failed_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('kind', 'record_key'),
    sa.UniqueConstraint('kind', 'local_id')
    )
    with op.batch_alter_table('ue_sync_outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ue_sync_outbox_acked_at'), ['acked_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_ue_sync_outbox_failed_at'), ['failed_at'], unique=False)

    op.create_table('ue_sync_cursors',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('position', sa.BigInteger(), nullable=True),
    sa.Column('text', sa.String(length=200), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )

    op.create_table('ue_sync_counters',
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )


def downgrade() -> None:
    op.drop_table('ue_sync_counters')
    op.drop_table('ue_sync_cursors')
    with op.batch_alter_table('ue_sync_outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ue_sync_outbox_failed_at'))
        batch_op.drop_index(batch_op.f('ix_ue_sync_outbox_acked_at'))
    op.drop_table('ue_sync_outbox')
    with op.batch_alter_table('ue_sync_inbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ue_sync_inbox_state'))
    op.drop_table('ue_sync_inbox')
