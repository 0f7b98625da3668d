"""稳岗返还 免申即享: imported screening runs (名单) and their entries, listed or refused with the reason

Revision ID: 0017_mianshen
Revises: 0016_loan
Create Date: 2026-12-02 17:50:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0017_mianshen'
down_revision = '0016_loan'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('prog_listing_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program', sa.String(length=60), nullable=False),
    sa.Column('run_key', sa.String(length=64), nullable=False),
    sa.Column('as_of', sa.String(length=10), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('regions', sa.JSON(), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('eligible', sa.Integer(), nullable=False),
    sa.Column('total_fen', sa.BigInteger(), nullable=False),
    sa.Column('manifest', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('publicity_days', sa.Integer(), nullable=True),
    sa.Column('publicity_until', sa.Date(), nullable=True),
    sa.Column('confirm_working_days', sa.Integer(), nullable=True),
    sa.Column('confirm_due', sa.Date(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('program', 'run_key', name='uq_prog_listing_run')
    )
    op.create_index('ix_prog_listing_runs_program', 'prog_listing_runs', ['program'], unique=False)
    op.create_table('prog_listing_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('program', sa.String(length=60), nullable=False),
    sa.Column('credit_hash', sa.String(length=80), nullable=False),
    sa.Column('credit_masked', sa.String(length=24), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('region', sa.String(length=12), nullable=False),
    sa.Column('eligible', sa.Boolean(), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('ceiling', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('insured_last_year', sa.Integer(), nullable=False),
    sa.Column('layoff_rate', sa.Float(), nullable=True),
    sa.Column('contributions_fen', sa.BigInteger(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=True),
    sa.Column('answer', sa.String(length=12), nullable=True),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_prog_listing_entries_code', 'prog_listing_entries', ['program', 'credit_hash'], unique=False)
    op.create_index('ix_prog_listing_entries_run', 'prog_listing_entries', ['run_id', 'region'], unique=False)
    op.create_index('ix_prog_listing_entries_claim_id', 'prog_listing_entries', ['claim_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_prog_listing_entries_claim_id', table_name='prog_listing_entries')
    op.drop_index('ix_prog_listing_entries_run', table_name='prog_listing_entries')
    op.drop_index('ix_prog_listing_entries_code', table_name='prog_listing_entries')
    op.drop_table('prog_listing_entries')
    op.drop_index('ix_prog_listing_runs_program', table_name='prog_listing_runs')
    op.drop_table('prog_listing_runs')
