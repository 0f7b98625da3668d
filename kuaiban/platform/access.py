"""The one access-scope rule: which regions a staff account serves.

A staff account's scope is one 行政区划代码 (``User.region``) and covers every region under it
(:func:`kuaiban.platform.regions.covers`): staff of 430000 serve 430100 and 430104; staff of 430100 serve
430104 and not 430200. An account without a region serves the whole country (a national supervisor).
Applicants are not scoped by region: each pillar lets them see only what is their own.

Every pillar asks here — in Python with :func:`serves`, in SQL with :func:`scoped` — and nowhere else.
"""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import ColumnElement, true

from kuaiban.platform import regions
from kuaiban.platform.errors import Forbidden
from kuaiban.platform.models import APPLICANT, User

Stmt = TypeVar("Stmt")


def serves(user: User, region: str | None) -> bool:
    """Whether staff member ``user`` serves region ``region`` (never true for an applicant)."""
    return user.role != APPLICANT and regions.covers(user.region, region)


def require_serves(user: User, region: str | None, what: str) -> None:
    """:class:`Forbidden` unless ``user`` serves ``region``; ``what`` names the record (办件 N …)."""
    if not serves(user, region):
        raise Forbidden(f"无权查看或办理{what}：不在本账号的管辖地区（{regions.label(user.region)}）内")


def scope_condition(user: User, column) -> ColumnElement[bool]:
    """The SQL condition ``column`` (a region-code column) in ``user``'s scope."""
    if user.region is None:
        return true()
    prefix = regions.scope_prefix(user.region)
    return column == prefix if len(prefix) == 6 else column.like(prefix + "%")


def scoped(stmt: Stmt, user: User, column) -> Stmt:
    """``stmt`` limited to the rows whose ``column`` is in ``user``'s scope."""
    return stmt if user.region is None else stmt.where(scope_condition(user, column))
