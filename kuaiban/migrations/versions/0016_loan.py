"""创业担保贷款: applications (and the loans), their timeline, the quarterly 贴息 claims

Revision ID: 0016_loan
Revises: 0015_password_change
Create Date: 2026-12-02 18:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0016_loan'
down_revision = '0015_password_change'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('loan_applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('applicant_id', sa.Integer(), nullable=False),
    sa.Column('region', sa.String(length=12), nullable=False),
    sa.Column('borrower', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('step_due', sa.Date(), nullable=True),
    sa.Column('guarantor', sa.String(length=80), nullable=True),
    sa.Column('bank', sa.String(length=80), nullable=True),
    sa.Column('requested_fen', sa.BigInteger(), nullable=False),
    sa.Column('requested_months', sa.Integer(), nullable=False),
    sa.Column('facts', sa.JSON(), nullable=False),
    sa.Column('materials', sa.JSON(), nullable=False),
    sa.Column('commitment', sa.Text(), nullable=True),
    sa.Column('account', sa.Text(), nullable=True),
    sa.Column('approved_limit_fen', sa.BigInteger(), nullable=True),
    sa.Column('max_term_months', sa.Integer(), nullable=True),
    sa.Column('eligibility', sa.JSON(), nullable=False),
    sa.Column('guarantee_no', sa.String(length=60), nullable=True),
    sa.Column('guaranteed_fen', sa.BigInteger(), nullable=True),
    sa.Column('contract_no', sa.String(length=60), nullable=True),
    sa.Column('contract_date', sa.Date(), nullable=True),
    sa.Column('principal_fen', sa.BigInteger(), nullable=True),
    sa.Column('term_months', sa.Integer(), nullable=True),
    sa.Column('rate', sa.String(length=12), nullable=True),
    sa.Column('lpr', sa.String(length=12), nullable=True),
    sa.Column('rate_cap', sa.String(length=12), nullable=True),
    sa.Column('subsidy_rate', sa.String(length=12), nullable=True),
    sa.Column('disbursed_on', sa.Date(), nullable=True),
    sa.Column('maturity', sa.Date(), nullable=True),
    sa.Column('contract_steps', sa.JSON(), nullable=False),
    sa.Column('extended_on', sa.Date(), nullable=True),
    sa.Column('overdue_on', sa.Date(), nullable=True),
    sa.Column('repaid_on', sa.Date(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['applicant_id'], ['svc_applicants.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    for column in ('applicant_id', 'region', 'status', 'guarantor', 'bank'):
        op.create_index(f'ix_loan_applications_{column}', 'loan_applications', [column], unique=False)
    op.create_table('loan_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.String(length=40), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('party', sa.String(length=20), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['svc_users.id'], ),
    sa.ForeignKeyConstraint(['application_id'], ['loan_applications.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_loan_events_application_id', 'loan_events', ['application_id'], unique=False)
    op.create_table('loan_subsidy_claims',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('region', sa.String(length=12), nullable=False),
    sa.Column('bank', sa.String(length=80), nullable=False),
    sa.Column('quarter', sa.String(length=7), nullable=False),
    sa.Column('interest_fen', sa.BigInteger(), nullable=False),
    sa.Column('subsidy_fen', sa.BigInteger(), nullable=False),
    sa.Column('basis', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('due', sa.Date(), nullable=True),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=False),
    sa.Column('checked_at', sa.DateTime(), nullable=True),
    sa.Column('paid_at', sa.DateTime(), nullable=True),
    sa.Column('credited_at', sa.DateTime(), nullable=True),
    sa.Column('credit_due', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['loan_applications.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('application_id', 'quarter', name='uq_loan_subsidy_quarter')
    )
    for column in ('application_id', 'region', 'bank', 'status'):
        op.create_index(f'ix_loan_subsidy_claims_{column}', 'loan_subsidy_claims', [column], unique=False)


def downgrade() -> None:
    op.drop_table('loan_subsidy_claims')
    op.drop_table('loan_events')
    op.drop_table('loan_applications')
