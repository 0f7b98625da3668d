"""The append-only, hash-chained audit log and the clock every state change is stamped with.

Each entry stores its position in the chain (``seq`` 1, 2, 3 …), the hash of the entry before it
(``prev_hash``) and its own ``hash`` = SHA-256 over that previous hash and a canonical serialisation of
the entry, position included (:func:`canonical`). Changing, deleting or inserting an entry breaks the
chain, which :mod:`kuaiban.platform.audit_chain` finds.

Appending reads the last entry and inserts after it, so two transactions appending at once must not
both read the same last entry (a fork). PostgreSQL: a transaction-scoped advisory lock, taken at the
first append and released at COMMIT/ROLLBACK, orders the appenders. SQLite has one writer at a time
already: an append holds the write lock before it reads the last entry (taken by the transaction's own
write, or by ``BEGIN IMMEDIATE`` when it has written nothing yet); a transaction whose snapshot went
stale gets SQLITE_BUSY instead of forking. On both, ``seq`` is unique,
which makes a fork impossible whatever the caller does: the second branch's INSERT fails.
See docs/SECURITY.md (Audit log) for the measured cost.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from kuaiban.platform.models import AuditEntry, User

BEIJING = ZoneInfo("Asia/Shanghai")
GENESIS = "0" * 64  # the "previous hash" of the first entry
APPEND_LOCK = 7_146_023_511  # pg_advisory_xact_lock key of the audit chain (any constant unique in the app)
_APPEND = insert(AuditEntry.__table__)  # built once; SQLAlchemy caches its compiled form
_LAST = select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
# PostgreSQL: svc_audit_append_head() (migration 0008) takes the lock and returns the last entry; the
# hash is chain_hash's, computed by the database, so that appending is one statement, one round trip
_PG_APPEND = text(
    "INSERT INTO svc_audit (at, actor_id, actor_role, action, entity, entity_id, case_id, detail, seq, prev_hash, "
    "hash) SELECT CAST(:at AS timestamp), CAST(:actor_id AS integer), CAST(:actor_role AS varchar), "
    "CAST(:action AS varchar), CAST(:entity AS varchar), CAST(:entity_id AS integer), CAST(:case_id AS integer), "
    "CAST(:detail AS json), n.seq, n.prev, encode(sha256(convert_to("
    "n.prev || chr(10) || n.seq::text || chr(10) || CAST(:canonical AS text), 'UTF8')), 'hex') "
    "FROM (SELECT coalesce(last_seq, 0) + 1 AS seq, coalesce(last_hash, CAST(:genesis AS varchar)) AS prev "
    "FROM svc_audit_append_head()) AS n"
)
# the fields an entry's hash covers, in this order (the id is not one: it only locates the entry)
CHAINED = ("seq", "at", "actor_id", "actor_role", "action", "entity", "entity_id", "case_id", "detail")


def now() -> dt.datetime:
    """Current Beijing time, naive (stored as is; working days are China's)."""
    return dt.datetime.now(BEIJING).replace(tzinfo=None, microsecond=0)


def canonical(entry: Mapping[str, Any]) -> str:
    """The entry's fields (all of CHAINED but seq) as one JSON array: sorted keys, no spaces, UTF-8, ISO times."""
    values = [v.isoformat() if isinstance(v, dt.datetime) else v for v in (entry[f] for f in CHAINED[1:])]
    return json.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def chain_hash(prev_hash: str, entry: Mapping[str, Any]) -> str:
    """SHA-256 hex of ``prev_hash \n seq \n canonical`` (PostgreSQL computes the same in _PG_APPEND)."""
    return hashlib.sha256(f"{prev_hash}\n{entry['seq']}\n{canonical(entry)}".encode()).hexdigest()


def record(session: Session, action: str, entity: str, entity_id: int | None, *, actor: User | None,
           at: dt.datetime, case_id: int | None = None, **detail) -> None:
    """Append one entry in the caller's transaction: the change and its log commit together or not at all.

    Call it after the transaction's own writes: on PostgreSQL the chain lock is held from here to
    COMMIT, so the later it is taken, the less appenders wait for each other.

    Written at once with a plain INSERT rather than added to the session: the entry is never read
    back or changed (the table refuses UPDATE and DELETE), so the unit of work's bookkeeping at the
    next flush was pure cost — about a tenth of a case submission's CPU when profiled."""
    if at.tzinfo is not None:  # stored naive in Beijing time; an aware value would be shifted by the driver
        at = at.astimezone(BEIJING).replace(tzinfo=None)
    entry = {"at": at, "actor_id": actor.id if actor else None, "actor_role": actor.role if actor else None,
             "action": action, "entity": entity, "entity_id": entity_id, "case_id": case_id,
             # as the JSON column gives it back (string keys, lists), so the hash verifies after a read
             "detail": json.loads(json.dumps(_jsonable(detail)))}
    if session.get_bind().dialect.name == "postgresql":
        # one round trip: lock, read the last entry, hash and insert, all in the database
        session.execute(_PG_APPEND, entry | {"detail": json.dumps(entry["detail"], ensure_ascii=False),
                                             "canonical": canonical(entry), "genesis": GENESIS})
        return
    session.flush()  # the transaction's own writes first (they take SQLite's write lock) …
    conn = session.connection()
    if not conn.connection.dbapi_connection.in_transaction:
        # … and when it has written nothing (a no-op change, a log-only step), take the lock here: the
        # driver opens a transaction only at the first write, so the last entry read below could
        # otherwise be stale by the INSERT and two appenders would fork the chain (refused by ``seq``).
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    last = session.execute(_LAST).first()
    entry["seq"], prev = (last.seq + 1, last.hash) if last else (1, GENESIS)
    session.execute(_APPEND, entry | {"prev_hash": prev, "hash": chain_hash(prev, entry)})


def _jsonable(v):
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, list | tuple | set | frozenset):
        return [_jsonable(x) for x in (sorted(v, key=str) if isinstance(v, set | frozenset) else v)]
    if isinstance(v, dt.datetime | dt.date):
        return v.isoformat()
    return v


def holds_write_locks(session: Session) -> bool:
    """Whether ``session``'s transaction already holds what another transaction would wait for to append
    to the log: SQLite's one write lock (any write so far), or PostgreSQL's append lock. A second
    transaction opened by the same thread would then wait for ever (PostgreSQL) or time out (SQLite)."""
    if not session.in_transaction():
        return False
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        return bool(conn.connection.dbapi_connection.in_transaction)
    return bool(conn.execute(_HOLDS_LOCK, {"key": APPEND_LOCK}).scalar())


_HOLDS_LOCK = text("SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted "
                   "AND pid = pg_backend_pid() AND ((classid::bigint << 32) | objid::bigint) = :key)")
