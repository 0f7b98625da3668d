"""限制办理 (plat_holds): a program's payment period that binds another procedure (京人社发[2020]8号 一（六）)

Revision ID: 0014_holds
Revises: 0013_ui_transfer
Create Date: 2026-12-02 18:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0014_holds'
down_revision = '0013_ui_transfer'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('plat_holds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject_hash', sa.String(length=80), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('region', sa.String(length=12), nullable=False),
    sa.Column('starts', sa.Date(), nullable=False),
    sa.Column('ends', sa.Date(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('source', sa.String(length=80), nullable=True),
    sa.Column('origin', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_plat_holds_subject_hash', 'plat_holds', ['subject_hash'])
    op.create_index('ix_plat_holds_origin', 'plat_holds', ['origin'])


def downgrade() -> None:
    op.drop_index('ix_plat_holds_origin', table_name='plat_holds')
    op.drop_index('ix_plat_holds_subject_hash', table_name='plat_holds')
    op.drop_table('plat_holds')
