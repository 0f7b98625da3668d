"""Shared fixtures: real SQLite files and a real PostgreSQL database, never mocks.

PostgreSQL is the server at KUAIBAN_TEST_PG (default 127.0.0.1:5432, trust auth);
each test session creates its own throw-away database there and drops it after.
Set KUAIBAN_SKIP_PG=1 only on a machine without PostgreSQL: CI never does.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from kuaiban.config import COMPILATIONS

# Personal data is encrypted at rest: tests use a fixed test-only key (never a production one), so a run
# writes no key file; tests/platform/test_personal_data.py covers the key file and rotation.
os.environ.setdefault("KUAIBAN_DATA_KEY", "test:dGVzdC1vbmx5IGtleSwgbm90IGZvciBwcm9kdWN0aW8=")

# 快办 item 2.4.1 (失业 一件事) → the 失业登记 pillar, wired as the app and the CLI wire it (kuaiban/handoffs.py)
import kuaiban.handoffs  # noqa: F401

PG_SERVER = os.environ.get("KUAIBAN_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")


def _pg_admin():
    import psycopg

    dsn = PG_SERVER.replace("postgresql+psycopg://", "postgresql://") + "/test"
    return psycopg.connect(dsn, autocommit=True, connect_timeout=5)


@contextmanager
def fresh_pg_database(prefix: str) -> Iterator[str]:
    """Create a throw-away PostgreSQL database, yield its URL, drop it (and its pooled connections)."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with _pg_admin() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG_SERVER}/{name}"
    finally:
        from kuaiban import db

        for url in [u for u in db._engines if u.endswith(name)]:
            db._engines.pop(url).dispose()
        with _pg_admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _require_pg() -> None:
    if os.environ.get("KUAIBAN_SKIP_PG") == "1":
        pytest.skip("KUAIBAN_SKIP_PG=1: PostgreSQL tests skipped on this machine")


@pytest.fixture(params=["sqlite", "postgresql"])
def backend_url(request, tmp_path) -> Iterator[str]:
    """A fresh, empty database on each backend: a SQLite file, and a new PostgreSQL database per test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'kuaiban.db'}"
        return
    _require_pg()
    with fresh_pg_database("kuaiban_t") as url:
        yield url


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


@pytest.fixture(autouse=True)
def roomy_form_limits(monkeypatch):
    """Tests post the public write forms (注册, 失业登记) many times from one address — the TestClient's, the
    live server's 127.0.0.1 — into databases a whole session shares: the per-client limits
    (``kuaiban.platform.throttle.FORM_LIMITS``) are lifted here; the tests of the limits set their own."""
    from kuaiban.platform import throttle

    for form in list(throttle.FORM_LIMITS):
        monkeypatch.setitem(throttle.FORM_LIMITS, form, (10**6, 10**6))
