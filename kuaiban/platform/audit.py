"""The append-only audit log and the clock every state change is stamped with."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import insert
from sqlalchemy.orm import Session

from kuaiban.platform.models import AuditEntry, User

BEIJING = ZoneInfo("Asia/Shanghai")
_APPEND = insert(AuditEntry.__table__)  # built once; SQLAlchemy caches its compiled form


def now() -> dt.datetime:
    """Current Beijing time, naive (stored as is; working days are China's)."""
    return dt.datetime.now(BEIJING).replace(tzinfo=None, microsecond=0)


def record(session: Session, action: str, entity: str, entity_id: int | None, *, actor: User | None,
           at: dt.datetime, case_id: int | None = None, **detail) -> None:
    """Append one entry in the caller's transaction: the change and its log commit together or not at all.

    Written at once with a plain INSERT rather than added to the session: the entry is never read
    back or changed (the table refuses UPDATE and DELETE), so the unit of work's bookkeeping at the
    next flush was pure cost — about a tenth of a case submission's CPU when profiled."""
    session.execute(_APPEND, {"at": at, "actor_id": actor.id if actor else None,
                              "actor_role": actor.role if actor else None, "action": action, "entity": entity,
                              "entity_id": entity_id, "case_id": case_id, "detail": _jsonable(detail)})


def _jsonable(v):
    if isinstance(v, dict):
        return {k: _jsonable(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_jsonable(x) for x in v]
    if isinstance(v, dt.datetime | dt.date):
        return v.isoformat()
    return v
