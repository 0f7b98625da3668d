"""Who is program staff, the write lock a program step takes before it reads what it changes, and the one way
a staff member gets a record of their region to act on (:func:`get_for_staff`).

Program staff are the 人社 caseworkers: window, reviewer and supervisor accounts. The partners of 创业担保贷款
(guarantor, bank, finance: kuaiban.platform.models.PARTNER_ROLES) also have a region, but they see only the
loans routed to their institution (kuaiban.programs.loans); they are not staff of the claims, the 追回 debts
or the payment batches. Every staff-only program action or view asks :func:`require` — the pages, the API,
the command line and the core alike — so that no path forgets one role.
"""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

from sqlalchemy.orm import Session

from kuaiban.platform import access
from kuaiban.platform.auth import require_role
from kuaiban.platform.errors import NotFound
from kuaiban.platform.models import REVIEWER, SUPERVISOR, WINDOW, User

CASEWORKERS = (WINDOW, REVIEWER, SUPERVISOR)


class Regional(Protocol):
    region: Any  # the GB/T 2260 code of the region the record belongs to


R = TypeVar("R", bound=Regional)


def require(user: User) -> None:
    """:class:`Forbidden` unless ``user`` is a window, reviewer or supervisor account (as
    kuaiban.unemployment.national.refusals asks for the same staff)."""
    require_role(user, *CASEWORKERS)


def is_caseworker(user: User) -> bool:
    return user.role in CASEWORKERS


def write_lock(session: Session) -> None:
    """SQLite: take the database's one write lock before reading what the step will change (the driver opens
    the transaction only at the first write, after a stale read — as kuaiban.platform.audit does for the same
    reason). PostgreSQL: nothing here; the caller locks its row with ``FOR UPDATE``."""
    conn = session.connection()
    if conn.dialect.name == "sqlite" and not conn.connection.dbapi_connection.in_transaction:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def get_for_staff(session: Session, user: User | None, model: type[R], record_id: int, *, lock: bool,
                  missing: str, field: str, what: str) -> R:
    """The record ``model`` ``record_id`` (a claim, a 追回 …) for a staff member of its region: :func:`require`,
    then :class:`NotFound` (``missing``, naming ``field``) or ``access.require_serves`` (``what`` names the record
    in the refusal). ``user`` None: the operator's command, checked by its caller. ``lock``: the record is read
    fresh under the write lock (PostgreSQL ``FOR UPDATE``, SQLite its one write lock, :func:`write_lock`), so
    that a second request at the same moment waits and then sees what the first did."""
    if user is not None:
        require(user)
    if lock:
        write_lock(session)
    record = session.get(model, record_id, with_for_update=lock or None, populate_existing=lock)
    if record is None:
        raise NotFound(missing, field)
    if user is not None:
        access.require_serves(user, record.region, what)
    return record
