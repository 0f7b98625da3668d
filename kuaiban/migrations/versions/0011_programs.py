"""Benefit and subsidy programs: claims, review history, 公示 objections, entitlements, payment batches
and lines (one per beneficiary, program and month, ever), recoveries, simulated registers

Revision ID: 0011_programs
Revises: 0011_rules_design
Create Date: 2026-12-02 11:43:43.883872
"""
import sqlalchemy as sa
from alembic import op

revision = '0011_programs'
down_revision = '0011_rules_design'  # chained after rules-design's 0011, merged into this branch
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('prog_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program', sa.String(length=60), nullable=False),
    sa.Column('region', sa.String(length=12), nullable=False),
    sa.Column('month', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('lines', sa.Integer(), nullable=False),
    sa.Column('total_fen', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('reconciled_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('prog_batches', schema=None) as batch_op:
        batch_op.create_index('uq_prog_monthly_batch', ['program', 'region', 'month'], unique=True)

    op.create_table('prog_register_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('register', sa.String(length=40), nullable=False),
    sa.Column('subject_hash', sa.String(length=80), nullable=False),
    sa.Column('facts', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('register', 'subject_hash', name='uq_prog_register_subject')
    )
    op.create_table('prog_registers',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('label', sa.String(length=80), nullable=False),
    sa.Column('online', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_table('prog_claims',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program', sa.String(length=60), nullable=False),
    sa.Column('applicant_id', sa.Integer(), nullable=False),
    sa.Column('region', sa.String(length=12), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('step', sa.Integer(), nullable=False),
    sa.Column('step_due', sa.Date(), nullable=True),
    sa.Column('facts', sa.JSON(), nullable=False),
    sa.Column('commitment', sa.Text(), nullable=True),
    sa.Column('account', sa.Text(), nullable=True),
    sa.Column('flags', sa.JSON(), nullable=False),
    sa.Column('monthly_fen', sa.Integer(), nullable=True),
    sa.Column('explanation', sa.JSON(), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('publicity_until', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['applicant_id'], ['svc_applicants.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('prog_claims', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_prog_claims_applicant_id'), ['applicant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_prog_claims_program'), ['program'], unique=False)
        batch_op.create_index(batch_op.f('ix_prog_claims_region'), ['region'], unique=False)
        batch_op.create_index(batch_op.f('ix_prog_claims_status'), ['status'], unique=False)

    op.create_table('prog_claim_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.String(length=60), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['svc_users.id'], ),
    sa.ForeignKeyConstraint(['claim_id'], ['prog_claims.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('prog_claim_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_prog_claim_events_claim_id'), ['claim_id'], unique=False)

    op.create_table('prog_entitlements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('applicant_id', sa.Integer(), nullable=False),
    sa.Column('program', sa.String(length=60), nullable=False),
    sa.Column('region', sa.String(length=12), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.ForeignKeyConstraint(['applicant_id'], ['svc_applicants.id'], ),
    sa.ForeignKeyConstraint(['claim_id'], ['prog_claims.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('claim_id', 'month', name='uq_prog_entitlement_month')
    )
    with op.batch_alter_table('prog_entitlements', schema=None) as batch_op:
        batch_op.create_index('ix_prog_entitlements_due', ['program', 'status', 'month'], unique=False)

    op.create_table('prog_objections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('filed_by', sa.Integer(), nullable=True),
    sa.Column('filed_at', sa.DateTime(), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('resolution', sa.Text(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['claim_id'], ['prog_claims.id'], ),
    sa.ForeignKeyConstraint(['filed_by'], ['svc_users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('prog_objections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_prog_objections_claim_id'), ['claim_id'], unique=False)

    op.create_table('prog_recoveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['prog_claims.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('prog_recoveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_prog_recoveries_claim_id'), ['claim_id'], unique=False)

    op.create_table('prog_payment_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('entitlement_id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('applicant_id', sa.Integer(), nullable=False),
    sa.Column('program', sa.String(length=60), nullable=False),
    sa.Column('region', sa.String(length=12), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('return_reason', sa.Text(), nullable=True),
    sa.Column('reissue_batch_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['prog_batches.id'], ),
    sa.ForeignKeyConstraint(['entitlement_id'], ['prog_entitlements.id'], ),
    sa.ForeignKeyConstraint(['reissue_batch_id'], ['prog_batches.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('applicant_id', 'program', 'month', name='uq_prog_line_once')
    )
    with op.batch_alter_table('prog_payment_lines', schema=None) as batch_op:
        batch_op.create_index('ix_prog_lines_batch', ['batch_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('prog_payment_lines', schema=None) as batch_op:
        batch_op.drop_index('ix_prog_lines_batch')

    op.drop_table('prog_payment_lines')
    with op.batch_alter_table('prog_recoveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_prog_recoveries_claim_id'))

    op.drop_table('prog_recoveries')
    with op.batch_alter_table('prog_objections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_prog_objections_claim_id'))

    op.drop_table('prog_objections')
    with op.batch_alter_table('prog_entitlements', schema=None) as batch_op:
        batch_op.drop_index('ix_prog_entitlements_due')

    op.drop_table('prog_entitlements')
    with op.batch_alter_table('prog_claim_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_prog_claim_events_claim_id'))

    op.drop_table('prog_claim_events')
    with op.batch_alter_table('prog_claims', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_prog_claims_status'))
        batch_op.drop_index(batch_op.f('ix_prog_claims_region'))
        batch_op.drop_index(batch_op.f('ix_prog_claims_program'))
        batch_op.drop_index(batch_op.f('ix_prog_claims_applicant_id'))

    op.drop_table('prog_claims')
    op.drop_table('prog_registers')
    op.drop_table('prog_register_records')
    with op.batch_alter_table('prog_batches', schema=None) as batch_op:
        batch_op.drop_index('uq_prog_monthly_batch')

    op.drop_table('prog_batches')
