"""补贴项目: the amount the decision gave each month (decided_fen) and the amount the payroll computed when it
differs (found_fen): such a month is held (status 'held') until a caseworker decides it — prog_entitlements.

Existing months take their standing amount as the decided one (the decision's own per-month figure was not
kept before; a month the decision left waiting for an official figure, amount 0, has none).

Revision ID: 0025_payroll_decided_amounts
Revises: 0024_svc_task_outcomes
Create Date: 2026-12-06 11:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0025_payroll_decided_amounts'
down_revision = '0024_svc_task_outcomes'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('prog_entitlements') as batch:
        batch.add_column(sa.Column('decided_fen', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('found_fen', sa.Integer(), nullable=True))
    op.execute("UPDATE prog_entitlements SET decided_fen = amount_fen WHERE amount_fen > 0")


def downgrade() -> None:
    # a held month goes back to waiting (pending): it is not paid by a schema that cannot hold it
    op.execute("UPDATE prog_entitlements SET status = 'pending' WHERE status = 'held'")
    with op.batch_alter_table('prog_entitlements') as batch:
        batch.drop_column('found_fen')
        batch.drop_column('decided_fen')
