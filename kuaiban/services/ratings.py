"""好差评: the applicant rates a completed case, or a decided benefit claim; a bad rating opens a rectification
(核实 → 整改 → 反馈).

The five levels and which of them are 差评 follow 国办发〔2019〕51号 (关于建立政务服务“好差评”制度
提高政务服务水平的意见), which the compilations cite but do not reprint: 非常满意、满意、基本满意 are
好评, 不满意、非常不满意 差评. The compilations give no time limit for rectification: each region sets
its own (``rectification_working_days``); until it does, the deadline is unknown.

A benefit claim (补贴/待遇申领) belongs to the programs pillar, which this one never imports: the composition root
(:mod:`kuaiban.claim_ratings`) reads the claim through the programs' own access helper, hands it over as a
:class:`RatedClaim` and registers how a claim is looked up again (for the 反馈 message).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kuaiban.platform import access, audit, holidays, regions
from kuaiban.platform import calendar as sla
from kuaiban.platform.auth import require_role
from kuaiban.platform.errors import Conflict, Invalid, NotFound
from kuaiban.platform.models import APPLICANT, SUPERVISOR, User
from kuaiban.services import notices
from kuaiban.services.cases import get_case
from kuaiban.services.models import (
    CASE_DONE,
    RECT_CLOSED,
    RECT_FEEDBACK,
    RECT_FIX,
    RECT_VERIFY,
    Case,
    Rating,
    Rectification,
    RegionSetting,
)

LEVELS = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
GOOD = (5, 4, 3)
BAD = (2, 1)
RECTIFICATION_LIMIT = "rectification_working_days"
# 核实 → 整改 → 反馈: the state each step leaves, the note it fills
RECT_STEPS = {RECT_VERIFY: (RECT_FIX, "verify_note"), RECT_FIX: (RECT_FEEDBACK, "fix_note"),
              RECT_FEEDBACK: (RECT_CLOSED, "feedback_note")}


def set_rectification_limit(session: Session, user: User, working_days: int) -> None:
    """The region's own limit for handling a bad rating, in working days."""
    require_role(user, SUPERVISOR)
    if user.region is None:
        raise Invalid("账号未关联地区，无法设置地区时限", "region")
    if not 1 <= working_days <= 365:
        raise Invalid("整改时限须为 1–365 个工作日", "working_days")
    row = session.scalar(select(RegionSetting).where(RegionSetting.region == user.region,
                                                     RegionSetting.key == RECTIFICATION_LIMIT))
    if row is None:
        session.add(RegionSetting(region=user.region, key=RECTIFICATION_LIMIT, value=str(working_days)))
    else:
        row.value = str(working_days)
    audit.record(session, "set_rectification_limit", "region", None, actor=user, at=audit.now(),
                 region=user.region, working_days=working_days)


def rectification_limit(session: Session, region: str | None) -> str | None:
    """The limit set for ``region`` or, failing that, for the nearest region above it (a county follows
    its city, a city its province)."""
    if not region:
        return None
    chain = [region] + [a.code for a in reversed(regions.ancestors(region))]
    found = dict(session.execute(select(RegionSetting.region, RegionSetting.value)
                                 .where(RegionSetting.region.in_(chain), RegionSetting.key == RECTIFICATION_LIMIT)).all())
    return next((found[code] for code in chain if code in found), None)


@dataclass(frozen=True)
class RatedClaim:
    """A benefit claim as the ratings see it, handed over by :mod:`kuaiban.claim_ratings`."""

    id: int
    applicant_id: int
    region: str | None
    decided: bool  # approved or refused (审核决定已作出)
    status_name: str  # 审核中, 公示中 … as the claim page says it
    title: str  # 失业补助金申领 12
    link: str  # the claimant's page of it
    ref: str  # its reference in the messages (消息中心), as the claim's own messages give it


_claim_lookup: Callable[[Session, int], RatedClaim] | None = None


def register_claims(lookup: Callable[[Session, int], RatedClaim]) -> None:
    """How a claim is read again by its id (the composition root's; importing it twice changes nothing)."""
    global _claim_lookup
    _claim_lookup = lookup


def _claim(session: Session, claim_id: int) -> RatedClaim:
    if _claim_lookup is None:
        raise RuntimeError("kuaiban.claim_ratings is not imported: claims cannot be read by the ratings")
    return _claim_lookup(session, claim_id)


def _check(level: int, text: str | None) -> None:
    if level not in LEVELS:
        raise Invalid("评价等级须为 1–5（5 非常满意 … 1 非常不满意）", "level")
    if text is not None and len(text) > 2000:
        raise Invalid("评价内容不超过 2000 字", "text")


def rate(session: Session, user: User, number: str, level: int, text: str | None = None, *,
         at: dt.datetime | None = None) -> Rating:
    require_role(user, APPLICANT)
    _check(level, text)
    case = get_case(session, user, number)
    if case.status != CASE_DONE:
        raise Conflict(f"办件尚未办结（{case.status}），办结后方可评价", "number")
    return _rate(session, user, level, text, at, case_id=case.id, region=case.region,
                 again="该办件已评价，不能重复评价", field="number")


