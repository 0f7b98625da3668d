"""PostgreSQL: the privileges of the role the application connects as (not the owner of the tables).

The owner role runs the migrations; the application's role can read and write rows, and only read
and append the audit log. Without ownership it cannot TRUNCATE, ALTER TABLE … DISABLE TRIGGER, drop
the append-only triggers or change the schema — the ways round the triggers an owner has.
Run again after every migration that adds a table (docs/SECURITY.md).
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine, text

from kuaiban.platform.models import AuditEntry

AUDIT_TABLE = AuditEntry.__tablename__
MIGRATIONS_TABLE = "alembic_version"  # read at start-up to check the schema is current; written only by the owner


class RoleError(ValueError):
    """The role cannot be used as the application's role (message in Chinese)."""


def grant_statements(conn: Connection, role: str) -> list[str]:
    """The GRANTs that make ``role`` the application's role on the connection's database, in order.

    The tables are those the migrations made (read from the database: every pillar's, and any a later
    migration adds), not a list kept here."""
    q = conn.dialect.identifier_preparer.quote
    r = q(role)
    tables = conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                               "AND tablename NOT IN (:audit, :migrations) ORDER BY tablename"),
                          {"audit": AUDIT_TABLE, "migrations": MIGRATIONS_TABLE}).scalars().all()
    out = [f"GRANT CONNECT ON DATABASE {q(conn.engine.url.database)} TO {r}",
           f"GRANT USAGE ON SCHEMA public TO {r}",
           # start from nothing, so running it again also takes back what an earlier version gave
           f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {r}",
           f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {r}"]
    out += [f"GRANT SELECT, INSERT, UPDATE, DELETE ON {q(t)} TO {r}" for t in tables]
    out += [f"GRANT SELECT, INSERT ON {q(AUDIT_TABLE)} TO {r}",
            f"GRANT SELECT ON {q(MIGRATIONS_TABLE)} TO {r}",
            f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {r}"]  # nextval for ids; not setval
    return out


def grant_app_role(engine: Engine, role: str) -> list[str]:
    """Check ``role`` can serve as the application's role, grant its privileges, return the statements run."""
    if engine.dialect.name != "postgresql":
        raise RoleError("应用角色仅适用于 PostgreSQL（SQLite 数据库靠文件权限 0600 保护）")
    with engine.begin() as conn:
        found = conn.execute(text("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = :r"), {"r": role}).first()
        if found is None:
            raise RoleError(f"数据库角色不存在：{role}（请先由数据库管理员创建：CREATE ROLE {role} LOGIN PASSWORD '…'）")
        if found.rolsuper:
            raise RoleError(f"角色 {role} 是超级用户，不受任何权限限制，不能作为应用角色")
        owner = conn.execute(text("SELECT tableowner FROM pg_tables WHERE tablename = :t"), {"t": AUDIT_TABLE}).scalar()
        if owner == role:
            raise RoleError(f"角色 {role} 是数据表的所有者（运行迁移的角色），应用须用另一个角色连接")
        statements = grant_statements(conn, role)
        for stmt in statements:
            conn.execute(text(stmt))
    return statements
