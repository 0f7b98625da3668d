"""失业登记: registrations, 书面承诺, register checks (simulated registers), follow-ups, services provided,
deregistrations (exit records queued for upload), AAZ341 number counters

Revision ID: 0003_unemployment
Revises: 0002_services
Create Date: 2026-11-22 09:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0003_unemployment'
down_revision = '0002_services'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # AAZ341 系统流水号 counters: one row per (登记地, day); the number is region + date + sequence.
    op.create_table('ue_number_counters',
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )

    op.create_table('ue_registrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('aaz341', sa.String(length=18), nullable=False),
    sa.Column('adc201', sa.String(length=36), nullable=True),  # 全国平台申请编号: national channel only
    sa.Column('aab301', sa.String(length=6), nullable=False),
    sa.Column('channel', sa.String(length=12), nullable=False),
    sa.Column('place_basis', sa.String(length=12), nullable=False),
    sa.Column('id_number', sa.String(length=22), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('applicant_user_id', sa.Integer(), nullable=True),
    sa.Column('filed_by_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('application', sa.JSON(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=False),
    sa.Column('limit_working_days', sa.Integer(), nullable=False),
    sa.Column('limit_basis', sa.String(length=200), nullable=False),
    sa.Column('due_at', sa.DateTime(), nullable=True),  # unknown when the holiday calendar is
    sa.Column('register_check', sa.JSON(), nullable=True),
    sa.Column('register_flagged', sa.Boolean(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decision', sa.String(length=3), nullable=True),
    sa.Column('reject_reason', sa.String(length=200), nullable=True),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.Column('result_notes', sa.JSON(), nullable=True),
    sa.Column('result_uploaded_at', sa.DateTime(), nullable=True),
    sa.Column('contact_due_at', sa.DateTime(), nullable=True),
    sa.Column('deregistered_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['applicant_user_id'], ['svc_users.id'], ),
    sa.ForeignKeyConstraint(['filed_by_id'], ['svc_users.id'], ),
    sa.ForeignKeyConstraint(['decided_by_id'], ['svc_users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('aaz341'),
    sa.UniqueConstraint('adc201')
    )
    with op.batch_alter_table('ue_registrations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ue_registrations_aab301'), ['aab301'], unique=False)
        batch_op.create_index(batch_op.f('ix_ue_registrations_id_number'), ['id_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_ue_registrations_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_ue_registrations_submitted_at'), ['submitted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_ue_registrations_applicant_user_id'), ['applicant_user_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_ue_registrations_result_uploaded_at'), ['result_uploaded_at'],
                              unique=False)

    op.create_table('ue_commitments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('signer', sa.String(length=50), nullable=False),
    sa.Column('signer_id_number', sa.String(length=22), nullable=False),
    sa.Column('signed_at', sa.DateTime(), nullable=False),
    sa.Column('signature', sa.String(length=64), nullable=False),
    sa.Column('source', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['registration_id'], ['ue_registrations.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('registration_id')
    )

    op.create_table('ue_followups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('method', sa.String(length=12), nullable=False),
    sa.Column('outcome', sa.String(length=12), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['registration_id'], ['ue_registrations.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['svc_users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('ue_followups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ue_followups_registration_id'), ['registration_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ue_followups_at'), ['at'], unique=False)

    op.create_table('ue_services_provided',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('service_key', sa.String(length=40), nullable=False),
    sa.Column('provided_at', sa.DateTime(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['registration_id'], ['ue_registrations.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['svc_users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('registration_id', 'service_key')
    )

    op.create_table('ue_deregistrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('aab301', sa.String(length=6), nullable=False),
    sa.Column('aaz341', sa.String(length=18), nullable=False),
    sa.Column('reason_code', sa.String(length=3), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('sub_reason', sa.String(length=20), nullable=True),
    sa.Column('employer', sa.String(length=200), nullable=True),
    sa.Column('evidence', sa.JSON(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('notice_required', sa.Boolean(), nullable=False),
    sa.Column('exit_record', sa.JSON(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('exit_uploaded_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['registration_id'], ['ue_registrations.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['svc_users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('registration_id'),
    sa.UniqueConstraint('aab301', 'aaz341')
    )
    with op.batch_alter_table('ue_deregistrations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ue_deregistrations_exit_uploaded_at'), ['exit_uploaded_at'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_ue_deregistrations_recorded_at'), ['recorded_at'], unique=False)

    # Simulated 社会保险参保登记 and 劳动用工备案 registers (synthetic rows; a real deployment asks the real ones).
    op.create_table('ue_register_insurance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('id_number', sa.String(length=18), nullable=False),
    sa.Column('unit_code', sa.String(length=40), nullable=True),
    sa.Column('unit_name', sa.String(length=200), nullable=False),
    sa.Column('insurance', sa.String(length=40), nullable=False),
    sa.Column('region', sa.String(length=6), nullable=True),
    sa.Column('start_on', sa.Date(), nullable=False),
    sa.Column('end_on', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('ue_register_insurance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ue_register_insurance_id_number'), ['id_number'], unique=False)

    op.create_table('ue_register_employment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('id_number', sa.String(length=18), nullable=False),
    sa.Column('unit_code', sa.String(length=40), nullable=True),
    sa.Column('unit_name', sa.String(length=200), nullable=False),
    sa.Column('region', sa.String(length=6), nullable=True),
    sa.Column('start_on', sa.Date(), nullable=False),
    sa.Column('end_on', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('ue_register_employment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ue_register_employment_id_number'), ['id_number'], unique=False)


def downgrade() -> None:
    for table, indexes in (
        ('ue_register_employment', ['ix_ue_register_employment_id_number']),
        ('ue_register_insurance', ['ix_ue_register_insurance_id_number']),
        ('ue_deregistrations', ['ix_ue_deregistrations_recorded_at', 'ix_ue_deregistrations_exit_uploaded_at']),
        ('ue_services_provided', []),
        ('ue_followups', ['ix_ue_followups_at', 'ix_ue_followups_registration_id']),
        ('ue_commitments', []),
        ('ue_registrations', ['ix_ue_registrations_result_uploaded_at', 'ix_ue_registrations_applicant_user_id',
                              'ix_ue_registrations_submitted_at', 'ix_ue_registrations_status',
                              'ix_ue_registrations_id_number', 'ix_ue_registrations_aab301']),
        ('ue_number_counters', []),
    ):
        if indexes:
            with op.batch_alter_table(table, schema=None) as batch_op:
                for name in indexes:
                    batch_op.drop_index(name)
        op.drop_table(table)
