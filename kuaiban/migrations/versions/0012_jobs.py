"""Background jobs: plat_jobs, and on PostgreSQL the job queue's own schema (procrastinate, pinned)

Revision ID: 0012_jobs
Revises: 0011_storage
Create Date: 2026-12-02 12:30:00
"""
from importlib import resources

import sqlalchemy as sa
from alembic import op

revision = '0012_jobs'
down_revision = '0011_storage'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('plat_jobs',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('owner_user_id', sa.Integer(), nullable=True),
    sa.Column('owner_region', sa.String(length=12), nullable=True),
    sa.Column('owner_secret_hash', sa.String(length=64), nullable=True),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('meta', sa.JSON(), nullable=False),
    sa.Column('message', sa.Text(), nullable=True),
    sa.Column('input_digest', sa.String(length=64), nullable=False),
    sa.Column('result_digest', sa.String(length=64), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('heartbeat_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('expires_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['owner_user_id'], ['svc_users.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('plat_jobs', schema=None) as batch_op:
        batch_op.create_index('ix_plat_jobs_state', ['state'], unique=False)
        batch_op.create_index('ix_plat_jobs_expires_at', ['expires_at'], unique=False)
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        # the queue's tables, types and functions, as the pinned procrastinate ships them; run through the
        # driver with no parameters, so its colons and percent signs are taken literally
        schema = resources.files('procrastinate').joinpath('sql/schema.sql').read_text(encoding='utf-8')
        bind.connection.dbapi_connection.cursor().execute(schema)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        bind.connection.dbapi_connection.cursor().execute(  # no parameters: % and : taken literally
            "DO $$ DECLARE r record; BEGIN "
            "FOR r IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'procrastinate%' "
            "LOOP EXECUTE 'DROP TABLE IF EXISTS ' || quote_ident(r.tablename) || ' CASCADE'; END LOOP; "
            "FOR r IN SELECT p.oid::regprocedure AS f FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = 'public' AND p.proname LIKE 'procrastinate%' "
            "LOOP EXECUTE 'DROP FUNCTION IF EXISTS ' || r.f || ' CASCADE'; END LOOP; "
            "FOR r IN SELECT typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
            "WHERE n.nspname = 'public' AND typname LIKE 'procrastinate%' AND t.typtype = 'e' "
            "LOOP EXECUTE 'DROP TYPE IF EXISTS ' || quote_ident(r.typname) || ' CASCADE'; END LOOP; END $$")
    op.drop_table('plat_jobs')
