"""Fewer round trips to PostgreSQL (kuaiban.db): pooled connections are tested when they rested, not on every
checkout; statements sent together in a pipeline fail as they would one by one."""

from __future__ import annotations

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select, text
from sqlalchemy.exc import IntegrityError

from kuaiban import db
from tests.conftest import _pg_admin, _require_pg, fresh_pg_database


@pytest.fixture
def pg_engine():
    _require_pg()
    with fresh_pg_database("kuaiban_ping") as url:
        engine = db.make_engine(url)
        yield engine
        engine.dispose()


def _backend_pid(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT pg_backend_pid()")).scalar_one()


def _count_pings(engine, monkeypatch) -> list[int]:
    pings: list[int] = []
    real = engine.dialect.do_ping
    monkeypatch.setattr(engine.dialect, "do_ping", lambda c: pings.append(1) or real(c))
    return pings


def test_a_connection_handed_back_a_moment_ago_is_reused_without_a_ping(pg_engine, monkeypatch):
    first = _backend_pid(pg_engine)
    pings = _count_pings(pg_engine, monkeypatch)
    assert [_backend_pid(pg_engine) for _ in range(5)] == [first] * 5
    assert pings == []


def test_a_rested_connection_dropped_by_the_database_is_replaced_before_use(pg_engine, monkeypatch):
    first = _backend_pid(pg_engine)
    with _pg_admin() as admin:  # a database restart or an idle timeout, as the pooled connection rests
        assert admin.execute("SELECT pg_terminate_backend(%s)", (first,)).fetchone()[0]
    monkeypatch.setattr(db, "PING_IDLE_AFTER", -1.0)  # the connection has rested long enough to be tested
    pings = _count_pings(pg_engine, monkeypatch)
    second = _backend_pid(pg_engine)  # no error reaches the caller
    assert second != first
    assert len(pings) >= 1


def test_a_pipelined_statement_that_fails_raises_the_usual_error_with_the_values_hidden(pg_engine):
    rows = Table("pipelined_rows", MetaData(), Column("id", Integer, primary_key=True), Column("secret", String(40)))
    rows.create(pg_engine)
    with pg_engine.begin() as conn, db.pipelined(conn):
        conn.execute(insert(rows), [{"id": 1, "secret": "a"}, {"id": 2, "secret": "b"}])
        conn.execute(insert(rows), [{"id": 3, "secret": "c"}])
    with pg_engine.connect() as conn:
        assert conn.execute(select(rows.c.id).order_by(rows.c.id)).scalars().all() == [1, 2, 3]
    with pytest.raises(IntegrityError) as raised, pg_engine.begin() as conn, db.pipelined(conn):
        conn.execute(insert(rows), [{"id": 4, "secret": "d"}])
        conn.execute(insert(rows), [{"id": 1, "secret": "110101199001019028"}])
    assert "110101199001019028" not in str(raised.value) and "(1)" not in str(raised.value)
    with pg_engine.connect() as conn:  # the block's transaction rolled back as a whole
        assert conn.execute(select(rows.c.id).order_by(rows.c.id)).scalars().all() == [1, 2, 3]
