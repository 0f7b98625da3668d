"""Read-only queries the 一件事 and 经办工作台 pages need beyond ``cases``: staff queues by role,
the audit trail of a case, a case's rating, commitments to verify, and where a clause lives in the library.

Nothing here writes; every state change goes through ``cases`` and ``ratings``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from kuaiban import claim_ratings
from kuaiban.library.clause_links import document_ids
from kuaiban.platform import access, audit, regions
from kuaiban.platform.auth import ROLE_NAMES, require_role
from kuaiban.platform.models import APPLICANT, REVIEWER, SUPERVISOR, WINDOW, AuditEntry, User
from kuaiban.programs.models import Claim
from kuaiban.services import cases, catalogue, handoffs, outcomes
from kuaiban.services.cases import LIMIT_NAMES, item_limit
from kuaiban.services.models import (
    ACCEPTED,
    CORRECTION,
    RECT_CLOSED,
    REVIEWED,
    SUBMITTED,
    Case,
    Commitment,
    Rating,
    Rectification,
    Task,
)
from kuaiban.web.templating import templates

# 窗口人员 受理 / 不予受理 / 补正; 后台审核人员 审核 / 办结; 监督人员 sees every open task of the region
QUEUE_STATES = {
    WINDOW: (SUBMITTED, CORRECTION),
    REVIEWER: (ACCEPTED, REVIEWED),
    SUPERVISOR: (SUBMITTED, CORRECTION, ACCEPTED, REVIEWED),
}
TO_VERIFY = "待核查"


def is_overdue(task: Task, at: dt.datetime | None = None) -> bool:
    """Past its deadline and still open; a task waiting for 补正 is paused (``cases.deadline_state``)."""
    return cases.deadline_state(task, at) == cases.OVERDUE


def deadline_states(tasks, at: dt.datetime | None = None) -> dict[int, str]:
    """{task id: 已超期 or 即将到期} of the tasks that are either (``cases.deadline_state``), for a table's markers."""
    at = at or audit.now()
    return {t.id: state for t in tasks if (state := cases.deadline_state(t, at))}


def limit_text(kind: str | None, value: int | None, basis: str | None) -> str:
    """“3个工作日（提速目标）”, or 时限未知 when the catalogue gives no number."""
    if kind is None or value is None:
        return "时限未知"
    return f"{value}{LIMIT_NAMES[kind]}" + (f"（{basis}）" if basis else "")


@dataclass(frozen=True)
class QueueFilter:
    """What a staff member narrows the queue to: words (办事人, the person the form names, or the
    办件编号), one item, one state, only overdue tasks."""

    words: str = ""
    item: str = ""
    state: str = ""
    overdue_only: bool = False
    due_soon_only: bool = False  # 即将到期 (``cases.due_soon_until``); with overdue_only: either

    def active(self) -> bool:
        return bool(self.words or self.item or self.state or self.overdue_only or self.due_soon_only)


def queue(session: Session, user: User, f: QueueFilter | None = None, *, at: dt.datetime | None = None
          ) -> list[Task]:
    """The open tasks a staff member works on: by role, in their region; a window clerk or reviewer with
    an agency sees that agency's tasks and the ones the region has not routed to any agency. ``f``
    narrows them; the words are matched after decryption (the form is stored encrypted), so in Python."""
    require_role(user, WINDOW, REVIEWER, SUPERVISOR)
    f = f or QueueFilter()
    stmt = (select(Task).join(Case).options(joinedload(Task.case).joinedload(Case.applicant))
            .where(Task.state.in_(QUEUE_STATES[user.role])))
    if f.state in QUEUE_STATES[user.role]:
        stmt = stmt.where(Task.state == f.state)
    if f.item:
        stmt = stmt.where((Task.item_code == f.item) | (Task.item_name == f.item))
    at = at or audit.now()
    if f.overdue_only or f.due_soon_only:  # as cases.deadline_state: 补正 pauses the clock
        stmt = stmt.where(Task.state != CORRECTION)
        if not f.due_soon_only:
            stmt = stmt.where(Task.due_at < at)
        elif not f.overdue_only:
            stmt = stmt.where(Task.due_at >= at, Task.due_at <= cases.due_soon_until(at))
        else:  # either
            stmt = stmt.where(Task.due_at <= cases.due_soon_until(at))
    if user.role != SUPERVISOR and user.agency:
        stmt = stmt.where((Task.agency == user.agency) | Task.agency.is_(None))
    # deadline first (unknown deadlines last), then arrival
    stmt = access.scoped(stmt, user, Case.region).order_by(Task.due_at.is_(None), Task.due_at, Task.id)
    tasks = list(session.scalars(stmt).unique())
    words = f.words.strip()
    if words:
        tasks = [t for t in tasks if words in t.case.number or words in t.case.applicant.name
                 or words in str((t.case.form or {}).get("姓名") or "")]
    return tasks


