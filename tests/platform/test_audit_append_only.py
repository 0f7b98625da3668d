"""What the database itself refuses on the audit table, and how migration 0008 chains a log that
existed before the chain — on SQLite and on PostgreSQL."""

from __future__ import annotations

import sqlite3

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import func, select, text

from kuaiban.db import MIGRATIONS, connect, make_engine, migrate, session_scope
from kuaiban.platform import audit
from kuaiban.platform.audit_chain import verify
from kuaiban.platform.models import AuditEntry

OLD_ENTRY = ("INSERT INTO svc_audit (at, actor_id, actor_role, action, entity, entity_id, case_id, detail) "
             "VALUES (:at, NULL, 'window', :action, 'case', :n, :n, :detail)")


def upgrade_to(engine, revision: str) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def test_migration_chains_the_entries_written_before_the_chain_and_drops_none(backend_url):
    engine = make_engine(backend_url)
    upgrade_to(engine, "0004_national_sync")
    with engine.begin() as conn:
        for n in range(1, 6):
            conn.execute(text(OLD_ENTRY), {"at": f"2026-11-2{n} 09:00:00", "action": "accept", "n": n,
                                           "detail": f'{{"reason": "第{n}件", "items": ["1.1.5"]}}'})
    migrate(engine)  # 0004 → head
    with session_scope(engine) as s:
        rows = list(s.scalars(select(AuditEntry).order_by(AuditEntry.id)))
        assert [r.detail["reason"] for r in rows] == [f"第{n}件" for n in range(1, 6)]
        assert rows[0].prev_hash == audit.GENESIS and [r.seq for r in rows] == [1, 2, 3, 4, 5]
        report = verify(s)
    assert report.intact and report.entries == 5
    with session_scope(engine) as s:  # new entries continue the migrated chain
        audit.record(s, "accept", "case", 6, actor=None, at=audit.now())
    with session_scope(engine) as s:
        assert verify(s).intact
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == 6
    with pytest.raises(Exception, match="审计日志只可追加"), engine.begin() as conn:  # triggers back in place
        conn.execute(text("UPDATE svc_audit SET action = 'forged'"))
    engine.dispose()


def _replace(entry_id: int | str, seq: int = 99) -> str:
    return ("INSERT OR REPLACE INTO svc_audit (id, seq, at, action, entity, detail, prev_hash, hash) "
            f"VALUES ({entry_id}, {seq}, '2026-12-01 00:00:00', 'submit_FORGED', 'case', '{{}}', 'p', 'h')")


def test_sqlite_refuses_insert_or_replace_over_an_entry(tmp_path):
    path = tmp_path / "kuaiban.db"
    engine = connect(f"sqlite:///{path}")
    with session_scope(engine) as s:
        audit.record(s, "submit", "case", 1, actor=None, at=audit.now())
    over_the_id, over_the_position = _replace(1), _replace("NULL", seq=1)  # id and seq are both unique
    for stmt in (over_the_id, over_the_id.replace("INSERT OR REPLACE", "REPLACE"), over_the_position):
        # migration 0008's trigger
        with pytest.raises(Exception, match="审计日志只可追加，不可覆盖已有条目"), engine.begin() as conn:
            conn.exec_driver_sql(stmt)
        raw = sqlite3.connect(path)  # any connection, the sqlite3 shell included
        with pytest.raises(sqlite3.IntegrityError, match="审计日志只可追加，不可覆盖已有条目"):
            raw.execute(stmt)
        raw.close()

    # Without that trigger, REPLACE's hidden delete is refused by 0002's DELETE trigger only where
    # recursive_triggers is on — which kuaiban.db sets on every connection it opens.
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("DROP TRIGGER svc_audit_no_replace")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA recursive_triggers").scalar() == 1
    with pytest.raises(Exception, match="审计日志只可追加，不可删除"), engine.begin() as conn:
        conn.exec_driver_sql(_replace(1))
    raw.execute("BEGIN")
    raw.execute(_replace(1))  # recursive_triggers off (SQLite's default): the entry is silently replaced
    assert raw.execute("SELECT action FROM svc_audit").fetchall() == [("submit_FORGED",)]
    raw.execute("ROLLBACK")
    raw.close()
    with session_scope(engine) as s:
        assert s.scalars(select(AuditEntry.action)).all() == ["submit"]
        assert verify(s).intact


def test_postgresql_refuses_truncate_even_to_the_owner(backend_url):
    if not backend_url.startswith("postgresql"):
        pytest.skip("TRUNCATE is PostgreSQL's (SQLite's DELETE without WHERE fires the DELETE trigger)")
    engine = connect(backend_url)
    with session_scope(engine) as s:
        audit.record(s, "submit", "case", 1, actor=None, at=audit.now())
    with pytest.raises(Exception, match="审计日志只可追加"), engine.begin() as conn:
        conn.execute(text("TRUNCATE svc_audit"))
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == 1
