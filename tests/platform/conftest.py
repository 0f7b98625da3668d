"""Helpers of the platform tests: a real CLI process, and writing to the audit table as its owner would."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

from sqlalchemy import create_engine, text


def kuaiban(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kuaiban", *args], capture_output=True, text=True, timeout=120)


def as_table_owner(url: str, *statements: str) -> None:
    """Run SQL on the audit table with its append-only triggers out of the way — what someone holding the
    database file (SQLite) or the owner role (PostgreSQL) can do, and what the hash chain must reveal."""
    if url.startswith("sqlite"):
        conn = sqlite3.connect(url.removeprefix("sqlite:///"))
        triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type='trigger' AND tbl_name='svc_audit'"
                                ).fetchall()
        for name, _ in triggers:
            conn.execute(f"DROP TRIGGER {name}")
        for stmt in statements:
            conn.execute(stmt)
        for _, sql in triggers:
            conn.execute(sql)
        conn.commit()
        conn.close()
        return
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE svc_audit DISABLE TRIGGER USER"))
        for stmt in statements:
            conn.execute(text(stmt))
        conn.execute(text("ALTER TABLE svc_audit ENABLE TRIGGER USER"))
    engine.dispose()