def applicant_line(case: Case) -> str:
    """Who a queue row is for, as lists may show it: the 办事人, and for a form that names a person
    (an enterprise's new employee) that person with the ID number masked (430104********1249)."""
    from kuaiban.platform.personal_data import mask_id_number

    form = case.form or {}
    person, number = str(form.get("姓名") or ""), str(form.get("证件号码") or "")
    line = case.applicant.name
    if person and person != case.applicant.name:
        line += f" · {person}"
    if number:
        line += f"（{mask_id_number(number)}）"
    return line


def task_with_case(session: Session, task_id: int) -> Task | None:
    return session.scalar(select(Task).where(Task.id == task_id)
                          .options(joinedload(Task.case).joinedload(Case.applicant)))


def commitments_to_verify(session: Session, user: User) -> list[Commitment]:
    """Signed commitments still 待核查 in the staff member's region (事中事后核查)."""
    require_role(user, REVIEWER, SUPERVISOR)
    stmt = (select(Commitment).join(Case).options(joinedload(Commitment.case))
            .where(Commitment.verification_state == TO_VERIFY))
    return list(session.scalars(access.scoped(stmt, user, Case.region).order_by(Commitment.id)))


def commitment(session: Session, commitment_id: int) -> Commitment | None:
    return session.scalar(select(Commitment).where(Commitment.id == commitment_id)
                          .options(joinedload(Commitment.case).joinedload(Case.applicant)))


def rectification(session: Session, rect_id: int) -> Rectification | None:
    return session.get(Rectification, rect_id)


def open_rectifications(session: Session, user: User) -> list[tuple[Rectification, Case | None, Rating, str | None]]:
    """差评整改 still open in the supervisor's region, with the case (None for a benefit claim's rating), the
    rating that opened them and, for a claim, its name (失业补助金申领 12)."""
    require_role(user, SUPERVISOR)
    stmt = (select(Rectification, Case, Rating, Claim).outerjoin(Case, Case.id == Rectification.case_id)
            .outerjoin(Claim, Claim.id == Rectification.claim_id)
            .join(Rating, Rating.id == Rectification.rating_id).where(Rectification.state != RECT_CLOSED))
    stmt = access.scoped(stmt, user, Rectification.region)
    return [(rect, case, rating, claim_ratings.title(claim) if claim is not None else None)
            for rect, case, rating, claim in session.execute(stmt.order_by(Rectification.id))]


def rating_of(session: Session, case_id: int) -> Rating | None:
    return session.scalar(select(Rating).where(Rating.case_id == case_id))


def rectification_of(session: Session, case_id: int) -> Rectification | None:
    return session.scalar(select(Rectification).where(Rectification.case_id == case_id))


def rectification_trail(session: Session, rect: Rectification) -> list[TrailEntry]:
    """The audit entries of a benefit claim's rating and of the rectification it opened, oldest first (a case's
    rectification shows the case's whole trail, :func:`audit_trail`)."""
    rows = session.execute(select(AuditEntry, User.username).outerjoin(User, User.id == AuditEntry.actor_id)
                           .where(or_((AuditEntry.entity == "rating") & (AuditEntry.entity_id == rect.rating_id),
                                      (AuditEntry.entity == "rectification") & (AuditEntry.entity_id == rect.id)))
                           .order_by(AuditEntry.id)).all()
    return [_trail_entry(e, name) for e, name in rows]


