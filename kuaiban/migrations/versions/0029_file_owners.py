"""Whose uploaded files: plat_file_owners (file digest, applicant record, uploading account, when).

A 一件事 material counts as 已提交 only with a file its applicant uploaded (security review finding 17, audit
2026-12 §4.1), and a case's material is served only under that condition. The materials stored before this
revision were made by the pages from the applicant's own upload, so each well-formed reference
(``<sha256>:<file name>``) of a case is recorded as uploaded by that case's applicant (account unknown:
NULL). References that are not of that form (a bare file name sent through the API) get no row: they stay
listed but no longer count as a file anyone can download.

Revision ID: 0029_file_owners
Revises: 0028_provisional_due
Create Date: 2026-12-07 00:50:00
"""
import datetime as dt
import re

import sqlalchemy as sa
from alembic import op

revision = '0029_file_owners'
down_revision = '0028_provisional_due'
branch_labels = None
depends_on = None

_DIGEST = re.compile(r"^[0-9a-f]{64}$")


def upgrade() -> None:
    owners = op.create_table(
        'plat_file_owners',
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('applicant_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('uploaded_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['applicant_id'], ['svc_applicants.id']),
        sa.ForeignKeyConstraint(['user_id'], ['svc_users.id']),
        sa.PrimaryKeyConstraint('digest', 'applicant_id'),
    )
    op.create_index('ix_plat_file_owners_applicant_id', 'plat_file_owners', ['applicant_id'])
    rows = op.get_bind().execute(sa.text(
        "SELECT m.reference, c.applicant_id, m.provided_at FROM svc_materials m JOIN svc_cases c ON c.id = m.case_id"
        " WHERE m.reference IS NOT NULL"))
    seen: dict[tuple[str, int], dt.datetime] = {}
    for reference, applicant_id, provided_at in rows:
        digest, sep, name = reference.partition(":")
        if sep and name.strip() and _DIGEST.match(digest) and applicant_id is not None:
            if isinstance(provided_at, str):  # SQLite gives a plain SELECT's DATETIME as its text
                provided_at = dt.datetime.fromisoformat(provided_at)
            seen.setdefault((digest, applicant_id), provided_at or dt.datetime.now())
    if seen:
        op.bulk_insert(owners, [{"digest": d, "applicant_id": a, "user_id": None, "uploaded_at": at}
                                for (d, a), at in seen.items()])


def downgrade() -> None:
    op.drop_index('ix_plat_file_owners_applicant_id', table_name='plat_file_owners')
    op.drop_table('plat_file_owners')
