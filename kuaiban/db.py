"""Engines, sessions and migrations, for SQLite (embedded default) and PostgreSQL.

Every pillar's tables live in one database and one Alembic history
(``kuaiban/migrations``); :func:`connect` brings a database to the newest
revision before handing it out.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from kuaiban.config import default_db_url

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SUPPORTED = ("sqlite", "postgresql")


class Base(DeclarativeBase):
    """The declarative base of every table of every pillar: one metadata, one Alembic history."""


class DatabaseError(Exception):
    """A database URL that is malformed, unsupported or unreachable (message in Chinese)."""


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    # WAL with full sync: a crash loses no committed transaction and never leaves half of one.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def _create_private(path: Path) -> None:
    """A new SQLite file is created readable by its owner only (0600): it holds personal information,
    and SQLite gives its -wal and -shm files the same mode. An existing file's mode is left alone."""
    if not path.exists():
        with contextlib.suppress(FileExistsError):
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def make_engine(url: str | None = None) -> Engine:
    url = url or default_db_url()
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseError(f"数据库地址格式错误：{url}（应为 sqlite:///路径 或 postgresql+psycopg://…）") from None
    backend = parsed.get_backend_name()
    if backend not in SUPPORTED:
        raise DatabaseError(f"不支持的数据库类型：{backend}（支持 sqlite、postgresql）")
    try:
        if backend == "sqlite":
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
                _create_private(Path(parsed.database))
            engine = create_engine(parsed, connect_args={"timeout": 30})
            event.listen(engine, "connect", _sqlite_pragmas)
        else:
            if parsed.drivername == "postgresql":
                parsed = parsed.set(drivername="postgresql+psycopg")
            engine = create_engine(parsed, pool_pre_ping=True, pool_size=10, max_overflow=20)
    except NoSuchModuleError:
        raise DatabaseError(f"不支持的数据库驱动：{parsed.drivername}（请用 sqlite 或 postgresql+psycopg）") from None
    except OSError as exc:
        raise DatabaseError(f"无法创建数据库文件 {parsed.database}：{exc.strerror}") from None
    return engine


def migrate(engine: Engine) -> None:
    """Upgrade the database schema to the newest Alembic revision."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    except OperationalError as exc:
        raise DatabaseError(f"无法连接数据库 {engine.url.render_as_string(hide_password=True)}：{exc.orig}") from None


_engines: dict[str, Engine] = {}


def connect(url: str | None = None) -> Engine:
    """A migrated engine for ``url`` (default database when None), reused within the process."""
    url = url or default_db_url()
    if url not in _engines:
        engine = make_engine(url)
        migrate(engine)
        _engines[url] = engine
    return _engines[url]


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back on any error."""
    session = sessionmaker(engine, expire_on_commit=False)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
