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
:class:`Busy`, a Chinese refusal saying that nothing was changed. SQLite (one writer, no such aborts) runs the
work once as before: its errors are never of these states.
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
ATTEMPTS = 3  # the first run and two more
PAUSE = 0.05  # seconds: the first pause's mean; doubled each time, jittered ±50 % so two retriers part ways


class Busy(ServiceError):
    """The operation met other work on the same records at the same moment and was aborted every time it ran."""

    status = 503

    def __init__(self, attempts: int) -> None:
        super().__init__(f"系统繁忙：该业务与同时办理的其他业务冲突，已自动重试 {attempts} 次仍未完成，本次未作任何更改，请稍后再试")
        self.attempts = attempts
        self.headers = {"Retry-After": "1"}


def sqlstate(exc: BaseException) -> str | None:
    """The SQLSTATE of a database error (psycopg's ``sqlstate``), or None (SQLite, or not a database error)."""
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    state = getattr(orig, "sqlstate", None)
    return state if isinstance(state, str) else None


def retryable(exc: BaseException) -> bool:
    """Whether PostgreSQL aborted the transaction for a deadlock or a serialization failure."""
    return isinstance(exc, DBAPIError) and sqlstate(exc) in RETRYABLE


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
            log.warning("%s: transaction aborted (%s %s), attempt %d of %d", what or "transaction", sqlstate(exc),
                        RETRYABLE[sqlstate(exc) or ""], attempt, attempts)
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
