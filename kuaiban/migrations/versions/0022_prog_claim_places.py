"""补贴项目 trust: the places only one claim may hold (prog_claim_places, unique: once per person, once only,
once a month — two claims at the same moment cannot both pass), the index of the staff lists' persons
(prog_claim_persons, filled here from every claim's staff list), and the caseworker's internal note beside
what the claimant is told (prog_claim_events.internal_note; older notes stay what they were: told)

Revision ID: 0022_prog_claim_places
Revises: 0021_svc_limit_basis_width
Create Date: 2026-12-06 04:10:00
"""
import json

import sqlalchemy as sa
from alembic import op

revision = '0022_prog_claim_places'
down_revision = '0021_svc_limit_basis_width'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('prog_claim_persons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('program', sa.String(length=60), nullable=False),
    sa.Column('person_hash', sa.String(length=80), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['prog_claims.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_prog_claim_persons_claim_id', 'prog_claim_persons', ['claim_id'], unique=False)
    op.create_index('ix_prog_claim_persons_person', 'prog_claim_persons', ['person_hash', 'program'], unique=False)
    op.create_table('prog_claim_places',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('place', sa.String(length=240), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['prog_claims.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('place')
    )
    op.create_index('ix_prog_claim_places_claim_id', 'prog_claim_places', ['claim_id'], unique=False)
    op.add_column('prog_claim_events', sa.Column('internal_note', sa.Text(), nullable=True))
    # the persons of the staff lists already stored (the claims' facts hold each row's hash)
    bind = op.get_bind()
    persons = sa.table('prog_claim_persons', sa.column('claim_id', sa.Integer), sa.column('program', sa.String),
                       sa.column('person_hash', sa.String))
    rows = []
    for claim_id, program, facts in bind.execute(sa.text("SELECT id, program, facts FROM prog_claims")):
        facts = json.loads(facts) if isinstance(facts, str) else (facts or {})
        for row in facts.get('_staff') or []:
            if isinstance(row, dict) and row.get('id_hash'):
                rows.append({'claim_id': claim_id, 'program': program, 'person_hash': row['id_hash']})
        if len(rows) >= 5000:
            op.bulk_insert(persons, rows)
            rows = []
    if rows:
        op.bulk_insert(persons, rows)


def downgrade() -> None:
    with op.batch_alter_table('prog_claim_events') as batch:
        batch.drop_column('internal_note')
    op.drop_index('ix_prog_claim_places_claim_id', table_name='prog_claim_places')
    op.drop_table('prog_claim_places')
    op.drop_index('ix_prog_claim_persons_person', table_name='prog_claim_persons')
    op.drop_index('ix_prog_claim_persons_claim_id', table_name='prog_claim_persons')
    op.drop_table('prog_claim_persons')
