"""快办: a task's limit basis holds a whole 文号 (svc_tasks.limit_basis 12 → 40 characters)

The basis of a task's time limit is 提速目标 / 法定时限 or the 文号 of the text it counts with. A 文号 such as
人社厅发〔2021〕85号 (1.8.8 跨省, from 2021-11-09) or 鲁人社函〔2020〕41号 (山东 1.8.1) has 13 characters, so
on PostgreSQL submitting such a case failed (value too long for character varying(12)); SQLite never checked.

Revision ID: 0021_svc_limit_basis_width
Revises: 0020_ue_notices_backfill
Create Date: 2026-12-06 04:20:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0021_svc_limit_basis_width'
down_revision = '0020_ue_notices_backfill'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('svc_tasks') as batch:
        batch.alter_column('limit_basis', existing_type=sa.String(length=12), type_=sa.String(length=40),
                           existing_nullable=True)


def downgrade() -> None:
    """The column stays 40 wide. Narrowing it back would fail on PostgreSQL (value too long) as soon as one
    13-character 文号 is stored — the reason for this revision — or else cut the 文号 that is a task's basis;
    the code of 0020 writes at most 12 characters, which the wider column holds as well. Upgrading again
    changes nothing."""
