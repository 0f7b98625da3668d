"""Two transactions interleaved deterministically: the one harness of the lock and retry tests (s17, s19, s20).

:func:`second_inside_first`: the second runs on its own thread, started by a hook inside the first (when the first
appends a given audit entry), and the first goes on once the second waits for a lock (PostgreSQL:
``pg_stat_activity``; SQLite: it is inside ``BEGIN IMMEDIATE``) or has finished.

:class:`Intruder` (PostgreSQL, s20; moved here from test_s20_payroll_retry.py in s21): a second connection that
closes a genuine deadlock with an operation, so that PostgreSQL aborts the operation and its retry is seen."""

from __future__ import annotations

import threading
import time

from sqlalchemy import text

from kuaiban.platform import audit
from kuaiban.programs import caseworkers

ROGUE_TIMEOUT = "30s"  # the intruder's deadlock_timeout: the operation's (1 s) runs out first, so it is the one aborted


def waiting_or_done(town, worker: threading.Thread, entered: threading.Event) -> str:
    deadline = time.monotonic() + 60
    postgres = town.engine.dialect.name == "postgresql"
    while time.monotonic() < deadline:
        if not worker.is_alive():
            return "done"
        if postgres:
            with town.engine.connect() as watcher:
                if watcher.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                       "AND wait_event_type = 'Lock'")):
                    return "waiting"
        elif entered.is_set():  # inside BEGIN IMMEDIATE, which waits (busy_timeout) while the first writes
            time.sleep(0.3)
            return "done" if not worker.is_alive() else "waiting"
        time.sleep(0.02)
    raise AssertionError("the second transaction neither finished nor waited")


def second_inside_first(town, monkeypatch, action: str, second, *, appended: bool = False) -> dict:
    """Run ``second(session)`` in another session on another thread when the first transaction appends its first
    ``action`` audit entry (just before it; ``appended``: just after, the log's lock held); the first goes on once
    the second waits for a lock or is done."""
    real_record, real_lock = audit.record, caseworkers.write_lock
    out: dict = {}
    entered = threading.Event()

    def run() -> None:
        try:
            with town.session() as other:
                out["result"] = second(other)
        except Exception as exc:  # reported to the test
            out["error"] = exc

    def write_lock(session) -> None:
        if threading.current_thread().name == "second":
            entered.set()
        return real_lock(session)

    def record(session, act, *args, **kwargs):
        if act != action or "seen" in out or threading.current_thread().name == "second":
            return real_record(session, act, *args, **kwargs)
        if appended:
            real_record(session, act, *args, **kwargs)
        worker = threading.Thread(target=run, name="second", daemon=True)
        out["thread"] = worker
        worker.start()
        out["seen"] = waiting_or_done(town, worker, entered)
        return None if appended else real_record(session, act, *args, **kwargs)

    monkeypatch.setattr(audit, "record", record)
    monkeypatch.setattr(caseworkers, "write_lock", write_lock)
    return out


def finish(out: dict, monkeypatch) -> None:
    out["thread"].join(timeout=60)
    monkeypatch.undo()
    assert not out["thread"].is_alive()
    assert "error" not in out, repr(out.get("error"))  # before s17 (PostgreSQL): a deadlock, one side rolled back


class Intruder:
    """A second connection that takes ``first`` (SQL), waits until another backend waits for a lock, then takes
    ``second``, closing a circle with it; rolls back ``hold`` seconds after it got ``second``."""

    def __init__(self, town, first: str, second: str, params: dict, *, hold: float = 0.3) -> None:
        self.town, self.first, self.second, self.params, self.hold = town, first, second, params, hold
        self.ready, self.closed, self.done = threading.Event(), threading.Event(), threading.Event()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="intruder", daemon=True)

    def __enter__(self) -> Intruder:
        self.thread.start()
        assert self.ready.wait(30), "the intruder did not take its first lock"
        return self

    def __exit__(self, kind, *_exc) -> None:
        self.done.set()
        self.thread.join(60)
        assert not self.thread.is_alive()
        if self.error is not None and kind is None:  # the operation's own error first
            raise self.error

    def _run(self) -> None:
        try:
            with self.town.engine.connect() as conn, conn.begin() as tx:
                conn.exec_driver_sql(f"SET LOCAL deadlock_timeout = '{ROGUE_TIMEOUT}'")
                me = conn.scalar(text("SELECT pg_backend_pid()"))
                conn.execute(text(self.first), self.params)
                self.ready.set()
                self._until_someone_waits(me)
                if self.done.is_set():  # the operation ended without waiting: the test's assertions say why
                    return
                conn.execute(text(self.second), self.params)  # the circle: the operation is aborted, this goes on
                self.closed.set()
                time.sleep(self.hold)
                tx.rollback()
        except BaseException as exc:  # reported by __exit__
            self.error = exc
            self.ready.set()

    def _until_someone_waits(self, me: int) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not self.done.is_set():
            with self.town.engine.connect() as watcher:  # a new transaction: pg_stat_activity is read once in one
                if watcher.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                       "AND wait_event_type = 'Lock' AND pid <> :me"), {"me": me}):
                    return
            time.sleep(0.02)
        if not self.done.is_set():
            raise AssertionError("the operation never waited for the intruder's lock")
