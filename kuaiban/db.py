"""Engines, sessions and migrations, for SQLite (embedded default) and PostgreSQL.

Every pillar's tables live in one database and one Alembic history
(``kuaiban/migrations``); :func:`connect` brings a database to the newest
revision before handing it out.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from types import SimpleNamespace

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, DisconnectionError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Session

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
    # REPLACE (INSERT OR REPLACE) deletes the conflicting row without firing DELETE triggers unless this
    # is on: with it, the audit log's "no delete" trigger refuses a REPLACE over an entry.
    cur.execute("PRAGMA recursive_triggers=ON")
    cur.close()


def _private_sqlite_file(path: Path) -> None:
    """The database file readable by its owner only (it holds personal data), created 0600.

    SQLite creates the -wal and -shm files with the main file's mode, so they follow. A directory this
    creates (var/) is 0700; an existing file keeps its owner and group bits but loses the others'."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
        path.parent.chmod(0o700)  # mkdir's mode is masked by the umask
    if path.exists():
        mode = path.stat().st_mode & 0o777
        if mode & 0o007:
            with suppress(PermissionError):  # someone else's file: SQLite opens it (or not) as before
                path.chmod(mode & ~0o007)
        return
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        path.chmod(0o600)  # the umask may have taken bits away; never added any
    except FileExistsError:  # another process created it a moment ago, with the same mode
        pass


# PostgreSQL puts the offending row's values into an error's DETAIL ("Key (id_number)=(…) already exists",
# "Failing row contains (…)"); such errors end up in server logs, so the values are cut out.
_ROW_VALUES = re.compile(r"^(DETAIL:\s+)(Key \([^)]*\)=|Failing row contains ).*$", re.M)


def _redact_row_values(context) -> None:
    orig = context.original_exception
    try:
        message = str(orig)
    except Exception:  # a driver error that cannot print itself: nothing to redact
        return
    redacted = _ROW_VALUES.sub(r"\1\2（值已隐藏）", message)
    if redacted != message:
        orig.args = (redacted,)
        wrapped = context.sqlalchemy_exception
        if wrapped is not None and wrapped.args:
            wrapped.args = (str(wrapped.args[0]).replace(message, redacted),)


PING_IDLE_AFTER = 2.0  # seconds a pooled connection may rest before it is tested at checkout


