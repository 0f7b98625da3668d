"""好差评 on the pages (国办发〔2019〕51号): what a page shows of the rating of a 一件事 case or of a benefit claim,
and the reading of a posted rating form — one for both.

A page builds a :class:`RatingView` (:func:`of_case`, :func:`of_claim`, :func:`of_claims` for a list) and
shows it with the macros of ``templates/_rating.html``: to the applicant the form while it may be rated (a
case 办结, a claim decided — approved, refused, or a 免申即享 listing confirmed, declined or lapsed — and not yet
rated), else the rating given (``您的评价：满意``) or when it may be rated; to staff the applicant's rating.
The case's page, the claim's page, 我的申领 and the enterprise's 免申即享 page all use them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from kuaiban import claim_ratings
from kuaiban.platform import access
from kuaiban.platform.models import User
from kuaiban.programs.models import Claim
from kuaiban.services import ratings
from kuaiban.services.models import CASE_DONE, Case, Rating, Rectification
from kuaiban.web.page_support import text

LEVELS = ratings.LEVELS
NO_LEVEL = "请选择评价等级（非常满意至非常不满意）"
# where a claim's rating form may send the applicant back to (a page that shows the claim), besides its own page
_BACK = re.compile(r"/programs(#my-claims|/listing/[a-z0-9_]{1,60}/mine)")


@dataclass(frozen=True)
class RatingView:
    action: str  # where the form posts
    own: bool  # the viewer is the applicant (staff read the applicant's rating)
    rateable: bool  # the form is offered: the applicant's, decided, not rated yet
    rating: Rating | None
    rectification: Rectification | None = None
    legend: str = "您对本次办理的评价（好差评）"
    waiting: str = ""  # said to the applicant before it may be rated
    back: str = ""  # the page the form returns to (empty: the record's own page)
    prefix: str = ""  # the form's element ids' prefix, for several forms on one page
    levels: dict[int, str] = field(default_factory=lambda: LEVELS)


def of_case(user: User, case: Case, rating: Rating | None, rectification: Rectification | None) -> RatingView:
    own = access.owns(user, case.applicant_id)
    return RatingView(action=f"/services/cases/{case.number}/rating", own=own,
                      rateable=own and case.status == CASE_DONE and rating is None, rating=rating,
                      rectification=rectification, waiting="办结后可对本次服务作出评价。")


def of_claim(session: Session, user: User, claim: Claim, *, back: str = "") -> RatingView:
    """A claim on its own page or on the enterprise's 免申即享 page (``back`` that page)."""
    rating, rectification = ratings.of_claim(session, claim.id)
    return _claim_view(user, claim, rating, rectification, back=back, own=access.owns(user, claim.applicant_id, session))


def of_claims(session: Session, user: User, claims: list[Claim], *, back: str) -> dict[int, RatingView]:
    """The claims of a list (我的申领), by id, their ratings read at once; each form returns to ``back``."""
    given, mine = ratings.of_claims(session, [c.id for c in claims]), access.acts_for(session, user)
    return {c.id: _claim_view(user, c, given.get(c.id), None, back=back, prefix=f"c{c.id}-",
                              own=c.applicant_id in mine) for c in claims}


def _claim_view(user: User, claim: Claim, rating: Rating | None, rectification: Rectification | None, *,
                own: bool, back: str = "", prefix: str = "") -> RatingView:
    return RatingView(action=f"/programs/claims/{claim.id}/rating", own=own,
                      rateable=own and claim_ratings.decided(claim) and rating is None, rating=rating,
                      rectification=rectification, legend="您对本次申领办理的评价（好差评）",
                      waiting="作出审核决定后可对本次申领的办理作出评价。", back=back, prefix=prefix)


def back_of(form: FormData, default: str) -> str:
    """The page a claim's rating form came from (我的申领, the 免申即享 page), if it is one of those; else ``default``."""
    back = text(form, "back")
    return back if _BACK.fullmatch(back) else default


def posted(form: FormData) -> tuple[int | None, str | None, dict[str, str] | None]:
    """The level (1–5) and the comment of a posted rating form, and the error when no level was chosen."""
    level, comment = text(form, "level"), text(form, "text")
    if not (level.isascii() and level.isdigit() and int(level) in LEVELS):
        return None, comment or None, {"level": NO_LEVEL}
    return int(level), comment or None, None
