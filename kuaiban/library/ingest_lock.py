"""One `kuaiban ingest` at a time per database, across processes.

Two ingests at once used to store a document's sources twice, or die on "database is locked". The
lock is held from before the first migration of a fresh database to the end of the ingest's commit,
and the operating system or the server drops it when the holder dies (no stale lock to clean up):

- PostgreSQL: a session-level advisory lock on a connection of its own;
- SQLite: ``flock`` on ``<database>.ingest-lock`` beside the database file (0600). ``BEGIN IMMEDIATE``
  would not do: parsing the compilations happens before the write transaction and takes longer.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, text

INGEST_LOCK = 7_146_023_512  # pg advisory lock key (the audit chain's is …511)


class IngestBusy(RuntimeError):
    """Another ingest holds the lock and the caller chose not to wait."""

    def __init__(self) -> None:
        super().__init__("另一个法规库导入（kuaiban ingest）正在进行，请等它结束后再运行")


@contextmanager
def ingest_lock(engine: Engine, *, wait: bool = True, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the database's ingest lock; wait for it (calling ``on_wait`` once) or raise :class:`IngestBusy`."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")  # the lock outlives any transaction
            if not conn.execute(text(f"SELECT pg_try_advisory_lock({INGEST_LOCK})")).scalar():
                if not wait:
                    raise IngestBusy()
                if on_wait:
                    on_wait()
                conn.execute(text(f"SELECT pg_advisory_lock({INGEST_LOCK})"))
            try:
                yield
            finally:
                conn.execute(text(f"SELECT pg_advisory_unlock({INGEST_LOCK})"))
        return
    database = engine.url.database
    if not database or database == ":memory:":  # one process's private database: nobody to exclude
        yield
        return
    fd = os.open(Path(database).with_name(Path(database).name + ".ingest-lock"), os.O_CREAT | os.O_RDWR, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                raise IngestBusy() from None
            if on_wait:
                on_wait()
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the flock
