"""The test session's migrated templates (tests/conftest.py): a new database copied from the template is the
database a real migration makes — same tables, columns, rows and Alembic revision — on both backends, and a
database that already holds a schema is migrated as before, never replaced."""

from __future__ import annotations

from sqlalchemy import inspect, text

import tests.conftest as harness
from kuaiban.db import connect, make_engine


def _picture(engine) -> dict:
    """Every table's columns and rows (sorted), and the Alembic revision."""
    insp = inspect(engine)
    out = {}
    with engine.connect() as conn:
        for table in sorted(insp.get_table_names()):
            columns = sorted(c["name"] for c in insp.get_columns(table))
            rows = sorted(map(repr, conn.execute(text(f'SELECT * FROM "{table}"')).all()))
            out[table] = (columns, rows)
    return out


def test_a_database_copied_from_the_template_equals_one_migrated(backend_url, tmp_path):
    backend = "sqlite" if backend_url.startswith("sqlite") else "postgresql"
    if backend == "sqlite":
        connect(f"sqlite:///{tmp_path / 'first.db'}")  # the session's template exists after this, if not before
    else:
        with harness.fresh_pg_database("kuaiban_first") as url:
            connect(url)
    assert backend in harness._templates
    copied = connect(backend_url)  # new and empty: a copy of the template
    if backend == "sqlite":
        migrated = make_engine(f"sqlite:///{tmp_path / 'migrated.db'}")
        harness._real_migrate(migrated)
        assert _picture(copied) == _picture(migrated)
        migrated.dispose()
    else:
        with harness.fresh_pg_database("kuaiban_mig") as url:
            migrated = make_engine(url)
            harness._real_migrate(migrated)
            assert _picture(copied) == _picture(migrated)
            migrated.dispose()
    with copied.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1


def test_a_database_with_a_schema_is_migrated_not_replaced(backend_url):
    engine = make_engine(backend_url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE kept_by_the_test (n integer)"))
        conn.execute(text("INSERT INTO kept_by_the_test VALUES (7)"))
    engine.dispose()
    migrated = connect(backend_url)
    with migrated.connect() as conn:
        assert conn.execute(text("SELECT n FROM kept_by_the_test")).scalar() == 7
        assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
