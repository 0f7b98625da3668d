"""忘记密码: plat_reset_codes, the one live reset code of an account (kuaiban.platform.password_reset).

A caseworker who has checked a person's identity document at a 人社服务窗口 issues a one-time code; only its
scrypt hash is kept, with who issued it and until when (30 minutes). The account is the key: issuing a new
code replaces the old one. A used code is deleted; expired ones are purged by a periodic job.

Revision ID: 0030_password_reset
Revises: 0029_file_owners
Create Date: 2026-12-07 03:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0030_password_reset'
down_revision = '0029_file_owners'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'plat_reset_codes',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('code_hash', sa.String(length=200), nullable=False),
        sa.Column('issued_by', sa.Integer(), nullable=True),
        sa.Column('issued_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['svc_users.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['issued_by'], ['svc_users.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('user_id'),
    )


def downgrade() -> None:
    op.drop_table('plat_reset_codes')
