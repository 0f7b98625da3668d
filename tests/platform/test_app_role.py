"""PostgreSQL: the application connects as a role that can write rows and append to the audit log,
but cannot TRUNCATE, UPDATE or DELETE the log, nor switch its triggers off (`kuaiban db grant-app-role`)."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from kuaiban.db import connect, session_scope
from kuaiban.platform import audit, auth
from kuaiban.platform.models import AuditEntry

from .conftest import kuaiban


@pytest.fixture
def app_role(backend_url):
    """(owner URL, app-role URL) on a fresh PostgreSQL database, the role created and granted."""
    if not backend_url.startswith("postgresql"):
        pytest.skip("database roles are PostgreSQL's")
    connect(backend_url)  # migrated by the owner
    role = f"kb_app_{uuid.uuid4().hex[:8]}"
    admin = create_engine(backend_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE ROLE {role} LOGIN"))
    try:
        out = kuaiban("db", "grant-app-role", role, "--db", backend_url)
        assert out.returncode == 0, out.stderr
        assert out.stdout.startswith(f"已为角色 {role} 授权")
        yield backend_url, make_url(backend_url).set(username=role).render_as_string(hide_password=False)
    finally:
        from kuaiban import db

        for url in [u for u in db._engines if role in u]:
            db._engines.pop(url).dispose()
        with admin.connect() as conn:
            conn.execute(text(f"DROP OWNED BY {role}"))  # its grants in this database
            conn.execute(text(f"DROP ROLE {role}"))
        admin.dispose()


def test_the_app_role_works_normally(app_role):
    _, app_url = app_role
    engine = connect(app_url)  # start-up check of the schema version included
    with session_scope(engine) as s:
        applicant = auth.create_applicant(s, "citizen", "测试甲", region="430000")
        audit.record(s, "register", "applicant", applicant.id, actor=None, at=audit.now())
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry)) >= 1
        s.execute(text("UPDATE svc_applicants SET name = '测试乙'"))  # ordinary tables: read and write
        s.execute(text("DELETE FROM svc_tokens"))
    out = kuaiban("audit", "verify", "--db", app_url)
    assert out.returncode == 0, out.stdout + out.stderr


@pytest.mark.parametrize("statement", [
    "TRUNCATE svc_audit",
    "DELETE FROM svc_audit",
    "UPDATE svc_audit SET action = 'forged'",
    "ALTER TABLE svc_audit DISABLE TRIGGER USER",
    "DROP TRIGGER svc_audit_append_only ON svc_audit",
    "TRUNCATE svc_cases",
])
def test_the_app_role_cannot_get_round_the_append_only_log(app_role, statement):
    _, app_url = app_role
    engine = connect(app_url)
    with session_scope(engine) as s:
        audit.record(s, "submit", "case", 1, actor=None, at=audit.now())
    with pytest.raises(Exception, match=r"permission denied|must be owner") as refused, engine.begin() as conn:
        conn.execute(text(statement))
    assert type(refused.value.orig).__name__ == "InsufficientPrivilege"
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == 1


def test_grant_refuses_a_missing_role_a_superuser_and_sqlite(app_role, tmp_path):
    owner_url, _ = app_role
    out = kuaiban("db", "grant-app-role", "no_such_role_kb", "--db", owner_url)
    assert out.returncode == 2
    assert out.stderr.startswith("错误：数据库角色不存在：no_such_role_kb")
    out = kuaiban("db", "grant-app-role", "postgres", "--db", owner_url)
    assert (out.returncode, out.stderr.strip()) == (2, "错误：角色 postgres 是超级用户，不受任何权限限制，不能作为应用角色")
    out = kuaiban("db", "grant-app-role", "app", "--db", f"sqlite:///{tmp_path / 'k.db'}")
    assert out.returncode == 2 and "仅适用于 PostgreSQL" in out.stderr
