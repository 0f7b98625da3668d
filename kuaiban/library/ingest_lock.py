"""One `kuaiban ingest` at a time per database, across processes.

Two ingests at once used to store a document's sources twice, or die on "database is locked". The
lock is held from before the first migration of a fresh database to the end of the ingest's commit;
how it is held (advisory lock, flock) is the platform's :mod:`kuaiban.platform.process_lock`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import Engine

from kuaiban.platform.process_lock import Busy, exclusive

INGEST_LOCK = 7_146_023_512  # pg advisory lock key (the audit chain's is …511, the national sync's …513)
BUSY = "另一个法规库导入（kuaiban ingest）正在进行，请等它结束后再运行"


class IngestBusy(Busy):
    """Another ingest holds the lock and the caller chose not to wait."""

    def __init__(self) -> None:
        super().__init__(BUSY)


@contextmanager
def ingest_lock(engine: Engine, *, wait: bool = True, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the database's ingest lock; wait for it (calling ``on_wait`` once) or raise :class:`IngestBusy`."""
    try:
        with exclusive(engine, "ingest", INGEST_LOCK, BUSY, wait=wait, on_wait=on_wait):
            yield
    except Busy as exc:
        if isinstance(exc, IngestBusy):
            raise
        raise IngestBusy() from None
