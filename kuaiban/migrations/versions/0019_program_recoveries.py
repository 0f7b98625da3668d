"""Programs: a recovery (追回) becomes a tracked debt — person, program, region, months, stop rule and clause,
what was repaid, the 核销 decision — and its repayments (prog_recovery_repayments, one per reference)

Revision ID: 0019_program_recoveries
Revises: 0018_ue_notices
Create Date: 2026-12-06 04:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0019_program_recoveries'
down_revision = '0018_ue_notices'
branch_labels = None
depends_on = None

_COLUMNS = ('applicant_id', 'program', 'region', 'months', 'rule', 'source', 'repaid_fen', 'decided_by',
            'decision_reason', 'decided_at', 'version')


def upgrade() -> None:
    with op.batch_alter_table('prog_recoveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('applicant_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('program', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('region', sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column('months', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('rule', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('source', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('repaid_fen', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('decided_by', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('decision_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('decided_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
        batch_op.create_foreign_key('fk_prog_recoveries_decided_by', 'svc_users', ['decided_by'], ['id'])
        batch_op.create_index('ix_prog_recoveries_applicant_id', ['applicant_id'], unique=False)
        batch_op.create_index('ix_prog_recoveries_region', ['region'], unique=False)
        batch_op.create_index('ix_prog_recoveries_status', ['status'], unique=False)
    # rows of before: who, which program and region from their claim; a row marked repaid was repaid in full
    op.execute("UPDATE prog_recoveries SET "
               "applicant_id = (SELECT c.applicant_id FROM prog_claims c WHERE c.id = prog_recoveries.claim_id), "
               "program = (SELECT c.program FROM prog_claims c WHERE c.id = prog_recoveries.claim_id), "
               "region = (SELECT c.region FROM prog_claims c WHERE c.id = prog_recoveries.claim_id)")
    op.execute("UPDATE prog_recoveries SET repaid_fen = amount_fen WHERE status = 'repaid'")

    op.create_table('prog_recovery_repayments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recovery_id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=64), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['recovery_id'], ['prog_recoveries.id'], ),
    sa.ForeignKeyConstraint(['actor_id'], ['svc_users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('recovery_id', 'reference', name='uq_prog_repayment_reference')
    )
    op.create_index('ix_prog_recovery_repayments_recovery_id', 'prog_recovery_repayments', ['recovery_id'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_prog_recovery_repayments_recovery_id', table_name='prog_recovery_repayments')
    op.drop_table('prog_recovery_repayments')
    with op.batch_alter_table('prog_recoveries', schema=None) as batch_op:
        batch_op.drop_index('ix_prog_recoveries_status')
        batch_op.drop_index('ix_prog_recoveries_region')
        batch_op.drop_index('ix_prog_recoveries_applicant_id')
        batch_op.drop_constraint('fk_prog_recoveries_decided_by', type_='foreignkey')
        for name in reversed(_COLUMNS):
            batch_op.drop_column(name)
