"""Who is program staff, and the write lock a program step takes before it reads what it changes.

Program staff are the 人社 caseworkers: window, reviewer and supervisor accounts. The partners of 创业担保贷款
(guarantor, bank, finance: kuaiban.platform.models.PARTNER_ROLES) also have a region, but they see only the
loans routed to their institution (kuaiban.programs.loans); they are not staff of the claims, the 追回 debts
or the payment batches. Every staff-only program action or view asks :func:`require` — the pages, the API,
the command line and the core alike — so that no path forgets one role.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from kuaiban.platform.auth import require_role
from kuaiban.platform.models import REVIEWER, SUPERVISOR, WINDOW, User

CASEWORKERS = (WINDOW, REVIEWER, SUPERVISOR)


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
