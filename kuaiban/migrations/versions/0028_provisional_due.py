"""Provisional deadlines: a task's, a case's or a 失业登记's deadline counted while a year's 节假日安排 was not
known (weekends and the fixed-date holidays only, kuaiban.platform.calendar.estimate), recomputed when the
year is entered. Rows stored before are final (false).

Revision ID: 0028_provisional_due
Revises: 0027_article_end_lines
Create Date: 2026-12-07 00:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0028_provisional_due'
down_revision = '0027_article_end_lines'
branch_labels = None
depends_on = None

TABLES = ('svc_tasks', 'svc_cases', 'ue_registrations')


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column('due_provisional', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    # ALTER TABLE … DROP COLUMN in place (SQLite 3.35+ and PostgreSQL), not batch mode: copying ue_registrations or
    # svc_cases to drop a column would drop the old copy, and with foreign keys on SQLite deletes every row
    # pointing at it with ON DELETE CASCADE (its deregistrations, notices, tasks)
    for table in TABLES:
        op.drop_column(table, 'due_provisional')
