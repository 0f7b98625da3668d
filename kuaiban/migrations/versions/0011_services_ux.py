"""Services a citizen and a caseworker would choose: 补正期限 on a task, and 告知承诺 credit records

- ``svc_tasks.correction_due``: the 补正期限 the window clerk sets on a 补正 notice (end of that day).
- ``svc_credit_records``: an applicant whose commitment was found untrue (核查不实) is recorded here
  (人社厅发〔2020〕110号: 纳入信用记录); while a record is not repaired (信用修复) the applicant may not
  commit instead of a certificate again (在信用修复前，不适用告知承诺制). Rows are never deleted: a
  repair is written on the row (who, when, why).

Revision ID: 0011_services_ux
Revises: 0011_programs
Create Date: 2026-12-02 12:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0011_services_ux'
down_revision = '0011_programs'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("svc_tasks") as batch:
        batch.add_column(sa.Column("correction_due", sa.DateTime(), nullable=True))
    op.create_table(
        "svc_credit_records",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("applicant_id", sa.Integer(), sa.ForeignKey("svc_applicants.id"), nullable=False, index=True),
        sa.Column("commitment_id", sa.Integer(), sa.ForeignKey("svc_commitments.id"), nullable=False, unique=True),
        sa.Column("case_number", sa.String(40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), sa.ForeignKey("svc_users.id"), nullable=True),
        sa.Column("repaired_at", sa.DateTime(), nullable=True),
        sa.Column("repaired_by", sa.Integer(), sa.ForeignKey("svc_users.id"), nullable=True),
        sa.Column("repair_note", sa.Text(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("svc_credit_records")
    with op.batch_alter_table("svc_tasks") as batch:
        batch.drop_column("correction_due")
