"""The one access-scope rule: which regions a staff account serves.

A staff account's scope is one 行政区划代码 (``User.region``) and covers every region under it
(:func:`kuaiban.platform.regions.covers`): staff of 430000 serve 430100 and 430104; staff of 430100 serve
430104 and not 430200. An account without a region serves the whole country (a national supervisor).
Applicants are not scoped by region: each pillar lets them see only what is their own (:func:`owns`).

Every pillar asks here — in Python with :func:`serves` and :func:`owns`, in SQL with :func:`scoped` — and
nowhere else.

Refusals: staff outside their scope are told so (403, :func:`require_serves`: the record is an office's work,
and the staff member knows where to turn). An applicant asking for a record that is not theirs gets what a
record that does not exist gets (404, :func:`require_own`): whether another person has a 办件 or a 申领 is that
person's information (个人信息保护法), and a 403 would tell it to anyone counting numbers (the security review,
2026-12, finding 16: 403 for another's record and 404 for none is an enumeration oracle).

No application may be invisible: a record whose region no active staff member of the role that must act
next serves is *未分派*; :class:`Staffing` finds those, and each pillar shows them to the supervisors whose
scope covers the record (a national supervisor sees all of them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import Session

from kuaiban.platform import personal_data, regions
from kuaiban.platform.errors import Forbidden, NotFound
from kuaiban.platform.models import APPLICANT, Applicant, User

Stmt = TypeVar("Stmt")


def serves(user: User, region: str | None) -> bool:
    """Whether staff member ``user`` serves region ``region`` (never true for an applicant)."""
    return user.role != APPLICANT and regions.covers(user.region, region)


def require_serves(user: User, region: str | None, what: str) -> None:
    """:class:`Forbidden` unless ``user`` serves ``region``; ``what`` names the record (办件 N …)."""
    if not serves(user, region):
        raise Forbidden(f"无权查看或办理{what}：不在本账号的管辖地区（{regions.label(user.region)}）内")


def acts_for(session: Session, user: User) -> list[int]:
    """The applicant records applicant account ``user`` acts for: its own; an enterprise's account also any
    other enterprise record of its 统一社会信用代码. A 免申即享 list puts its claims under the record of the code
    (made for an enterprise without one, taken over when it registers); should another record of the code stand
    beside it (one hashed under the other key while a key rotation is under way), the claims listed under it
    are still the enterprise's — its page, its 办理记录, its 好差评 — and no other enterprise's. Staff: none."""
    if user.role != APPLICANT or user.applicant_id is None:
        return []
    own = session.get(Applicant, user.applicant_id)
    if own is None or own.kind != "enterprise" or not own.id_number:
        return [user.applicant_id]
    same = session.scalars(select(Applicant.id).where(
        Applicant.kind == "enterprise", Applicant.id != own.id,
        Applicant.id_number_hash.in_(personal_data.lookup_hashes(own.id_number))))
    return [own.id, *sorted(same)]


def owns(user: User, applicant_id: int | None, session: Session | None = None) -> bool:
    """Whether applicant account ``user`` acts for the applicant ``applicant_id`` (never true for staff); with
    ``session``, an enterprise's account also for its other records of the same credit code (:func:`acts_for`)."""
    if user.role != APPLICANT or user.applicant_id is None or applicant_id is None:
        return False
    return user.applicant_id == applicant_id or (session is not None and applicant_id in acts_for(session, user))


def require_own(user: User, applicant_id: int | None, missing: str, field: str | None = None,
                session: Session | None = None) -> None:
    """:class:`NotFound` with ``missing`` — the very words the pillar gives for a record that does not exist —
    unless applicant ``user`` owns the record (:func:`owns`): another person's record is not said to exist."""
    if not owns(user, applicant_id, session):
        raise NotFound(missing, field)


def within(column, scope: str | None) -> ColumnElement[bool]:
    """The SQL condition ``column`` (a region-code column) covered by ``scope`` (None: the whole country)."""
    if scope is None:
        return true()
    prefix = regions.scope_prefix(scope)
    return column == prefix if len(prefix) == 6 else column.like(prefix + "%")


def scope_condition(user: User, column) -> ColumnElement[bool]:
    """The SQL condition ``column`` (a region-code column) in ``user``'s scope."""
    return within(column, user.region)


def scoped(stmt: Stmt, user: User, column) -> Stmt:
    """``stmt`` limited to the rows whose ``column`` is in ``user``'s scope."""
    return stmt if user.region is None else stmt.where(scope_condition(user, column))


@dataclass(frozen=True)
class Staffing:
    """Who is on duty: the (role, scope, agency) of every active staff account, read once per request."""

    scopes: frozenset[tuple[str, str | None, str | None]]

    @classmethod
    def load(cls, session: Session) -> Staffing:
        rows = session.execute(select(User.role, User.region, User.agency)
                               .where(User.active.is_(True), User.role != APPLICANT).distinct())
        return cls(frozenset((r.role, r.region, r.agency) for r in rows))

    def assigned(self, role: str, region: str | None, agency: str | None = None) -> bool:
        """Whether an active ``role`` serves ``region``; a record routed to an agency needs staff of that
        agency or of none (staff without an agency see every agency's work, as the queues do)."""
        return any(r == role and regions.covers(scope, region) and (not own or agency is None or own == agency)
                   for r, scope, own in self.scopes)
