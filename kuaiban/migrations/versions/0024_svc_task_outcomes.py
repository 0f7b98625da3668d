"""快办: the result recorded when 失业保险金申领 (1.8.1) is closed — 核定 or 不予核定, the monthly amount and months
the office decided, the first month, the account (sealed) — svc_task_outcomes

Revision ID: 0024_svc_task_outcomes
Revises: 0023_prog_recovery_months
Create Date: 2026-12-06 05:05:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0024_svc_task_outcomes'
down_revision = '0023_prog_recovery_months'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('svc_task_outcomes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(length=8), nullable=False),
    sa.Column('monthly_amount', sa.String(length=20), nullable=True),
    sa.Column('months', sa.Integer(), nullable=True),
    sa.Column('first_month', sa.String(length=7), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['task_id'], ['svc_tasks.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by'], ['svc_users.id']),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('task_id')
    )


def downgrade() -> None:
    op.drop_table('svc_task_outcomes')
