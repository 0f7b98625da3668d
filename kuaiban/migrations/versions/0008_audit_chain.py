"""Audit log: hash chain (seq, prev_hash, hash; existing entries chained in id order), no fork (unique
seq); PostgreSQL refuses TRUNCATE; SQLite refuses an INSERT over an existing id (REPLACE)

Revision ID: 0008_audit_chain
Revises: 0007_admin
Create Date: 2026-12-02 06:40:00

Chaining the existing entries needs UPDATE, which the append-only triggers refuse: they are dropped
(SQLite) or disabled (PostgreSQL, as the table owner) for this transaction only, then restored.
No row is added or removed.
"""
import sqlalchemy as sa
from alembic import op

from kuaiban.platform.audit import APPEND_LOCK, GENESIS, chain_hash

revision = '0008_audit_chain'
down_revision = '0007_admin'
branch_labels = None
depends_on = None

_AUDIT = sa.table(
    'svc_audit', sa.column('id', sa.Integer), sa.column('at', sa.DateTime), sa.column('actor_id', sa.Integer),
    sa.column('actor_role', sa.String), sa.column('action', sa.String), sa.column('entity', sa.String),
    sa.column('entity_id', sa.Integer), sa.column('case_id', sa.Integer), sa.column('detail', sa.JSON),
    sa.column('seq', sa.Integer), sa.column('prev_hash', sa.String), sa.column('hash', sa.String),
)
# migration 0002's triggers (SQLite), dropped while the rows are chained and the table rebuilt
_SQLITE_0002 = [
    "CREATE TRIGGER svc_audit_no_update BEFORE UPDATE ON svc_audit "
    "BEGIN SELECT RAISE(ABORT, '审计日志只可追加，不可修改'); END",
    "CREATE TRIGGER svc_audit_no_delete BEFORE DELETE ON svc_audit "
    "BEGIN SELECT RAISE(ABORT, '审计日志只可追加，不可删除'); END",
]
# INSERT OR REPLACE / REPLACE INTO over an existing id or seq (both unique) deletes that row without
# firing DELETE triggers unless PRAGMA recursive_triggers is on (kuaiban.db sets it; the sqlite3 shell does not)
_SQLITE_NO_REPLACE = (
    "CREATE TRIGGER svc_audit_no_replace BEFORE INSERT ON svc_audit "
    "WHEN EXISTS (SELECT 1 FROM svc_audit WHERE id = NEW.id) OR EXISTS (SELECT 1 FROM svc_audit WHERE seq = NEW.seq) "
    "BEGIN SELECT RAISE(ABORT, '审计日志只可追加，不可覆盖已有条目'); END"
)
# the row trigger of 0002 does not see TRUNCATE; a statement trigger does (same refusing function)
_PG_NO_TRUNCATE = (
    "CREATE TRIGGER svc_audit_no_truncate BEFORE TRUNCATE ON svc_audit "
    "FOR EACH STATEMENT EXECUTE FUNCTION svc_audit_append_only()"
)


# PostgreSQL: take the append lock and read the last entry in one round trip. A VOLATILE function's
# statements each take a fresh snapshot, so the SELECT sees what the lock's previous holder committed.
_PG_HEAD = (
    "CREATE FUNCTION svc_audit_append_head(OUT last_seq integer, OUT last_hash varchar) "
    "LANGUAGE plpgsql VOLATILE AS $$ BEGIN "
    f"PERFORM pg_advisory_xact_lock({APPEND_LOCK}); "
    "SELECT a.seq, a.hash INTO last_seq, last_hash FROM svc_audit a ORDER BY a.seq DESC LIMIT 1; "
    "END $$"
)


def _chain_existing(conn) -> None:
    prev = GENESIS
    batch: list[dict] = []
    for seq, row in enumerate(conn.execute(sa.select(_AUDIT).order_by(_AUDIT.c.id)).mappings(), 1):
        h = chain_hash(prev, dict(row) | {"seq": seq})
        batch.append({"row_id": row["id"], "s": seq, "p": prev, "h": h})
        prev = h
    if batch:
        conn.execute(_AUDIT.update().where(_AUDIT.c.id == sa.bindparam("row_id"))
                     .values(seq=sa.bindparam("s"), prev_hash=sa.bindparam("p"), hash=sa.bindparam("h")), batch)


def upgrade() -> None:
    conn = op.get_bind()
    pg = conn.dialect.name == "postgresql"
    if pg:
        op.execute("ALTER TABLE svc_audit DISABLE TRIGGER svc_audit_append_only")
    else:
        op.execute("DROP TRIGGER IF EXISTS svc_audit_no_update")
        op.execute("DROP TRIGGER IF EXISTS svc_audit_no_delete")
    op.add_column('svc_audit', sa.Column('seq', sa.Integer(), nullable=True))
    op.add_column('svc_audit', sa.Column('prev_hash', sa.String(length=64), nullable=True))
    op.add_column('svc_audit', sa.Column('hash', sa.String(length=64), nullable=True))
    _chain_existing(conn)
    with op.batch_alter_table('svc_audit', schema=None) as batch_op:
        batch_op.alter_column('seq', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('prev_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint('uq_svc_audit_seq', ['seq'])
    if pg:
        op.execute("ALTER TABLE svc_audit ENABLE TRIGGER svc_audit_append_only")
        op.execute(_PG_NO_TRUNCATE)
        op.execute(_PG_HEAD)
    else:
        for stmt in [*_SQLITE_0002, _SQLITE_NO_REPLACE]:
            op.execute(stmt)


def downgrade() -> None:
    pg = op.get_bind().dialect.name == "postgresql"
    if pg:
        op.execute("DROP TRIGGER IF EXISTS svc_audit_no_truncate ON svc_audit")
        op.execute("DROP FUNCTION IF EXISTS svc_audit_append_head()")
    else:
        for name in ("svc_audit_no_replace", "svc_audit_no_update", "svc_audit_no_delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    with op.batch_alter_table('svc_audit', schema=None) as batch_op:
        batch_op.drop_constraint('uq_svc_audit_seq', type_='unique')
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
        batch_op.drop_column('seq')
    if not pg:
        for stmt in _SQLITE_0002:
            op.execute(stmt)
