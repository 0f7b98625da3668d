"""Shared fixtures: real SQLite files and a real PostgreSQL database, never mocks.

PostgreSQL is the server at KUAIBAN_TEST_PG (default 127.0.0.1:5432, trust auth);
each test session creates its own throw-away database there and drops it after.
Set KUAIBAN_SKIP_PG=1 only on a machine without PostgreSQL: CI never does.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest

from kuaiban.config import COMPILATIONS

PG_SERVER = os.environ.get("KUAIBAN_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")


def _pg_admin():
    import psycopg

    dsn = PG_SERVER.replace("postgresql+psycopg://", "postgresql://") + "/test"
    return psycopg.connect(dsn, autocommit=True, connect_timeout=5)


@pytest.fixture(scope="session")
def pg_server_url():
    """URL of a fresh, empty PostgreSQL database for this test session."""
    if os.environ.get("KUAIBAN_SKIP_PG") == "1":
        pytest.skip("KUAIBAN_SKIP_PG=1: PostgreSQL tests skipped on this machine")
    name = f"kuaiban_test_{uuid.uuid4().hex[:10]}"
    with _pg_admin() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"{PG_SERVER}/{name}"
    from kuaiban import db

    for url in [u for u in db._engines if u.endswith(name)]:
        db._engines.pop(url).dispose()
    with _pg_admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def backend_url(request, tmp_path):
    """A fresh database URL on each backend (PostgreSQL: a new schema-less database per test)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'kuaiban.db'}"
        return
    if os.environ.get("KUAIBAN_SKIP_PG") == "1":
        pytest.skip("KUAIBAN_SKIP_PG=1")
    name = f"kuaiban_t_{uuid.uuid4().hex[:10]}"
    with _pg_admin() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"{PG_SERVER}/{name}"
    from kuaiban import db

    for url in [u for u in db._engines if u.endswith(name)]:
        db._engines.pop(url).dispose()
    with _pg_admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def small_corpus(tmp_path) -> Path:
    """A compilation directory holding only the smallest compilation (fast to ingest)."""
    d = tmp_path / "compilations"
    d.mkdir()
    shutil.copy(COMPILATIONS / "court-national-provinces-2020.txt", d)
    return d


@pytest.fixture(scope="session")
def library_db_url(tmp_path_factory) -> str:
    """A SQLite library built once per test session from all bundled compilations."""
    from kuaiban.db import connect
    from kuaiban.library.ingest import ingest

    url = f"sqlite:///{tmp_path_factory.mktemp('library') / 'kuaiban.db'}"
    ingest(connect(url), COMPILATIONS)
    return url
