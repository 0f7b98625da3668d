"""消息中心: messages to accounts, their delivery outbox, the default sender's deliveries

Revision ID: 0006_notifications
Revises: 0005_region_codes
Create Date: 2026-12-02 06:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0006_notifications'
down_revision = '0005_region_codes'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('msg_notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('link', sa.String(length=300), nullable=True),
    sa.Column('ref', sa.String(length=60), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['svc_users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('msg_notifications', schema=None) as batch_op:
        batch_op.create_index('ix_msg_notifications_user_unread', ['user_id', 'read_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_msg_notifications_ref'), ['ref'], unique=False)

    op.create_table('msg_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notification_id', sa.Integer(), nullable=False),
    sa.Column('recipient', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('claimed_until', sa.DateTime(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('failed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['notification_id'], ['msg_notifications.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('notification_id')
    )
    with op.batch_alter_table('msg_outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_msg_outbox_sent_at'), ['sent_at'], unique=False)

    op.create_table('msg_deliveries',
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('recipient', sa.String(length=80), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('delivered_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )


def downgrade() -> None:
    op.drop_table('msg_deliveries')
    with op.batch_alter_table('msg_outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_msg_outbox_sent_at'))
    op.drop_table('msg_outbox')
    with op.batch_alter_table('msg_notifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_msg_notifications_ref'))
        batch_op.drop_index('ix_msg_notifications_user_unread')
    op.drop_table('msg_notifications')