def _ping_when_idle(engine: Engine) -> None:
    """Test a pooled PostgreSQL connection (``SELECT 1``) at checkout when it rested for more than
    ``PING_IDLE_AFTER`` seconds, instead of at every checkout (``pool_pre_ping``).

    Why: the ping is a round trip on every request — one in five of a status read's, with its CPU in the
    server and in PostgreSQL. A connection that rested is the one a database restart or an idle timeout
    may have dropped; it is tested and, if dead, replaced before the request sees it (the pool retries
    with a new connection when the checkout raises ``DisconnectionError``). A connection handed back
    moments ago was working moments ago. If the database goes away while connections are busy, the
    statements running then fail as they would with a pre-ping, and SQLAlchemy, seeing a disconnect
    error, discards every pooled connection opened before it, so the next checkouts connect afresh."""
    dialect = engine.dialect

    @event.listens_for(engine, "connect")
    @event.listens_for(engine, "checkin")
    def _rested_since(_dbapi_conn, record) -> None:
        if record is not None:
            record.info["rested_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping(dbapi_conn, record, _proxy) -> None:
        rested = record.info.get("rested_since")
        if rested is not None and time.monotonic() - rested <= PING_IDLE_AFTER:
            return
        try:
            dialect.do_ping(dbapi_conn)
        except dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError(f"pooled connection dropped while idle: {type(exc).__name__}") from exc
        record.info["rested_since"] = time.monotonic()


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
            # hide_parameters: a failing statement's error (and so the log) never shows the values —
            # ID numbers, names, password hashes
            engine = create_engine(parsed, connect_args={"timeout": 30}, hide_parameters=True)
            if parsed.database and parsed.database != ":memory:":  # only for a URL that is otherwise good
                _private_sqlite_file(Path(parsed.database))
            event.listen(engine, "connect", _sqlite_pragmas)
        else:
            if parsed.drivername == "postgresql":
                parsed = parsed.set(drivername="postgresql+psycopg")
            engine = create_engine(parsed, pool_size=10, max_overflow=20, hide_parameters=True)
            event.listen(engine, "handle_error", _redact_row_values)
            _ping_when_idle(engine)
    except NoSuchModuleError:
        raise DatabaseError(f"不支持的数据库驱动：{parsed.drivername}（请用 sqlite 或 postgresql+psycopg）") from None
    except OSError as exc:
        raise DatabaseError(f"无法创建数据库文件 {parsed.database}：{exc.strerror}") from None
    return engine


def migrate(engine: Engine, *, script_location: Path = MIGRATIONS, revision: str = "head") -> None:
    """Upgrade the database schema to ``revision`` (the newest by default), in one transaction.

    On SQLite a migration that alters a table copies it (Alembic's batch mode: create the new table, copy the
    rows, drop the old one), and dropping a table that other tables point at with ON DELETE CASCADE deletes
    their rows when foreign keys are enforced — a rating's rectifications, a claim's months. So foreign keys are
    switched off for the migration (it can only be done outside a transaction) and checked before it commits:
    a migration that leaves a row pointing nowhere is rolled back (:class:`MigrationError`), none is
    deleted behind its back. (PostgreSQL alters tables in place.)"""
    cfg = Config()
    cfg.set_main_option("script_location", str(script_location))
    try:
        with engine.connect() as conn:
            sqlite = conn.dialect.name == "sqlite"
            if sqlite:
                conn.exec_driver_sql("PRAGMA foreign_keys=OFF")  # before the transaction: inside it, a no-op
                conn.commit()
            try:
                with conn.begin():
                    if conn.dialect.name == "postgresql":
                        # several app nodes starting at once: one migrates, the others wait here and then find
                        # the schema at head (PostgreSQL's DDL is transactional, the lock ends with this transaction)
                        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
                    cfg.attributes["connection"] = conn
                    before = MigrationContext.configure(conn).get_current_revision()
                    dangling = _dangling_rows(conn) if sqlite else set()
                    command.upgrade(cfg, revision)
                    # only a migration that ran is checked (not every start), and only for rows it left dangling
                    if sqlite and MigrationContext.configure(conn).get_current_revision() != before:
                        _no_new_dangling_rows(conn, dangling)
            finally:
                if sqlite:
                    conn.exec_driver_sql("PRAGMA foreign_keys=ON")  # the pooled connection as every other
                    conn.commit()
    except OperationalError as exc:
        raise DatabaseError(f"无法连接数据库 {engine.url.render_as_string(hide_password=True)}：{exc.orig}") from None


class MigrationError(DatabaseError):
    """A migration would have left rows pointing at rows that are not there; nothing of it was kept."""


def _dangling_rows(conn: Connection) -> set[tuple]:
    """SQLite's rows pointing at rows that are not there (table, rowid, parent table, which key)."""
    return {tuple(row) for row in conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()}


def _no_new_dangling_rows(conn: Connection, before: set[tuple]) -> None:
    dangling = _dangling_rows(conn) - before
    if dangling:
        tables = sorted({row[0] for row in dangling})
        raise MigrationError(f"数据库升级未完成：升级后 {len(dangling)} 行数据引用了不存在的记录（{'、'.join(tables)}），"
                             "已全部撤回，数据库保持升级前的状态")


MIGRATION_LOCK = 7_146_023_514  # pg advisory key (audit chain …511, ingest …512, national sync …513)
_engines: dict[str, Engine] = {}


def connect(url: str | None = None) -> Engine:
    """A migrated engine for ``url`` (default database when None), reused within the process."""
    url = url or default_db_url()
    if url not in _engines:
        engine = make_engine(url)
        migrate(engine)
        _engines[url] = engine
    return _engines[url]


def dispose_all() -> None:
    """Close the connections of every engine :func:`connect` made (SQLite's last close checkpoints the WAL into the
    file), for a process about to end."""
    for engine in _engines.values():
        engine.dispose()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back on any error.

    A plain ``Session``, not ``sessionmaker(engine, …)()``: a sessionmaker is a new ``Session`` subclass,
    and SQLAlchemy then built that class's event dispatch afresh on every request (about a tenth of a
    status read's CPU when profiled)."""
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def pipelined(conn: Connection) -> Iterator[None]:
    """Statements in the block whose results are not read (INSERTs without RETURNING, executemany) go to
    PostgreSQL together: one round trip at the end of the block instead of one each (psycopg's pipeline
    mode). A statement that fails raises at the end of the block, as the SQLAlchemy error it would have
    raised on its own (values redacted as by :func:`_redact_row_values`). SQLite: no change."""
    if conn.dialect.name != "postgresql":
        yield
        return
    dialect = conn.dialect
    try:
        with conn.connection.dbapi_connection.pipeline():
            yield
    except dialect.loaded_dbapi.Error as exc:
        wrapped = DBAPIError.instance(None, None, exc, dialect.loaded_dbapi.Error, hide_parameters=True,
                                      dialect=dialect)
        _redact_row_values(SimpleNamespace(original_exception=exc, sqlalchemy_exception=wrapped))
        raise wrapped from exc
