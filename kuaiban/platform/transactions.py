"""One transaction, run again when PostgreSQL aborted it for a deadlock or a serialization failure (s20).

Two writers of claims and their months take their locks in one order (docs/programs.md, “One lock order”), but a
writer outside that order — a database administrator's statement, a future code path, a lock the order does not
cover — can still close a circle. PostgreSQL then aborts one of the two transactions (SQLSTATE ``40P01``
deadlock_detected) and the other goes on; at a stricter isolation level a transaction may be aborted for a
concurrent change (``40001`` serialization_failure). Either way nothing of the aborted transaction was stored, and
running it again from the start, in a fresh session that reads everything anew, is safe and usually succeeds.

:func:`retrying_transaction` does that for the one place an operation begins and commits its transaction: the
whole ``work(session)`` runs in a new session each attempt, at most :data:`ATTEMPTS` times, with a short jittered
pause between; any other error (a refusal, a constraint, a lost connection, a lock timeout) is raised at once,
never retried. What ``work`` does must stay inside the transaction — the audit entry, the messages and their
outbox rows (kuaiban.platform.notifications.post) are, so a retry neither repeats them nor loses them. Work
outside the database (files, the answer) belongs after the call. After the last attempt fails the caller gets
:class:`Busy`, a Chinese refusal saying that nothing was changed. SQLite has one writer and no such aborts,
with one exception: a transaction that read, then tries to write after another connection committed, is refused
at once with ``SQLITE_BUSY_SNAPSHOT`` (its snapshot went stale — SQLite's serialization failure), run again too.

Contention that is not retried — SQLite's plain “database is locked” after its busy timeout (10 s of waiting
already: another attempt would only double the wait), a PostgreSQL lock timeout (``55P03``), an abort in a path
that does not retry — is never an English 500: :func:`busy_refusal` turns it into the same Chinese refusal
(:class:`Busy` without a count of attempts), answered by the app's handler (kuaiban.app) and the command line's
transaction (kuaiban.programs.cli_support) (s20).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from kuaiban.db import session_scope
from kuaiban.platform.errors import ServiceError

T = TypeVar("T")
log = logging.getLogger(__name__)

RETRYABLE = {"40P01": "deadlock_detected", "40001": "serialization_failure"}
SQLITE_RETRYABLE = {"SQLITE_BUSY_SNAPSHOT"}  # a read snapshot gone stale before the first write: refused at once
CONTENDED = {*RETRYABLE, "55P03"}  # and lock_not_available (a lock timeout): contention, refused in Chinese
ATTEMPTS = 3  # the first run and two more
PAUSE = 0.05  # seconds: the first pause's mean; doubled each time, jittered ±50 % so two retriers part ways


class Busy(ServiceError):
    """The operation met other work on the same records at the same moment and was aborted every time it ran."""

    status = 503

    def __init__(self, attempts: int | None = None) -> None:
        if attempts is None:  # not retried (busy_refusal): the transaction rolled back, the answer says only that
            super().__init__("系统繁忙：该业务与同时办理的其他业务冲突，本次操作未完成，请稍后再试")
        else:
            super().__init__(f"系统繁忙：该业务与同时办理的其他业务冲突，已自动重试 {attempts} 次仍未完成，本次未作任何更改，"
                             "请稍后再试")
        self.attempts = attempts
        self.headers = {"Retry-After": "1"}


def sqlstate(exc: BaseException) -> str | None:
    """The SQLSTATE of a database error (psycopg's ``sqlstate``), or None (SQLite, or not a database error)."""
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    state = getattr(orig, "sqlstate", None)
    return state if isinstance(state, str) else None


def sqlite_error(exc: BaseException) -> str | None:
    """The extended result code's name of an SQLite error (``SQLITE_BUSY``, ``SQLITE_BUSY_SNAPSHOT`` …), or None."""
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    name = getattr(orig, "sqlite_errorname", None)
    return name if isinstance(name, str) else None


def retryable(exc: BaseException) -> bool:
    """Whether the database aborted the transaction for a deadlock or a serialization failure (PostgreSQL), or
    refused SQLite's stale snapshot a write: a fresh transaction would not meet it again."""
    return isinstance(exc, DBAPIError) and (sqlstate(exc) in RETRYABLE or sqlite_error(exc) in SQLITE_RETRYABLE)


def _state(exc: DBAPIError) -> str:
    state = sqlstate(exc)
    return f"{state} {RETRYABLE[state]}" if state in RETRYABLE else sqlite_error(exc) or "?"


def busy_refusal(exc: BaseException) -> Busy | None:
    """The Chinese refusal for contention that reached the caller unretried (or None: not contention): SQLite's
    “database is locked” / “database table is locked” (SQLITE_BUSY, SQLITE_LOCKED and their extended codes), a
    PostgreSQL deadlock, serialization failure or lock timeout. The transaction has rolled back."""
    if not isinstance(exc, DBAPIError):
        return None
    name = sqlite_error(exc) or ""
    if sqlstate(exc) in CONTENDED or name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) \
            or "database is locked" in str(exc.orig):
        return Busy()
    return None


def retrying_transaction(engine: Engine, work: Callable[[Session], T], *, attempts: int = ATTEMPTS,
                         pause: float = PAUSE, what: str = "") -> T:
    """``work(session)`` in one transaction (:func:`kuaiban.db.session_scope`), committed; run again in a fresh
    session when PostgreSQL aborted it with :data:`RETRYABLE`, at most ``attempts`` times in all, then
    :class:`Busy`. ``what`` names the operation in the log."""
    for attempt in range(1, attempts + 1):
        try:
            with session_scope(engine) as session:
                return work(session)
        except DBAPIError as exc:
            if not retryable(exc):
                raise
            log.warning("%s: transaction aborted (%s), attempt %d of %d", what or "transaction",
                        _state(exc), attempt, attempts)
            if attempt == attempts:
                raise Busy(attempts) from exc
            time.sleep(pause * 2 ** (attempt - 1) * random.uniform(0.5, 1.5))  # jitter, not a secret
    raise AssertionError("unreachable")  # attempts >= 1


def retrying_savepoint(session: Session, action: Callable[[], T], *, attempts: int = ATTEMPTS,
                       pause: float = PAUSE, what: str = "") -> T:
    """``action()`` inside ``session``'s own transaction, which the caller began and commits (a page's form post:
    the request's session, the signed-in user read in it), run again after a PostgreSQL deadlock.

    The action runs in a SAVEPOINT: a deadlock aborts only it, and rolling back to the savepoint releases every
    lock it took (row locks, the audit log's advisory lock), so the circle is broken; the session's objects are
    then expired, so the next attempt reads everything anew. Only ``40P01``: a serialization failure needs a new
    snapshot, i.e. a new transaction (:func:`retrying_transaction`). SQLite (no deadlocks; savepoints of its driver
    not used here): the action runs once."""
    if session.get_bind().dialect.name != "postgresql":
        return action()
    for attempt in range(1, attempts + 1):
        try:
            with session.begin_nested():
                return action()
        except DBAPIError as exc:
            if sqlstate(exc) != "40P01":
                raise
            session.expire_all()
            log.warning("%s: savepoint aborted (40P01 deadlock_detected), attempt %d of %d", what or "transaction",
                        attempt, attempts)
            if attempt == attempts:
                raise Busy(attempts) from exc
            time.sleep(pause * 2 ** (attempt - 1) * random.uniform(0.5, 1.5))  # jitter, not a secret
    raise AssertionError("unreachable")  # attempts >= 1
