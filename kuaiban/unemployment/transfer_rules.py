"""The computable rules of 失业保险关系跨省转移接续 (人社厅发〔2021〕85号, chongqing-hrss-2021.txt 19219–19277).

Clauses are cited by key from data/clauses/ui-transfer.yaml.

- ``85号.一.四``: “在转出地参保缴费不满1年的，只转移失业保险关系，不转移失业保险费用” → :func:`fund_amount` is
  nothing when the months insured at the 转出地 are fewer than 12. The text does not say whether the year is
  continuous; we count months in total (reading, docs/unemployment-transfer.md).
- ``85号.二.一``: the fund = 失业保险金 + half of it (基本医疗保险费 and 职业培训、职业介绍补贴 “按…应享受失业保险金总额的
  一半计算”) = 1.5 × 应享受失业保险金总额. The text gives no formula for 应享受失业保险金总额 itself: the 转出地
  office states it (its own standard); by default it is the record's 应当领取而尚未领取的失业保险金 (months ×
  monthly amount). Nothing is invented: without either the amount is a required input.
- ``85号.三.二`` / ``85号.三.三``: 5 working days at each office (:data:`OFFICE_WORKING_DAYS`).
- ``85号.三.四``: the fund within 1 month of the transfer out (:data:`FUND_MONTHS`); benefits are not withheld
  while it moves (:func:`withholding_reason`).
- The notice is dated 2021-11-09 and sets no other start: :data:`IN_FORCE_FROM`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from kuaiban.platform import calendar as sla
from kuaiban.platform.errors import Invalid

IN_FORCE_FROM = dt.date(2021, 11, 9)
OFFICE_WORKING_DAYS = 5
FUND_MONTHS = 1
MIN_MONTHS_FOR_FUND = 12
FUND_FACTOR = Decimal("1.5")  # 失业保险金 + 一半
CENT = Decimal("0.01")

CLAUSE_TRANSFER_OUT = "85号.三.二"
CLAUSE_FILED_AT_DESTINATION = "85号.三.三"
CLAUSE_FUND = "85号.三.四"
BASIS = {
    "origin": "人社厅发〔2021〕85号 三（二）（三）：转出地收到申请或联系函后5个工作日内办理转出",
    "acceptance": "人社厅发〔2021〕85号 三（三）：转入地收到申请后5个工作日内受理并发出联系函",
    "destination": "人社厅发〔2021〕85号 三（二）：转入地收到联系函后5个工作日内办理转入",
    "destination_after_letter": "人社厅发〔2021〕85号 三（三）未规定转入地在转出后办理转入的时限",
    "fund": "人社厅发〔2021〕85号 三（四）：转出后1个月内划转失业保险费用",
}

# 一（一）（二）（三）: who is transferred, as the text names them (the person's state before the transfer, 四（一）)
EMPLOYMENT_STATES = ("参保职工", "参保失业人员（不符合领金条件）", "参保失业人员（符合领金条件但未申领）",
                     "参保失业人员（正在领金期间）")
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def require_in_force(on: dt.date) -> None:
    if on < IN_FORCE_FROM:
        raise Invalid("人社厅发〔2021〕85号自2021年11月9日起执行：此前收到的跨省转移申请不按本通知办理", "received_on")


def money(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(CENT, ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        raise Invalid("金额须为数字（元，最多两位小数）", field) from None
    if amount < 0:
        raise Invalid("金额不能为负数", field)
    return amount


def months_in(period: dict) -> int:
    """Months of one contribution period {region, start: YYYY-MM, end: YYYY-MM}, both months counted."""
    start, end = period.get("start", ""), period.get("end", "")
    if not (_MONTH.match(start) and _MONTH.match(end)) or end < start:
        raise Invalid("缴费记录的起止年月请按 2021-05 这样的格式填写，且止不早于起", "contributions")
    (y0, m0), (y1, m1) = (map(int, start.split("-")), map(int, end.split("-")))
    return (y1 - y0) * 12 + (m1 - m0) + 1


def months_insured_at(record: dict, origin_region: str) -> int:
    """Months contributed in the 转出地's province (approved and not yet approved records alike)."""
    periods = [*record["contributions"]["approved"], *record["contributions"]["unapproved"]]
    return sum(months_in(p) for p in periods if str(p.get("region", ""))[:2] == origin_region[:2])


@dataclass(frozen=True)
class Fund:
    moves: bool
    entitlement: Decimal | None  # 应享受失业保险金总额
    amount: Decimal  # 基金转移金额
    months_at_origin: int
    explanation: str


def fund_amount(record: dict, origin_region: str, entitlement: object = None) -> Fund:
    """基金转移金额 for a transfer record (85号 一（四）, 二（一）)."""
    months = months_insured_at(record, origin_region)
    if months < MIN_MONTHS_FOR_FUND:
        return Fund(False, None, Decimal("0.00"), months,
                    f"在转出地参保缴费{months}个月，不满1年：只转移失业保险关系，不转移失业保险费用（85号 一（四））")
    if entitlement in (None, ""):
        unpaid = record.get("unpaid_benefit")
        if not unpaid:
            raise Invalid("在转出地参保缴费满1年：须填写应享受失业保险金总额（文件未规定其算法，由转出地按本地标准核定）",
                          "entitlement")
        entitlement = money(unpaid["monthly_amount"], "unpaid_benefit") * int(unpaid["months"])
    total = money(entitlement, "entitlement")
    amount = (total * FUND_FACTOR).quantize(CENT, ROUND_HALF_UP)
    return Fund(True, total, amount, months,
                f"应享受失业保险金总额{total}元 × 1.5（失业保险金加其一半的医疗保险费和培训、介绍补贴，85号 二（一））"
                f" = {amount}元")


def office_due(received_on: dt.date) -> dt.date | None:
    """The 5th working day after ``received_on`` (that day not counted); None when holidays are unpublished."""
    try:
        return sla.deadline(received_on, working_days=OFFICE_WORKING_DAYS)
    except sla.HolidayDataMissing:
        return None


def fund_due(transferred_out_on: dt.date) -> dt.date | None:
    try:
        return sla.deadline(transferred_out_on, months=FUND_MONTHS)
    except sla.HolidayDataMissing:
        return None


_FUND_EXCUSE = re.compile(r"(费用|基金|资金).{0,6}(未|没有|尚未).{0,4}(划转|到账|到位)")


def withholding_reason(reason: str) -> bool:
    """Whether a refusal rests on the fund not having arrived — which 三（四） forbids:
    “转入地经办机构不得以费用未划转到位为由，拒发失业保险待遇”."""
    return bool(_FUND_EXCUSE.search(reason))
