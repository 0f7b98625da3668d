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

from kuaiban import db as db_module
from kuaiban.config import COMPILATIONS

# Personal data is encrypted at rest: tests use a fixed test-only key (never a production one), so a run
# writes no key file; tests/platform/test_personal_data.py covers the key file and rotation.
os.environ.setdefault("KUAIBAN_DATA_KEY", "test:dGVzdC1vbmx5IGtleSwgbm90IGZvciBwcm9kdWN0aW8=")

# wired as the app and the CLI wire them: 快办 item 2.4.1 (失业 一件事) → the 失业登记 pillar (kuaiban/handoffs.py);
# the 好差评 of a benefit claim → the 快办 ratings (kuaiban/claim_ratings.py)
import kuaiban.claim_ratings
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


def pytest_collection_modifyitems(config, items) -> None:
    """Two workers (scripts/test: pytest-xdist, ``--dist loadgroup``): each file is one unit of work, so its module
    fixtures are made once; tests/web is one unit, run in file order as in one process, because its files share
    the session's library database and server and some read what earlier ones wrote."""
    if not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        path = item.nodeid.split("::", 1)[0]
        item.add_marker(pytest.mark.xdist_group("tests/web" if path.startswith("tests/web/") else path))


# -- migrated templates ---------------------------------------------------------------------------------------
# Most tests start from a new database that ``connect`` migrates: 25 Alembic revisions, about a second on SQLite
# and several on PostgreSQL, once per test and backend. The first new database of each backend in a test session
# is migrated for real and kept as a template; every later new, empty database is a copy of it (a file copy, or
# PostgreSQL's CREATE DATABASE … TEMPLATE), and ``migrate`` then runs as usual and finds it at head. A database
# that is not empty (a test running the revisions one by one, an upgrade from an older schema) is migrated as
# before; tests/platform/test_s17_migrated_templates.py checks that a copy equals a migration.

_real_migrate = db_module.migrate
_templates: dict[str, str] = {}  # backend → template (a SQLite file path, a PostgreSQL database name)


def _empty_sqlite_file(engine) -> Path | None:
    name = engine.url.database
    if not name or name == ":memory:":
        return None
    path = Path(name)
    wal = Path(f"{name}-wal")
    if path.exists() and path.stat().st_size == 0 and not (wal.exists() and wal.stat().st_size):
        return path
    return None


def _empty_pg_database(engine) -> str | None:
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError

    try:
        with engine.connect() as conn:
            tables = conn.execute(text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")).scalar()
    except OperationalError:  # unreachable: migrate reports it as the product does
        return None
    return engine.url.database if tables == 0 else None


def _migrate_from_template(engine) -> None:
    backend = engine.dialect.name
    if backend == "sqlite" and (path := _empty_sqlite_file(engine)) is not None:
        if backend in _templates:
            engine.dispose()
            shutil.copyfile(_templates[backend], path)  # into the 0600 file make_engine created: mode kept
        else:
            _real_migrate(engine)
            engine.dispose()  # the last close checkpoints the WAL: the file alone is the whole database
            template = Path(_template_dir) / "sqlite-template.db"
            shutil.copyfile(path, template)
            _templates[backend] = str(template)
    elif backend == "postgresql" and (name := _empty_pg_database(engine)) is not None:
        engine.dispose()
        with _pg_admin() as conn:
            if backend not in _templates:
                template = f"kuaiban_tpl_{uuid.uuid4().hex[:10]}"
                conn.execute(f'CREATE DATABASE "{template}"')
                from kuaiban.db import make_engine

                staging = make_engine(f"{PG_SERVER}/{template}")
                _real_migrate(staging)
                staging.dispose()
                _templates[backend] = template
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{_templates[backend]}"')
    _real_migrate(engine)


_template_dir: str = ""


@pytest.fixture(scope="session", autouse=True)
def migrated_templates(tmp_path_factory) -> Iterator[None]:
    global _template_dir
    _template_dir = str(tmp_path_factory.mktemp("templates"))
    db_module.migrate = _migrate_from_template
    try:
        yield
    finally:
        db_module.migrate = _real_migrate
        if name := _templates.pop("postgresql", None):
            with _pg_admin() as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _templates.clear()


@pytest.fixture(scope="session")
def browser():
    """One headless chromium per test process (tests/live.chromium), for every browser test: Playwright's sync
    API allows one instance per thread, so a test opening its own while this one is open would fail."""
    from tests.live import chromium

    with chromium() as launched:
        yield launched


@pytest.fixture(autouse=True)
def cheap_scrypt(monkeypatch):
    """Test users are many: a cheaper scrypt cost keeps the suite fast. The tests of the cost itself
    (tests/services/test_auth.py, tests/platform/test_login_timing.py) set the production cost again."""
    from kuaiban.platform import auth

    monkeypatch.setattr(auth, "_SCRYPT", {"n": 2**10, "r": 8, "p": 1})


@pytest.fixture(autouse=True)
def roomy_form_limits(monkeypatch):
    """Tests post the public write forms (注册, 失业登记) many times from one address — the TestClient's, the
    live server's 127.0.0.1 — into databases a whole session shares: the per-client limits
    (``kuaiban.platform.throttle.FORM_LIMITS``) are lifted here; the tests of the limits set their own."""
    from kuaiban.platform import throttle

    for form in list(throttle.FORM_LIMITS):
        monkeypatch.setitem(throttle.FORM_LIMITS, form, (10**6, 10**6))
