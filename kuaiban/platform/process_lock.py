"""One process at a time per database for a named job (法规库导入, 全国平台同步), across processes and nodes.

The lock is dropped by the operating system or the server when its holder dies, so there is never a
stale lock to clean up:

- PostgreSQL: a session-level advisory lock on a connection of its own (every app node shares it);
- SQLite: ``flock`` on ``<database>.<name>-lock`` beside the database file (0600). ``BEGIN IMMEDIATE``
  would not do: the jobs do most of their work outside any write transaction.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, text


class Busy(RuntimeError):
    """Another process holds the lock and the caller chose not to wait; the message is for the operator."""


@contextmanager
def exclusive(engine: Engine, name: str, key: int, busy_message: str, *, wait: bool = True,
              on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the database's lock ``name`` (PostgreSQL advisory key ``key``) for the ``with`` block; wait for
    it (calling ``on_wait`` once first) or raise :class:`Busy` with ``busy_message``."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")  # the lock outlives any transaction
            if not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar():
                if not wait:
                    raise Busy(busy_message)
                if on_wait:
                    on_wait()
                conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": key})
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
        return
    database = engine.url.database
    if not database or database == ":memory:":  # one process's private database: nobody to exclude
        yield
        return
    fd = os.open(Path(database).with_name(f"{Path(database).name}.{name}-lock"), os.O_CREAT | os.O_RDWR, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                raise Busy(busy_message) from None
            if on_wait:
                on_wait()
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the flock
