"""好差评 of a decided benefit claim: svc_ratings and svc_rectifications are of a 一件事 case or of a claim
(prog_claims), exactly one of them (国办发〔2019〕51号: every 政务服务 can be rated).

- svc_ratings: case_id nullable, claim_id (FK prog_claims.id, unique), region (the case's or the claim's: what
  the statistics count by, filled from the case for the existing rows), CHECK exactly one of case_id, claim_id;
- svc_rectifications: case_id nullable, claim_id (FK prog_claims.id, indexed), the same CHECK.

On SQLite the tables are copied (batch mode). svc_rectifications points at svc_ratings with ON DELETE CASCADE
and SQLite's DROP TABLE of the old svc_ratings deletes its rows first, which would take every rectification
with it (foreign keys are on, and cannot be turned off inside the migration's transaction): the rectifications
are kept aside in a temporary table and put back.

The downgrade refuses while a claim's rating is stored (the older schema cannot hold one; nothing is dropped).

Revision ID: 0026_claim_ratings
Revises: 0025_payroll_decided_amounts
Create Date: 2026-12-06 18:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0026_claim_ratings'
down_revision = '0025_payroll_decided_amounts'
branch_labels = None
depends_on = None

ONE_SUBJECT = "(case_id IS NULL) <> (claim_id IS NULL)"
_RECT_COLUMNS = ("id, rating_id, case_id, region, state, version, opened_at, due_at, closed_at, verify_note, "
                 "fix_note, feedback_note")


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _keep_rectifications() -> None:
    if _sqlite():
        op.execute(f"CREATE TEMP TABLE _kept_rectifications AS SELECT {_RECT_COLUMNS} FROM svc_rectifications")


def _restore_rectifications() -> None:
    if _sqlite():
        op.execute(f"INSERT INTO svc_rectifications ({_RECT_COLUMNS}) SELECT {_RECT_COLUMNS} FROM _kept_rectifications"
                   " WHERE id NOT IN (SELECT id FROM svc_rectifications)")
        op.execute("DROP TABLE _kept_rectifications")


def upgrade() -> None:
    _keep_rectifications()
    with op.batch_alter_table('svc_ratings') as batch:
        batch.alter_column('case_id', existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column('claim_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('region', sa.String(length=40), nullable=True))
        batch.create_foreign_key('fk_svc_ratings_claim_id', 'prog_claims', ['claim_id'], ['id'])
        batch.create_unique_constraint('uq_svc_ratings_claim_id', ['claim_id'])
        batch.create_index('ix_svc_ratings_region', ['region'])
        batch.create_check_constraint('ck_svc_ratings_one_subject', ONE_SUBJECT)
    _restore_rectifications()
    op.execute("UPDATE svc_ratings SET region = (SELECT region FROM svc_cases WHERE svc_cases.id = svc_ratings.case_id)")
    with op.batch_alter_table('svc_rectifications') as batch:
        batch.alter_column('case_id', existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column('claim_id', sa.Integer(), nullable=True))
        batch.create_foreign_key('fk_svc_rectifications_claim_id', 'prog_claims', ['claim_id'], ['id'])
        batch.create_index('ix_svc_rectifications_claim_id', ['claim_id'])
        batch.create_check_constraint('ck_svc_rectifications_one_subject', ONE_SUBJECT)


def downgrade() -> None:
    rated = op.get_bind().execute(sa.text("SELECT count(*) FROM svc_ratings WHERE claim_id IS NOT NULL")).scalar()
    if rated:
        raise RuntimeError(f"已有 {rated} 条补贴申领的评价：旧版本无法保存，不能降级（未删除任何数据）")
    with op.batch_alter_table('svc_rectifications') as batch:
        batch.drop_constraint('ck_svc_rectifications_one_subject', type_='check')
        batch.drop_index('ix_svc_rectifications_claim_id')
        batch.drop_constraint('fk_svc_rectifications_claim_id', type_='foreignkey')
        batch.drop_column('claim_id')
        batch.alter_column('case_id', existing_type=sa.Integer(), nullable=False)
    _keep_rectifications()
    with op.batch_alter_table('svc_ratings') as batch:
        batch.drop_constraint('ck_svc_ratings_one_subject', type_='check')
        batch.drop_index('ix_svc_ratings_region')
        batch.drop_constraint('uq_svc_ratings_claim_id', type_='unique')
        batch.drop_constraint('fk_svc_ratings_claim_id', type_='foreignkey')
        batch.drop_column('region')
        batch.drop_column('claim_id')
        batch.alter_column('case_id', existing_type=sa.Integer(), nullable=False)
    _restore_rectifications()
