"""Migration 0030 (忘记密码): plat_reset_codes, one row per account, gone with its account; the downgrade drops it
and keeps the accounts. Plain SQL: the models describe the newest schema."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from kuaiban.db import make_engine

from .test_s18_claim_ratings_migration import add, migrate_to

AT = dt.datetime(2026, 12, 7, 9)
BEFORE, REVISION = "0029_file_owners", "0030_password_reset"


def test_one_code_per_account_dropped_with_the_account_and_by_the_downgrade(backend_url):
    engine = make_engine(backend_url)
    migrate_to(engine, BEFORE)
    with engine.begin() as conn:
        user = add(conn, "svc_users", username="zhang3", password_hash="scrypt$x", role="window", region="430100",
                   active=True, must_change_password=False, created_at=AT)
    migrate_to(engine, REVISION)
    row = {"user_id": user, "code_hash": "scrypt$y", "issued_at": AT, "expires_at": AT + dt.timedelta(minutes=30)}
    insert = text("INSERT INTO plat_reset_codes (user_id, code_hash, issued_at, expires_at) "
                  "VALUES (:user_id, :code_hash, :issued_at, :expires_at)")
    with engine.begin() as conn:
        conn.execute(insert, row)
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(insert, row)  # a second code for the same account: the key refuses it
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM svc_users WHERE id = :id"), {"id": user})
        assert conn.execute(text("SELECT count(*) FROM plat_reset_codes")).scalar() == 0
    migrate_to(engine, BEFORE, down=True)
    assert "plat_reset_codes" not in inspect(engine).get_table_names()
    engine.dispose()
