"""Two transactions interleaved deterministically, for the payroll lock tests (s17, s19).

The second runs on its own thread, started by a hook inside the first (when the first appends a given audit entry),
and the first goes on once the second waits for a lock (PostgreSQL: ``pg_stat_activity``; SQLite: it is inside
``BEGIN IMMEDIATE``) or has finished."""

from __future__ import annotations

import threading
import time

from sqlalchemy import text

from kuaiban.platform import audit
from kuaiban.programs import caseworkers


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
