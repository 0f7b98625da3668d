"""The audit log is a hash chain: every entry carries the hash of the one before, so a change, a
deletion or an insertion shows in `kuaiban audit verify` — on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import threading

import pytest
from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import IntegrityError

from kuaiban.db import connect, session_scope
from kuaiban.platform import audit
from kuaiban.platform.audit_chain import verify
from kuaiban.platform.models import AuditEntry

from .conftest import as_table_owner, kuaiban


def write_entries(engine, n: int) -> None:
    for i in range(n):
        with session_scope(engine) as s:
            audit.record(s, "submit", "case", i + 1, actor=None, at=audit.now(), case_id=i + 1,
                         items=["1.1.5"], note=f"第{i + 1}件")


def entries(engine) -> list[AuditEntry]:
    with session_scope(engine) as s:
        return list(s.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def verify_cli(url: str) -> tuple[int, dict]:
    out = kuaiban("audit", "verify", "--db", url, "--json")
    return out.returncode, json.loads(out.stdout)


def test_each_entry_carries_the_hash_of_the_one_before(backend_url):
    engine = connect(backend_url)
    write_entries(engine, 4)
    rows = entries(engine)
    assert [r.seq for r in rows] == [1, 2, 3, 4]
    assert rows[0].prev_hash == audit.GENESIS
    assert [r.prev_hash for r in rows[1:]] == [r.hash for r in rows[:-1]]
    assert all(r.hash == audit.chain_hash(r.prev_hash, r.__dict__) for r in rows)
    code, report = verify_cli(backend_url)
    assert code == 0
    assert report == {"intact": True, "entries": 4, "problem_count": 0, "problems": [],
                      "head": {"id": rows[-1].id, "hash": rows[-1].hash}}
    out = kuaiban("audit", "verify", "--db", backend_url)
    assert out.stdout.startswith("审计日志完整：共 4 条")


def test_a_changed_entry_is_named(backend_url):
    engine = connect(backend_url)
    write_entries(engine, 4)
    second = entries(engine)[1].id
    as_table_owner(backend_url, f"UPDATE svc_audit SET actor_role = 'supervisor' WHERE id = {second}")
    code, report = verify_cli(backend_url)
    assert code == 1
    assert [(p["id"], p["kind"]) for p in report["problems"]] == [(second, "changed")]
    out = kuaiban("audit", "verify", "--db", backend_url)
    assert out.returncode == 1
    assert f"第 {second} 条的内容在写入后被改动" in out.stdout


def test_a_deleted_entry_shows_as_a_gap_before_the_next(backend_url):
    engine = connect(backend_url)
    write_entries(engine, 5)
    ids = [r.id for r in entries(engine)]
    as_table_owner(backend_url, f"DELETE FROM svc_audit WHERE id = {ids[2]}")
    code, report = verify_cli(backend_url)
    assert code == 1
    assert [(p["id"], p["kind"]) for p in report["problems"]] == [(ids[3], "deleted")]
    assert f"第 {ids[1]} 条与第 {ids[3]} 条之间有 1 条被删除" in report["problems"][0]["message"]


def test_an_inserted_entry_is_named_even_with_a_correct_hash_of_its_own(backend_url):
    """The forger removes the no-fork constraint (as owner) and back-dates an entry with a valid hash of
    its own at the start of the chain; the first real entry still links to the start, past the forged one."""
    engine = connect(backend_url)
    write_entries(engine, 3)
    forged = {"seq": 1, "at": audit.now(), "actor_id": None, "actor_role": "supervisor", "action": "approve",
              "entity": "case", "entity_id": 1, "case_id": 1, "detail": {}}
    unconstrained = (["ALTER TABLE svc_audit DROP CONSTRAINT uq_svc_audit_seq"] if "postgresql" in backend_url
                     else ["CREATE TABLE audit_copy AS SELECT * FROM svc_audit", "DROP TABLE svc_audit",
                           "ALTER TABLE audit_copy RENAME TO svc_audit"])
    as_table_owner(backend_url, *unconstrained,
                   "INSERT INTO svc_audit (id, seq, at, actor_role, action, entity, entity_id, case_id, detail, "
                   f"prev_hash, hash) VALUES (0, 1, '{forged['at'].isoformat(sep=' ')}', 'supervisor', 'approve', 'case', 1, 1, "
                   f"'{{}}', '{audit.GENESIS}', '{audit.chain_hash(audit.GENESIS, forged)}')")
    code, report = verify_cli(backend_url)
    assert code == 1
    assert [(p["id"], p["kind"]) for p in report["problems"]] == [(0, "inserted")]
    assert report["entries"] == 4


def test_two_entries_can_never_follow_the_same_one(backend_url):
    """The unique position (seq) is the last guard against a fork, whatever the caller does."""
    engine = connect(backend_url)
    write_entries(engine, 1)
    head = entries(engine)[0].hash
    row = {"seq": 2, "at": audit.now(), "actor_id": None, "actor_role": None, "action": "x", "entity": "case",
           "entity_id": None, "case_id": None, "detail": {}, "prev_hash": head, "hash": "a" * 64}
    with pytest.raises(IntegrityError), session_scope(engine) as s:
        s.execute(insert(AuditEntry), [row, row | {"hash": "b" * 64}])


def test_concurrent_appenders_build_one_chain(backend_url):
    """Eight threads, each its own transactions, append at once: one unbroken chain, nothing lost."""
    engine = connect(backend_url)
    errors: list[Exception] = []

    def appender(k: int) -> None:
        try:
            for i in range(10):
                with session_scope(engine) as s:
                    s.execute(text("UPDATE svc_audit SET id = id WHERE 1 = 0"))  # a write first, like every caller
                    audit.record(s, "submit", "case", k * 100 + i, actor=None, at=audit.now())
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=appender, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == 80
        report = verify(s)
    assert report.intact and report.entries == 80


def test_bad_input_exits_2_with_one_chinese_line():
    out = kuaiban("audit", "verify", "--db", "mysql://nowhere/x")
    assert out.returncode == 2
    assert out.stderr.strip() == "错误：不支持的数据库类型：mysql（支持 sqlite、postgresql）"
