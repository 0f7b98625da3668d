"""The result a reviewer records when closing (办结) an item that grants a benefit, and that the applicant reads.

失业保险金申领 (1.8.1, 人社部发〔2020〕26号 附件1 “失业”一件事): closing it without a result left the applicant
with “已办结” and nothing else (ux session 14, C7). The texts print who qualifies — 人社部发〔2020〕40号 二
(hunan-hrss-2020.txt:5151) “对参保缴费满1年、非因本人意愿中断就业、已办理失业登记并有求职要求的失业人员，应及时足额
发放失业保险金” — and the standard the rules pillar computes (calculator ``unemployment_benefit``); the amount
and the months for one person are the office's decision on its records (缴费年限, 当地标准), so they are entered
by the reviewer, never computed or defaulted here:

- 核定: 每月金额 (元, > 0, at most two decimals) and 领取月数 (a whole number > 0) are required; 起始月份
  (YYYY-MM) and 发放账户 (sealed as personal data) are recorded when given — without one, the 社会保障卡银行账户
  (人社部发〔2021〕23号 附件1 三（三）1, chongqing-hrss-2021.txt:3795 “默认为社保卡银行账户”);
- 不予核定: the reason is required; the applicant reads it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from kuaiban.platform import dates
from kuaiban.platform.errors import Invalid
from kuaiban.services.models import TaskOutcome

# item code → what the result is about (the items whose 办结 must carry a result)
ITEMS: dict[str, str] = {"1.8.1": "失业保险金"}
GRANTED, DENIED = "核定", "不予核定"
DECISIONS = (GRANTED, DENIED)
BASIS = "人社部发〔2020〕40号 二"
CALCULATOR = "unemployment_benefit"
# the figures' shapes, not limits the texts set: an amount of at most 8 integer digits and 2 decimals, months of at
# most 3 digits (the columns' sizes), an account of 8–32 digits (spaces allowed) — ASCII digits only
_AMOUNT = re.compile(r"^[0-9]{1,8}(\.[0-9]{1,2})?$")
_MONTHS = re.compile(r"^[0-9]{1,3}$")
_ACCOUNT = re.compile(r"^[0-9]{8,32}$")  # after spaces are taken out


def needs_outcome(item_code: str | None) -> bool:
    return item_code in ITEMS


@dataclass(frozen=True)
class Outcome:
    decision: str
    monthly_amount: Decimal | None = None
    months: int | None = None
    first_month: str | None = None
    account: str | None = None
    reason: str | None = None

    @property
    def granted(self) -> bool:
        return self.decision == GRANTED

    def summary(self, what: str = "失业保险金") -> str:
        """One sentence for the applicant (the case page and the message)."""
        if not self.granted:
            return f"不予核定{what}。理由：{(self.reason or '').strip().rstrip('。')}。"
        text = f"核定{what}每月{self.monthly_amount:.2f}元，共{self.months}个月"
        if self.first_month:
            text += f"，自{dates.month_words(self.first_month)}起发放"
        # 人社部发〔2021〕23号 附件1 三（三）1 (chongqing-hrss-2021.txt:3795): “默认为社保卡银行账户,确需修改账户的
        # 提供本人银行账户信息”
        text += f"，发放至账户{mask_account(self.account)}" if self.account else "，发放至本人社会保障卡银行账户"
        return text + "。"

    def as_dict(self) -> dict:
        return {"decision": self.decision,
                "monthly_amount": None if self.monthly_amount is None else f"{self.monthly_amount:.2f}",
                "months": self.months, "first_month": self.first_month,
                "account": mask_account(self.account) if self.account else None, "reason": self.reason,
                "summary": self.summary(), "basis": BASIS}


def mask_account(account: str) -> str:
    """An account number as the applicant and lists see it: its last four digits."""
    digits = re.sub(r"\s", "", account)
    return f"尾号{digits[-4:]}" if len(digits) > 4 else "已登记"


def parse(values: dict | None) -> Outcome:
    """The reviewer's entries, checked all at once (:class:`Invalid` listing every problem, fields
    ``outcome.<name>``)."""
    values = values or {}

    def text(key: str) -> str:
        return str(values.get(key) or "").strip()

    problems: list[dict] = []

    def problem(key: str, detail: str) -> None:
        problems.append({"field": f"outcome.{key}", "detail": detail})

    decision = text("decision")
    amount = months = first_month = None
    if decision not in DECISIONS:
        problem("decision", "请选择办理结果：核定或不予核定")
    elif decision == GRANTED:
        raw = text("monthly_amount")
        try:  # digits and a point only (no 1E+30, no ²): what a caseworker types from the decision
            if not _AMOUNT.match(raw):
                raise InvalidOperation
            amount = Decimal(raw)
            if amount <= 0:
                raise InvalidOperation
        except InvalidOperation:
            amount = None
            problem("monthly_amount", "请填写核定的每月金额（元，大于0，最多两位小数），以经办机构核定的为准")
        raw = text("months")
        if _MONTHS.match(raw) and int(raw) > 0:
            months = int(raw)
        else:
            problem("months", "请填写核定的领取月数（正整数，最多3位）")
        account = text("account")
        if account and not _ACCOUNT.match(re.sub(r"\s", "", account)):
            problem("account", "收款账号应为 8–32 位数字（不填则发放至本人社会保障卡银行账户）")
        raw = text("first_month")
        if raw:
            first_month = dates.read_month(raw)  # 2020-9, 2020年9月 → 2020-09, as every month input is read
            if first_month is None:
                problem("first_month", "起始月份不是有效的月份，请按 2026-12 这样的格式填写")
    elif not text("reason"):
        problem("reason", "不予核定须说明理由（申请人将看到）")
    if problems:
        raise Invalid(problems[0]["detail"], problems[0]["field"], errors=problems)
    return Outcome(decision, amount, months, first_month, text("account") or None if decision == GRANTED else None,
                   text("reason") or None if decision == DENIED else None)


def record(session: Session, task_id: int, outcome: Outcome, *, actor_id: int | None, at: dt.datetime) -> None:
    """Store the result of the task (in the caller's transaction; once per task)."""
    session.add(TaskOutcome(
        task_id=task_id, decision=outcome.decision,
        monthly_amount=None if outcome.monthly_amount is None else f"{outcome.monthly_amount:.2f}",
        months=outcome.months, first_month=outcome.first_month,
        details={"account": outcome.account or "", "reason": outcome.reason or ""},
        recorded_by=actor_id, recorded_at=at))
    session.flush()


def of_row(row: TaskOutcome) -> Outcome:
    details = row.details or {}
    return Outcome(row.decision, None if row.monthly_amount is None else Decimal(row.monthly_amount), row.months,
                   row.first_month, details.get("account") or None, details.get("reason") or None)


def outcomes_of(session: Session, task_ids: list[int]) -> dict[int, Outcome]:
    """The recorded results of these tasks, by task id (tasks without one are absent)."""
    if not task_ids:
        return {}
    rows = session.scalars(select(TaskOutcome).where(TaskOutcome.task_id.in_(task_ids)))
    return {r.task_id: of_row(r) for r in rows}
