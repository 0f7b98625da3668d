"""What the texts print for the 创业担保贷款 procedure: the parties, the steps and their time limits, the form and
the materials (附件1), the commitment; and the rules pillar's ``business_loan`` calculator, used through its
public entry point only (limits, terms, rate caps, the small-firm hiring test, the 贴息 rate).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from kuaiban.platform import calendar, citations
from kuaiban.platform.errors import Invalid
from kuaiban.programs.eligibility import NotAvailable
from kuaiban.rules.calculators import CalculatorError, get

CALCULATOR = "business_loan"
UNKNOWN = -1  # the calculator's "no text prints this figure here"
INDIVIDUAL, PARTNERSHIP, SMALL_FIRM = "个人", "合伙创业或组织起来共同创业", "小微企业"
BORROWERS = (INDIVIDUAL, PARTNERSHIP, SMALL_FIRM)
AREAS = ("东部地区", "中、西部地区", "贫困地区（国家扶贫开发工作重点县、全国14个集中连片特殊困难地区）")
# 鲁人社字〔2020〕27号 第四条: the groups a personal borrower belongs to
CATEGORIES = ("城镇登记失业人员", "就业困难人员", "复员转业退役军人", "刑满释放人员", "高校在校生",
              "高校毕业生（含大学生村官和留学回国学生）", "化解过剩产能企业职工和失业人员", "返乡创业农民工", "网络商户",
              "建档立卡贫困人口", "农村自主创业农民", "离岗或在职创业的乡镇事业单位专业技术人员", "港澳台来鲁创业青年",
              "其他符合条件的返乡创业人员")
# 附件1 (二): the materials of the eligibility review, each handed in or covered by a commitment (第十四条 告知承诺)
MATERIALS = {
    INDIVIDUAL: ("申请人居民身份证", "人员类别证明"),
    PARTNERSHIP: ("申请人居民身份证", "人员类别证明", "合伙人（组织成员）名单及其人员类别证明"),
    SMALL_FIRM: ("法定代表人身份证", "企业职工花名册", "招用符合条件人员的人员类别证明", "企业财务报表"),
}
MATERIAL_WAYS = {"提交": "已提交", "承诺": "告知承诺"}
COMMITMENT = {
    INDIVIDUAL: ("本人承诺：在申请地内自主或合伙创业，未在其他单位就业；本人及配偶有良好的个人信用，具有还贷能力；"
                 "除助学贷款、扶贫贷款、住房贷款、购车贷款、5万元以下小额消费贷款（含信用卡消费）以外，本人及配偶没有其他贷款；"
                 "所填信息和以告知承诺代替的材料真实，如有不实，愿承担相应责任。"),
    SMALL_FIRM: ("本单位承诺：经营情况良好，具有还款能力，无不良信用记录；企业、法定代表人和主要股东社会声誉好，"
                 "无违法乱纪行为，无重大诉讼案件；无拖欠职工工资、欠缴社会保险费等严重违法违规信用记录；"
                 "所填信息和以告知承诺代替的材料真实，如有不实，愿承担相应责任。"),
}
COMMITMENT[PARTNERSHIP] = COMMITMENT[INDIVIDUAL]
PARTY_NAMES = {"applicant": "申请人", "office": "人力资源社会保障部门", "guarantor": "担保机构", "bank": "经办银行",
               "finance": "财政部门", "system": "系统"}


@dataclass(frozen=True)
class Step:
    code: str
    name: str
    party: str
    working_days: int | None  # None: no text prints a limit ("unknown")
    clause: str


# 财金〔2020〕21号 六 (national, 2020-04-15) shortened 鲁人社字〔2020〕27号 附件2's 7 + 5 working days to 7 / 3 / 5
STEPS = {
    "eligibility": Step("eligibility", "资格审核", "office", 7, "nat_loan_time_limits_21"),
    "guarantee": Step("guarantee", "担保机构尽职调查", "guarantor", 3, "nat_loan_time_limits_21"),
    "lending": Step("lending", "经办银行贷款受理至发放", "bank", 5, "nat_loan_time_limits_21"),
}
STATUS_NAMES = {"eligibility": "人社部门资格审核中", "guarantee": "担保机构审查中", "lending": "经办银行审查中",
                "active": "贷款已发放", "repaid": "已结清", "refused": "未通过"}
CLAIM_STATUS_NAMES = {"submitted": "经办银行已申请，待人社部门初审", "checked": "人社部门已初审，待财政部门复核拨付",
                      "paid": "财政部门已拨付，待经办银行划转", "credited": "贴息已划入借款人账户", "refused": "贴息申请未通过"}
# 渝人社〔2021〕236号 三（二）: the quarterly claim by the 10th, the bank's feedback within 3 working days
CHONGQING = "500000"
CLAIM_DAY = 10
CREDIT_WORKING_DAYS = 3


def cite(key: str) -> dict[str, str]:
    c = citations.clause(key)
    return {"key": key, "label": c.label, "quote": c.quote}


# the clauses of the quarterly 贴息: claim, 人社 check, 财政 payment, the bank's credit, none when overdue
SUBSIDY_CLAUSES = ("sd_loan_subsidy_quarterly_27", "cq_loan_subsidy_claim_236", "cq_loan_subsidy_check_236",
                   "cq_loan_subsidy_pay_236", "cq_loan_subsidy_credit_236", "sd_loan_no_subsidy_overdue_27")


def steps() -> list[dict[str, Any]]:
    """Each step of the procedure as everyone reads it (the pages, the API, a loan's timeline): its code and
    name, the party that acts (in Chinese), its time limit in working days (None: not printed) and clause."""
    return [{"code": s.code, "name": s.name, "party": PARTY_NAMES[s.party], "working_days": s.working_days,
             "source": cite(s.clause)} for s in STEPS.values()]


def procedure() -> dict[str, Any]:
    """The procedure and the application form's choices: the steps, the 贴息 clauses, the borrower kinds,
    the personnel categories, the area kinds, each borrower kind's materials and commitment."""
    return {"steps": steps(), "subsidy": [cite(k) for k in SUBSIDY_CLAUSES], "borrowers": list(BORROWERS),
            "categories": list(CATEGORIES), "areas": list(AREAS), "materials": {k: list(v) for k, v in MATERIALS.items()},
            "commitment": COMMITMENT}


def step_due(step: str, start: dt.datetime) -> dt.date | None:
    days = STEPS[step].working_days
    return calendar.deadline(start, working_days=days) if days else None


def quarter_bounds(quarter: str) -> tuple[dt.date, dt.date]:
    """2021Q2 → (2021-04-01, 2021-06-30); Invalid naming ``quarter`` otherwise."""
    try:
        year, q = int(quarter[:4]), int(quarter[5:])
        if len(quarter) != 6 or quarter[4] != "Q" or not 1 <= q <= 4 or year < 2000:
            raise ValueError
    except ValueError:
        raise Invalid("季度应写作 年份+Q+季度，如 2021Q2", "quarter") from None
    start = dt.date(year, 3 * q - 2, 1)
    end = dt.date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1) - dt.timedelta(days=1)
    return start, end