def rate_claim(session: Session, user: User, claim: RatedClaim, level: int, text: str | None = None, *,
               at: dt.datetime | None = None) -> Rating:
    """The claimant's rating of their claim once it is decided (approved or refused), once."""
    require_role(user, APPLICANT)
    _check(level, text)
    access.require_own(user, claim.applicant_id, f"没有这件申领：{claim.id}", "claim", session)
    if not claim.decided:
        raise Conflict(f"申领尚未作出审核决定（{claim.status_name}），决定后方可评价", "claim")
    return _rate(session, user, level, text, at, claim_id=claim.id, region=claim.region,
                 again="该申领已评价，不能重复评价", field="claim")


def _rate(session: Session, user: User, level: int, text: str | None, at: dt.datetime | None, *,
          case_id: int | None = None, claim_id: int | None = None, region: str | None, again: str,
          field: str) -> Rating:
    """One rating of a case or of a claim (exactly one of ``case_id``, ``claim_id``); a bad one opens its
    rectification. The claim's id is written in the audit entries' detail (their case_id is the case's)."""
    at = at or audit.now()
    taken = Rating.case_id == case_id if case_id is not None else Rating.claim_id == claim_id
    if session.scalar(select(Rating.id).where(taken)) is not None:
        raise Conflict(again, field)
    rating = Rating(case_id=case_id, claim_id=claim_id, region=region, level=level, text=text, created_at=at)
    session.add(rating)
    try:
        session.flush()
    except IntegrityError:  # rated at the same moment elsewhere: the unique constraint decides
        raise Conflict(again, field) from None
    of_claim = {"claim_id": claim_id} if claim_id is not None else {}
    audit.record(session, "rate", "rating", rating.id, actor=user, at=at, case_id=case_id, level=level, **of_claim)
    if level in BAD:
        limit = rectification_limit(session, region)
        due = None
        if limit is not None:
            holidays.sync(session)
            due = dt.datetime.combine(sla.deadline(at, working_days=int(limit)), dt.time(23, 59, 59))
        rect = Rectification(rating_id=rating.id, case_id=case_id, claim_id=claim_id, region=region,
                             state=RECT_VERIFY, version=1, opened_at=at, due_at=due)
        session.add(rect)
        session.flush()
        audit.record(session, "open_rectification", "rectification", rect.id, actor=user, at=at, case_id=case_id,
                     due_at=due, **of_claim)
    return rating


def of_claims(session: Session, claim_ids: list[int]) -> dict[int, Rating]:
    """The ratings of these claims, by claim (one query: a list of the applicant's claims)."""
    if not claim_ids:
        return {}
    return {r.claim_id: r for r in session.scalars(select(Rating).where(Rating.claim_id.in_(claim_ids)))}


def of_claim(session: Session, claim_id: int) -> tuple[Rating | None, Rectification | None]:
    """A claim's rating and the rectification it opened (None, None before it is rated)."""
    rating = session.scalar(select(Rating).where(Rating.claim_id == claim_id))
    rect = session.scalar(select(Rectification).where(Rectification.rating_id == rating.id)) if rating else None
    return rating, rect


def advance(session: Session, user: User, rect_id: int, note: str, *, version: int | None = None,
            at: dt.datetime | None = None) -> Rectification:
    """One step of 核实 → 整改 → 反馈, with what was found or done."""
    require_role(user, SUPERVISOR)
    rect = session.get(Rectification, rect_id)
    if rect is None:
        raise NotFound(f"没有这项整改：{rect_id}", "rect_id")
    access.require_serves(user, rect.region, f"整改 {rect_id}")
    if not note.strip():
        raise Invalid("须填写核实、整改或反馈情况", "note")
    if rect.state not in RECT_STEPS:
        raise Conflict("该整改已反馈办结", "rect_id")
    target, column = RECT_STEPS[rect.state]
    seen = rect.version if version is None else version
    at = at or audit.now()
    values = {"state": target, "version": Rectification.version + 1, column: note}
    if target == RECT_CLOSED:
        values["closed_at"] = at
    res = session.execute(update(Rectification)
                          .where(Rectification.id == rect_id, Rectification.version == seen,
                                 Rectification.state == rect.state)
                          .values(**values).execution_options(synchronize_session=False))
    if res.rowcount != 1:
        raise Conflict("该整改已被他人处理，请刷新后重试", "version")
    audit.record(session, "rectification", "rectification", rect_id, actor=user, at=at, case_id=rect.case_id,
                 source=rect.state, target=target, note=note,
                 **({"claim_id": rect.claim_id} if rect.claim_id is not None else {}))
    if target == RECT_CLOSED:
        if rect.case_id is not None:
            case = session.get(Case, rect.case_id)
            applicant_id, subject = case.applicant_id, f"办件 {case.number}"
            link, ref = notices.case_link(case.number), case.number
        else:
            claim = _claim(session, rect.claim_id)
            applicant_id, subject, link, ref = claim.applicant_id, claim.title, claim.link, claim.ref
        notices.rating_feedback(session, rating_id=rect.rating_id, applicant_id=applicant_id, subject=subject,
                                link=link, ref=ref, feedback=note, at=at)
    session.expire(rect)
    return session.get(Rectification, rect_id)


def rectifications(session: Session, user: User, *, open_only: bool = True) -> list[Rectification]:
    require_role(user, SUPERVISOR)
    stmt = access.scoped(select(Rectification), user, Rectification.region)
    if open_only:
        stmt = stmt.where(Rectification.state != RECT_CLOSED)
    return list(session.scalars(stmt.order_by(Rectification.id)))
