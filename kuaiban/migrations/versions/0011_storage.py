"""Stored files shared by every app node (kuaiban/platform/storage.py, KUAIBAN_STORAGE=database)

Revision ID: 0011_storage
Revises: 0010_personal_data
Create Date: 2026-12-02 12:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0011_storage'
down_revision = '0010_personal_data'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('plat_files',
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('stored_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('digest')
    )


def downgrade() -> None:
    op.drop_table('plat_files')