def claim_due(region: str, quarter: str) -> dt.date | None:
    """The last day of a quarter's claim: 次季度首月的10日 where 渝人社〔2021〕236号 applies; elsewhere the texts say
    only 按季度 (鲁人社字〔2020〕27号 第十一条): None, "unknown"."""
    if not region.startswith(CHONGQING[:2]):
        return None
    end = quarter_bounds(quarter)[1] + dt.timedelta(days=1)
    return end.replace(day=CLAIM_DAY)


def add_months(day: dt.date, months: int) -> dt.date:
    import calendar as _cal

    m0 = day.month - 1 + months
    year, month = day.year + m0 // 12, m0 % 12 + 1
    return dt.date(year, month, min(day.day, _cal.monthrange(year, month)[1]))


def run(inputs: dict[str, Any]) -> dict[str, Any]:
    """The calculator's answer; NotAvailable when it is not installed, Invalid (field named) on bad input."""
    try:
        calculator = get(CALCULATOR)
    except CalculatorError:
        raise NotAvailable("创业担保贷款的计算规则尚未在本系统上线，暂不能办理；请稍后再试或到经办窗口咨询",
                           "program") from None
    try:
        return calculator.run(inputs)
    except CalculatorError as exc:
        message, name = str(exc), getattr(exc, "field", None)
        head, sep, rest = message.partition("：")
        if sep and head.isascii():
            name, message = name or head, rest
        field, label = FIELDS.get(name or "", ("facts", ""))
        # the calculator's own label (贷款合同签订日：…) gives way to the form's
        raise Invalid(f"{label}：{rest if sep else message}" if label else message, field) from None


# the calculator's inputs → the field of this procedure's forms that supplies it, and its label
FIELDS = {
    "loan_lpr": ("lpr", "贷款市场报价利率（LPR）"), "loan_rate": ("rate", "合同约定年利率"),
    "loan_amount": ("amount", "贷款金额"), "contract_date": ("contract_date", "贷款合同签订日"),
    "loan_partners": ("partners", "合伙人（组织成员）人数"), "firm_staff": ("firm_staff", "现有在职职工人数"),
    "firm_new_hires": ("firm_new_hires", "当年新招用符合条件人员人数"),
    "loan_previous_times": ("previous_times", "此前已享受创业担保贷款的次数"), "loan_area": ("area", "创业地的地区类别"),
    "region": ("region", "创业地"), "loan_borrower": ("borrower", "借款人类别"),
    "loan_local_limit": ("local_limit", "当地规定的贷款额度上限"),
}


def fen(yuan: Any) -> int:
    return int((Decimal(str(yuan)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def yuan(fen_: int | None) -> str | None:
    return None if fen_ is None else f"{Decimal(fen_) / 100:.2f}"


def rate_text(rate: str | Decimal | float | None) -> str:
    if rate is None:
        return "—"
    return f"{(Decimal(str(rate)) * 100).normalize():f}%"
