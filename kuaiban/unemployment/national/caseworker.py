"""A synthetic caseworker for tests and benchmarks, so a run of 100,000 applications needs no people.

It reviews every pending registration through the real service (:func:`kuaiban.unemployment.decision.decide`,
as a reviewer account of its own): an application whose 其他需说明的事项 (AAE815) carries
:data:`~kuaiban.unemployment.national.feed.REJECT_MARK`, or that was filed with field errors, is rejected
with a reason, every other one approved.
With ``exit_every`` = k it also deregisters one approved registration in k at once (注销 reason 11
被各类用人单位录用或招聘, through :func:`kuaiban.unemployment.deregistration.deregister`), so that exit records
flow too. This policy is made up for synthetic data; it is not a reading of any clause.
"""

from __future__ import annotations

import datetime as dt
import secrets
import zlib

from sqlalchemy import select
from sqlalchemy.orm import Session

from kuaiban.platform import auth
from kuaiban.platform.models import REVIEWER, User
from kuaiban.unemployment import decision, deregistration
from kuaiban.unemployment import models as m
from kuaiban.unemployment.national.feed import REJECT_MARK

REVIEWER_NAME = "sync-auto-reviewer"
REJECT_REASON = "合成数据样例：按申请备注审核不通过"
EXIT_REASON = "11"  # 被各类用人单位录用或招聘
EXIT_EMPLOYER = "样例单位（合成数据）"


class AutoCaseworker:
    def __init__(self, batch: int = 500, exit_every: int = 0) -> None:
        self.batch = batch
        self.exit_every = exit_every

    def reviewer(self, session: Session, aab301: str) -> User:
        """The synthetic reviewer of the registration's province (a reviewer's scope is a region, never
        the whole country), made on first use."""
        province = aab301[:2] + "0000"
        name = f"{REVIEWER_NAME}-{province}"
        user = session.scalar(select(User).where(User.username == name))
        if user is None:
            # nobody logs in as it: a random password that meets the policy (three classes by its prefix)
            user = auth.create_user(session, name, "Auto-" + secrets.token_hex(16), REVIEWER, region=province,
                                    display_name="自动审核样例")
        return user

    def work(self, session: Session, now: dt.datetime) -> dict[str, int]:
        """Decide up to ``batch`` pending registrations, oldest first, in the caller's transaction."""
        pending = session.execute(select(m.Registration.aaz341, m.Registration.version, m.Registration.application,
                                         m.Registration.aab301, m.Registration.register_check)
                                  .where(m.Registration.status == m.PENDING)
                                  .order_by(m.Registration.id).limit(self.batch)).all()
        if not pending:
            return {"approved": 0, "rejected": 0, "deregistered": 0}
        counts = {"approved": 0, "rejected": 0, "deregistered": 0}
        reviewers: dict[str, User] = {}  # by province, looked up once per batch
        for aaz341, version, application, aab301, check in pending:
            user = reviewers.get(aab301[:2]) or reviewers.setdefault(aab301[:2], self.reviewer(session, aab301))
            # an application filed with field errors (registration.register_from_national) is refused with
            # them as the reason; the rest by the synthetic mark
            flawed = bool((check or {}).get("intake_errors"))
            approve = application.get("AAE815") != REJECT_MARK and not flawed
            reason = None if approve else (REJECT_REASON if not flawed else
                                           "合成数据样例：" + (_reason_of(check) or "申请信息不合规"))[:100]
            reg = decision.decide(session, user, aaz341, approve=approve, reason=reason, version=version, at=now)
            counts["approved" if approve else "rejected"] += 1
            if approve and self._leaves(aaz341):
                deregistration.deregister(session, user, aaz341, reason_code=EXIT_REASON, version=reg.version,
                                          employer=EXIT_EMPLOYER, at=now)
                counts["deregistered"] += 1
        return counts

    def _leaves(self, aaz341: str) -> bool:
        # a hash, so that the share deregistered is independent of the feed's reject_every pattern
        return bool(self.exit_every) and zlib.crc32(aaz341.encode()) % self.exit_every == 0


def _reason_of(check: dict) -> str | None:
    errors = check.get("intake_errors") or []
    return "；".join(e["message"] for e in errors) or None
