"""svc_users.must_change_password: after an administrator's reset the holder sets their own password first

Revision ID: 0015_password_change
Revises: 0014_holds
Create Date: 2026-12-02 18:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0015_password_change'
down_revision = '0014_holds'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('svc_users') as batch:
        batch.add_column(sa.Column('must_change_password', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('svc_users') as batch:
        batch.drop_column('must_change_password')
