"""Library round 2: validity periods, numbered parts of notices, passages that point at them

Adds ``documents.valid_from``, ``valid_until`` and ``validity`` (the JSON record from which
kuaiban.corpus.standing.status_on gives the status on any day), the table ``doc_units`` (一、（一）1.（1）
parts with label and anchor), and ``passages.unit`` / ``passages.anchor``. Existing rows keep NULLs
until the next ``kuaiban ingest`` fills them (the ingest fingerprint changes with the code, so
``ingest --if-needed`` re-runs).

Revision ID: 0011_library
Revises: 0012_jobs
Create Date: 2026-12-02 12:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0011_library'
down_revision = '0012_jobs'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('valid_from', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('valid_until', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('validity', sa.JSON(), nullable=True))
    with op.batch_alter_table('passages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unit', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('anchor', sa.String(length=60), nullable=True))
    op.create_table('doc_units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=80), nullable=False),
    sa.Column('anchor', sa.String(length=60), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('parent', sa.String(length=80), nullable=True),
    sa.Column('attachment', sa.String(length=40), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('line', sa.Integer(), nullable=False),
    sa.Column('end_line', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('doc_units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_doc_units_document_id'), ['document_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('doc_units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_doc_units_document_id'))
    op.drop_table('doc_units')
    with op.batch_alter_table('passages', schema=None) as batch_op:
        batch_op.drop_column('anchor')
        batch_op.drop_column('unit')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_column('validity')
        batch_op.drop_column('valid_until')
        batch_op.drop_column('valid_from')