@dataclass(frozen=True)
class TrailEntry:
    at: dt.datetime
    action: str
    actor: str  # username（role in Chinese）, or 系统
    detail: dict


def audit_trail(session: Session, case_id: int) -> list[TrailEntry]:
    """Every audit entry of a case, oldest first, with who acted."""
    rows = session.execute(select(AuditEntry, User.username).outerjoin(User, User.id == AuditEntry.actor_id)
                           .where(AuditEntry.case_id == case_id).order_by(AuditEntry.id)).all()
    return [_trail_entry(e, name) for e, name in rows]


def _trail_entry(e: AuditEntry, name: str | None) -> TrailEntry:
    return TrailEntry(e.at, e.action, f"{name}（{ROLE_NAMES.get(e.actor_role, e.actor_role)}）" if name else "系统",
                      e.detail or {})


def my_cases(session: Session, user: User, limit: int = 50) -> list[Case]:
    require_role(user, APPLICANT)
    return list(session.scalars(select(Case).where(Case.applicant_id == user.applicant_id)
                                .order_by(Case.id.desc()).limit(limit)))


# ---------------------------------------------------------------- the catalogue as the pages show it


@dataclass(frozen=True)
class ItemRow:
    """An item of a bundle with the time limit that applies and the clause that limit comes from."""

    key: str
    code: str | None
    name: str
    group: str | None  # the group a sub-item belongs to
    is_group: bool
    limit: str
    limit_note: str | None
    source: catalogue.Source | None


def item_rows(bundle: catalogue.Bundle) -> list[ItemRow]:
    out: list[ItemRow] = []
    for item in bundle.items:
        for p in (item, *item.items):
            lim = item_limit(p.code, audit.now().date())
            try:
                source = catalogue.speedup_item(p.code).source if p.code else None
            except KeyError:
                source = None
            out.append(ItemRow(p.code or p.name, p.code, p.name, item.name if p is not item else None,
                               bool(p.items), limit_text(lim.kind, lim.value, lim.basis), lim.note, source))
    return out


def library_ids(session: Session, doc_nos: set[str]) -> dict[str, int]:
    """The library document id of each 文号 the library holds (the library's one resolver)."""
    return document_ids(session, doc_nos)


def registration_beside(session: Session, case) -> handoffs.Standing | None:
    """The applicant's newest 失业登记, for a case with an item that needs one (失业保险金申领 1.8.1 needs
    “已办理失业登记”, 人社部发〔2020〕40号 二, hunan-hrss-2020.txt:5151); None otherwise. Read through the
    快办 pillar's handoffs (the 失业登记 pillar is never imported here)."""
    if not any(outcomes.needs_outcome(t.item_code) for t in case.tasks):
        return None
    return handoffs.standing(session, "2.4.1", case.applicant.id_number)


def open_registration(session: Session, applicant, bundle) -> handoffs.Standing | None:
    """The applicant's open 失业登记 (待审核 or 已登记) when ``bundle`` offers 失业登记 (2.4.1): the form then says
    so instead of filing another (one open 失业登记 per person, kuaiban.unemployment.registration.duplicate_of)."""
    if applicant is None or "2.4.1" not in bundle.codes():
        return None
    found = handoffs.standing(session, "2.4.1", applicant.id_number)
    return found if found is not None and found.open else None


def agency_of(task, case) -> str:
    """承办机构 as the applicant and staff read it: the agency the region routes the item to, else the kinds of
    agency 人社部发〔2020〕26号 附件1 lists for the bundle, in the case's region — never a bare “未指定”
    (ux session 14, C18): no text and no configuration names a particular office."""
    if task.agency:
        return task.agency
    kinds = next((b.agencies for b in catalogue.bundles() if b.seq == case.bundle_seq), ())
    place = regions.full_name(case.region) if case.region else "办理地"
    what = "或".join(kinds) if kinds else "人社经办机构"
    return f"{place}的{what}（当地尚未在系统中指定具体承办机构）"


templates.env.globals["agency_of"] = agency_of
