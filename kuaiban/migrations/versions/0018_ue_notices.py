"""失业登记: the notices a person is owed and how they were told (ue_notices); an exit record held back
from the daily upload with the reason (ue_deregistrations.exit_held); a 一件事 task handed off to another
pillar keeps the number it got there (svc_tasks.handoff_ref: the 失业 一件事's 失业登记)

Revision ID: 0018_ue_notices
Revises: 0017_mianshen
Create Date: 2027-01-10 10:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0018_ue_notices'
down_revision = '0017_mianshen'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ue_notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('about', sa.String(length=16), nullable=False),
    sa.Column('owed_since', sa.DateTime(), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=True),
    sa.Column('told_at', sa.DateTime(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['registration_id'], ['ue_registrations.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['svc_users.id']),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_ue_notices_registration_id', 'ue_notices', ['registration_id'], unique=False)
    op.create_index('ix_ue_notices_told_at', 'ue_notices', ['told_at'], unique=False)
    op.add_column('ue_deregistrations', sa.Column('exit_held', sa.String(length=200), nullable=True))
    op.add_column('svc_tasks', sa.Column('handoff_ref', sa.String(length=40), nullable=True))
    op.create_index('ix_svc_tasks_handoff_ref', 'svc_tasks', ['handoff_ref'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_svc_tasks_handoff_ref', table_name='svc_tasks')
    with op.batch_alter_table('svc_tasks') as batch:
        batch.drop_column('handoff_ref')
    with op.batch_alter_table('ue_deregistrations') as batch:
        batch.drop_column('exit_held')
    op.drop_index('ix_ue_notices_told_at', table_name='ue_notices')
    op.drop_index('ix_ue_notices_registration_id', table_name='ue_notices')
    op.drop_table('ue_notices')
