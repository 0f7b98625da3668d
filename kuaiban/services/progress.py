"""进度查询 without signing in: the 办件编号 plus one thing only the applicant knows — the applicant's name
(个人姓名或单位名称) or the last 4 characters of the 证件号码 / 统一社会信用代码.

What is shown holds no personal data: the 一件事, the case's status and deadline, each item's state and
deadline, and what a 补正 notice asks for (so an applicant at the window or without an account can act).
Guessing is throttled in the database, like logins (``platform.throttle``): a number checked wrongly
``CASE_LIMIT`` times within the window is locked for a while, and so is an address after
``ADDRESS_LIMIT`` failures. An unknown number counts as a failure too and gets the same answer as a wrong
check, so the lookup tells nothing about which numbers exist.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from kuaiban.platform import throttle
from kuaiban.platform.errors import Invalid, TooManyRequests
from kuaiban.platform.models import LoginThrottle
from kuaiban.platform.personal_data import normalise
from kuaiban.services.models import Case

CASE_LIMIT = 5
ADDRESS_LIMIT = 20
DIGITS = 4  # the last characters of the 证件号码 the applicant may give instead of the name
CASE_PREFIX = "KB"  # cases.submit numbers every 办件 KB<date><10 hex>
NOT_A_CASE = ("这里查询“一件事”办件（编号以 KB 开头）的进度；失业登记请登录后在“我的失业登记”查看，"
              "补贴申领请登录后在“补贴申领”中查看")
NO_MATCH = "办件编号与核验信息不符：请核对办件编号，并填写申请人姓名（单位名称）或证件号码后4位"


def _case_key(number: str) -> str:
    return "progress-case:" + hashlib.sha256(normalise(number).encode()).hexdigest()


def _address_key(address: str | None) -> str | None:
    return f"progress-address:{throttle.client(address)}" if address else None


def _locked(session: Session, keys: list[str], at: dt.datetime) -> None:
    row = session.execute(select(LoginThrottle.locked_until).where(LoginThrottle.key.in_(keys),
                                                                   LoginThrottle.locked_until > at)
                          .order_by(LoginThrottle.locked_until.desc())).first()
    if row is not None:
        minutes = max(1, -(-int((row.locked_until - at).total_seconds()) // 60))
        raise TooManyRequests(f"核验失败次数过多，请 {minutes} 分钟后再查询", "check",
                              retry_after=int((row.locked_until - at).total_seconds()))


def matches(case: Case, check: str) -> bool:
    """The name, or the last :data:`DIGITS` characters of the number, compared in constant time."""
    given = normalise(check)
    if not given:
        return False
    name_ok = hmac.compare_digest(given.encode(), normalise(case.applicant.name).encode())
    number = normalise(case.applicant.id_number or "")
    digits_ok = len(given) == DIGITS and len(number) > DIGITS and hmac.compare_digest(
        given.encode(), number[-DIGITS:].encode())
    return name_ok or digits_ok


def lookup(session: Session, number: str, check: str, *, address: str | None = None,
           at: dt.datetime) -> dict | None:
    """The progress of case ``number`` if ``check`` answers for it; None (a failure counted, for the caller
    to commit) otherwise. Raises :class:`TooManyRequests` while the number or the address is locked."""
    number = normalise(number or "")
    if not number:
        raise Invalid("请填写办件编号", "number")
    if not number.startswith(CASE_PREFIX):  # a 失业登记 流水号 or a subsidy claim's number: tracked elsewhere
        raise Invalid(NOT_A_CASE, "number")
    if not (check or "").strip():
        raise Invalid("请填写申请人姓名（单位名称）或证件号码后4位", "check")
    keys = [k for k in (_case_key(number), _address_key(address)) if k]
    _locked(session, keys, at)
    case = session.scalar(select(Case).where(Case.number == number)
                          .options(selectinload(Case.tasks), selectinload(Case.applicant)))
    if case is None or not matches(case, check):
        throttle.fail(session, keys[0], CASE_LIMIT, at)
        if len(keys) > 1:
            throttle.fail(session, keys[1], ADDRESS_LIMIT, at)
        return None
    throttle.clear(session, keys[0])
    return {"number": case.number, "bundle": case.bundle_name, "status": case.status,
            "submitted_at": case.submitted_at, "due_at": case.due_at, "completed_at": case.completed_at,
            "due_provisional": case.due_provisional,
            "tasks": [{"item_code": t.item_code, "item_name": t.item_name, "state": t.state, "due_at": t.due_at,
                       "due_provisional": t.due_provisional,
                       "completed_at": t.completed_at, "correction_notice": t.correction_notice or [],
                       "correction_reason": t.last_reason if t.state == "待补正" else None}
                      for t in case.tasks]}
