"""好差评 of a benefit claim: wiring between the 补贴项目 pillar (kuaiban.programs) and the 快办 pillar's ratings
(kuaiban.services.ratings), which never import each other (tests/test_layers.py).

国办发〔2019〕51号 (which the compilations cite) asks that every 政务服务 be rateable: the applicant rates their
claim once it is decided (approved or refused — a claim still 审核中 or 公示中 is not), at the same five levels as a
一件事 case, and a bad rating opens the same 核实 → 整改 → 反馈 for the supervisors of the claim's region.

The claim is read through the programs' own access helper (:func:`kuaiban.programs.claims.my_claim`: the
applicant's own claims only) and handed to the ratings as a :class:`~kuaiban.services.ratings.RatedClaim`.

Imported, for the lookup it registers, by the application (:mod:`kuaiban.app`) and the command line
(:mod:`kuaiban.cli`); importing it again changes nothing.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from kuaiban.platform.auth import require_role
from kuaiban.platform.errors import NotFound
from kuaiban.platform.models import APPLICANT, User
from kuaiban.programs import claims, definitions
from kuaiban.programs.models import Claim
from kuaiban.services import ratings
from kuaiban.services.models import Rating


def decided(claim: Claim) -> bool:
    """Approved or refused (a 免申即享 listing's too: confirmed, declined or lapsed): the decision is made,
    whatever followed it (停发, 发放期满)."""
    return claim.decided_at is not None


def title(claim: Claim) -> str:
    """A claim as its page heads it (失业补助金（北京）申领 12): in the 反馈 message and the supervisors' pages."""
    return f"{definitions.get(claim.program).name}申领 {claim.id}"


def _rated(claim: Claim) -> ratings.RatedClaim:
    return ratings.RatedClaim(
        id=claim.id, applicant_id=claim.applicant_id, region=claim.region, decided=decided(claim),
        status_name=claims.STATUS_NAMES.get(claim.status, claim.status), title=title(claim),
        link=f"/programs/claims/{claim.id}", ref=f"program-claim-{claim.id}")


def _lookup(session: Session, claim_id: int) -> ratings.RatedClaim:
    claim = session.get(Claim, claim_id)
    if claim is None:
        raise NotFound(f"没有这件申领：{claim_id}", "claim")
    return _rated(claim)


def rate(session: Session, user: User, claim_id: int, level: int, text: str | None = None, *,
         at: dt.datetime | None = None) -> Rating:
    """The applicant's rating of their own decided claim (once)."""
    require_role(user, APPLICANT)
    return ratings.rate_claim(session, user, _rated(claims.my_claim(session, user, claim_id)), level, text, at=at)


ratings.register_claims(_lookup)
