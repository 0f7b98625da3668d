"""Session 20: on SQLite a migration that alters a table no longer deletes the rows pointing at it.

Alembic alters a SQLite table by copying it (create the new table, copy the rows, drop the old one). Dropping a
table that others point at with ON DELETE CASCADE deletes their rows when foreign keys are enforced: migration
0026 had to keep every 好差评 rectification aside by hand, and the next such migration might forget.
:func:`kuaiban.db.migrate` now switches foreign keys off for a SQLite migration and checks them before it commits.
A toy history shows both the hazard and the guard.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event, text

from kuaiban.db import MigrationError, _sqlite_pragmas, migrate

ENV = '''
from alembic import context
context.configure(connection=context.config.attributes["connection"], target_metadata=None, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
'''
PARENT_AND_CHILD = '''
import sqlalchemy as sa
from alembic import op
revision, down_revision, branch_labels, depends_on = "0001", None, None, None

def upgrade():
    op.create_table("claim", sa.Column("id", sa.Integer, primary_key=True))
    op.create_table("month", sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("claim_id", sa.Integer, sa.ForeignKey("claim.id", ondelete="CASCADE")))
'''
ALTER_PARENT = '''
import sqlalchemy as sa
from alembic import op
revision, down_revision, branch_labels, depends_on = "0002", "0001", None, None

def upgrade():
    # copied, the old table dropped (as for a changed column or constraint; a bare ADD COLUMN would not copy)
    with op.batch_alter_table("claim", recreate="always") as batch:
        batch.add_column(sa.Column("region", sa.String(12), nullable=True))
'''
ORPHAN = '''
from alembic import op
revision, down_revision, branch_labels, depends_on = "0002", "0001", None, None

def upgrade():
    op.execute("INSERT INTO month (id, claim_id) VALUES (99, 12345)")  # a month of no claim
'''


def _history(root: Path, second: str) -> Path:
    (root / "versions").mkdir(parents=True)
    (root / "env.py").write_text(ENV)
    (root / "versions" / "0001_parent_and_child.py").write_text(PARENT_AND_CHILD)
    (root / "versions" / "0002_second.py").write_text(second)
    return root


def _engine(path: Path):
    engine = create_engine(f"sqlite:///{path}")
    event.listen(engine, "connect", _sqlite_pragmas)  # foreign keys on, as every connection of the project
    return engine


def _claim_with_months(engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO claim (id) VALUES (1)"))
        conn.execute(text("INSERT INTO month (id, claim_id) VALUES (1, 1), (2, 1)"))


def test_altering_a_table_keeps_the_rows_pointing_at_it(tmp_path) -> None:
    scripts = _history(tmp_path / "history", ALTER_PARENT)
    engine = _engine(tmp_path / "guarded.db")
    migrate(engine, script_location=scripts, revision="0001")
    _claim_with_months(engine)
    migrate(engine, script_location=scripts)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT id, claim_id FROM month ORDER BY id")).all() == [(1, 1), (2, 1)]
        assert conn.execute(text("SELECT id, region FROM claim")).all() == [(1, None)]
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1  # on again for whoever comes next


def test_without_the_guard_the_same_migration_deletes_them(tmp_path) -> None:
    """The hazard itself: the same history run by Alembic on a connection enforcing foreign keys."""
    scripts = _history(tmp_path / "history", ALTER_PARENT)
    engine = _engine(tmp_path / "unguarded.db")
    migrate(engine, script_location=scripts, revision="0001")
    _claim_with_months(engine)
    cfg = Config()
    cfg.set_main_option("script_location", str(scripts))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM month")).scalar() == 0


def test_a_migration_leaving_a_row_that_points_nowhere_is_rolled_back(tmp_path) -> None:
    scripts = _history(tmp_path / "history", ORPHAN)
    engine = _engine(tmp_path / "orphan.db")
    migrate(engine, script_location=scripts, revision="0001")
    with pytest.raises(MigrationError, match="已全部撤回"):
        migrate(engine, script_location=scripts)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0001"
        assert conn.execute(text("SELECT count(*) FROM month")).scalar() == 0


def test_rows_dangling_before_the_migration_do_not_stop_it(tmp_path) -> None:
    """A file from before foreign keys were enforced may hold such rows already: the migration is judged only by
    what it leaves dangling itself."""
    scripts = _history(tmp_path / "history", ALTER_PARENT)
    engine = _engine(tmp_path / "legacy.db")
    migrate(engine, script_location=scripts, revision="0001")
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        conn.commit()
        conn.execute(text("INSERT INTO month (id, claim_id) VALUES (7, 404)"))
        conn.commit()
        conn.exec_driver_sql("PRAGMA foreign_keys=ON")
        conn.commit()
    migrate(engine, script_location=scripts)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0002"
        assert conn.execute(text("SELECT id, claim_id FROM month")).all() == [(7, 404)]
