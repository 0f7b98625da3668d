"""`residents_pension` and `residents_contribution_subsidy`: 湖南城乡居民基本养老保险 (湘政发〔2020〕19号)."""

from __future__ import annotations

from typing import Any

from kuaiban.rules import messages as msg
from kuaiban.rules.calculators.base import (
    Calculator,
    Columns,
    Field,
    day_text,
    labels_table,
    money,
    num,
    official_figures_note,
    parameters_at,
    step,
)
from kuaiban.rules.enums import Region

# 湘政发〔2020〕19号 “本意见自发布之日起实施,有效期5年” (hunan-hrss-2020.txt:5562), 发布 2020年12月31日 (:5565): in force
# from 2020-12-31 to 2025-12-30. A month is read by the rules in force on a day given within it; December 2020 and
# December 2025 given alone are computed on their 1st and on the day the notice starts or ends, and answered only where
# both agree (docs/rules.md, "Months and dates within a month")
FIRST_DAY, LAST_DAY, ENDED = "2020-12-31", "2025-12-30", "2025-12-31"
VALIDITY = "湘政发〔2020〕19号 2020-12-31 印发，有效期 5 年"
TIERS = (100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1500, 2000, 2500, 3000)

PENSION_FIELDS = [
    Field("region", "region", "参保地", choices=("湖南",)),
    Field("month", "month", "待遇所属月份（2020-12-31 至 2025-12-30；该月内政策有变化的填写具体日期）", unit="YYYY-MM",
          accepts_day=True),
    Field("basic_pension", "number", "当地基础养老金（中央和省最低标准及市县提高部分，文件未给出数额）",
          unit="CNY/month", positive=True),
    Field("contribution_years", "integer", "不含补缴年限的累计缴费年限（计算年限基础养老金）", unit="year"),
    Field("account_balance", "number", "个人账户全部储存额", unit="CNY"),
    Field("birth_date", "date", "出生日期", unit="YYYY-MM-DD"),
    Field("total_contribution_years", "integer", "含补缴年限的累计缴费年限（判断领取条件）", unit="year"),
    Field("scheme_start_date", "date", "原新农保或城居保制度在当地实施的日期（官方数字，汇编未载）",
          unit="YYYY-MM-DD", published="可向当地社会保险经办机构查询"),
]

SUBSIDY_FIELDS = [
    Field("region", "region", "参保地", choices=("湖南",)),
    Field("year", "year", "缴费年度（2021 至 2025）"),
    Field("tier", "integer", "缴费档次（元/年）：" + "、".join(map(str, TIERS)), unit="CNY/year"),
    Field("back_paid", "boolean", "中断后或隔年补缴的年度（不享受补贴）", required=False),
]


def _region_gap(values: dict[str, Any]) -> str | None:
    if values["region"] is not Region.hunan:
        return msg.not_covered("region", values["region"].value, "湖南，湘政发〔2020〕19号")
    return None


def rule_day(values: dict[str, Any]) -> str | None:
    """The day a month was given as (2020-12-31), whose rules it takes; None for a month given as a month."""
    month = str(values["month"])
    return month if len(month) == 10 else None


def instant(values: dict[str, Any]) -> str:
    """The day whose rules the case takes: the day given, else the month's first day."""
    return rule_day(values) or f"{values['month']}-01"


def pension_month_days(values: dict[str, Any]) -> list[str]:
    """December 2020 (19号 from the 31st) and December 2025 (its five years end on the 30th) given as months: the
    1st and the day of the change, to compute the month on (Calculator._run_days); [] for any other case."""
    month = str(values["month"])
    if month == FIRST_DAY[:7]:
        return [f"{month}-01", FIRST_DAY]
    if month == ENDED[:7]:
        return [f"{month}-01", ENDED]
    return []


def pension_gap(values: dict[str, Any]) -> str | None:
    days = pension_month_days(values)
    if days:  # population mode settles such rows day by day (population.settle_month_questions)
        return msg.day_asked("month", days[1:], raw=str(values["month"]))
    if not FIRST_DAY <= instant(values) <= LAST_DAY:
        return msg.not_covered("month", values["month"], f"{FIRST_DAY} 至 {LAST_DAY}，{VALIDITY}")
    total, without = values["total_contribution_years"], values["contribution_years"]
    if total < without:
        return msg.error("total_contribution_years",
                         f"{total} 年，少于不含补缴年限的累计缴费年限 {without} 年")
    return _region_gap(values)


def pension_variables(columns: Columns, period: str) -> Columns:
    return {
        "region": columns["region"],
        "birth_date": columns["birth_date"],
        "residents_basic_pension": columns["basic_pension"],
        "residents_contribution_years": columns["contribution_years"],
        "residents_total_contribution_years": columns["total_contribution_years"],
        "scheme_start_date": columns["scheme_start_date"],
        "residents_account_balance": columns["account_balance"],
    }


def years_steps(values: dict[str, Any], r: dict[str, float]) -> list[dict[str, Any]]:
    """七 (5508): the years required by the age at the old scheme's start, then (5506, 5508) whether the years
    paid, back-paid years included, reach them; the last step has value 0 when they do not."""
    p = parameters_at(instant(values)).residents_pension_required_years.r430000
    start, full = day_text(values["scheme_start_date"]), num(p.full_years)
    required, total = int(r["residents_pension_required_years"]), values["total_contribution_years"]
    to_age = f"{r['years_to_pension_age_at_start']:.2f}"
    if r["years_to_pension_age_at_start"] <= 0:
        return [step(f"制度在当地实施（{start}）时已年满{num(p.pension_age)}周岁：不用缴费，可以按月领取基础养老金",
                     required, "hn_rp_start_age")]
    near = r["years_to_pension_age_at_start"] < p.full_years  # 距规定领取年龄不足15年
    if near:
        rule = (f"制度在当地实施（{start}）时距规定领取年龄 {to_age} 年，不足{full}年：应逐年缴费，允许补缴，"
                f"累计缴费不超过{full}年；须缴 {required} 年（不足一年的按一年）")
    else:
        rule = f"制度在当地实施（{start}）时距规定领取年龄 {to_age} 年：累计缴费不少于{full}年"
    steps = [step(rule, required, "hn_rp_start_age")]
    # 5508 sets the years of those near 60 at the start; 5506 (累计缴费满15年) those of everyone else
    clause = "hn_rp_start_age" if near else "hn_rp_eligibility"
    if r["residents_pension_years_met"]:
        steps.append(step(f"累计缴费 {total} 年（含补缴年限），已满须缴的 {required} 年", None, clause))
        return steps
    if near:
        failed = (f"累计缴费 {total} 年（含补缴年限），不足须缴的 {required} 年：不符合按月领取条件，不领取待遇"
                  f"（允许补缴，尚差 {required - total} 年）")
    else:
        failed = f"累计缴费 {total} 年（含补缴年限），不足{full}年：不符合按月领取条件，不领取待遇"
    steps.append(step(failed, 0.0, clause))
    return steps


def pension_explain(values: dict[str, Any], r: dict[str, float]):
    p = parameters_at(instant(values)).residents_pension.hunan
    if not r["residents_pension_age_reached"]:
        text = f"出生于 {values['birth_date']}，{values['month']} 尚未到年满{num(p.pension_age)}周岁的次月，不领取待遇"
        return 0.0, {"eligible": False}, [step(text, 0.0, "hn_rp_eligibility")]
    required = int(r["residents_pension_required_years"])
    steps = [
        step(f"出生于 {values['birth_date']}，{values['month']} 已在年满{num(p.pension_age)}周岁的次月及以后"
             "（未领取国家规定的基本养老保障待遇的条件未核对）", None, "hn_rp_eligibility"),
        *years_steps(values, r),
    ]
    start = step(f"原新农保或城居保制度在当地实施的日期：{day_text(values['scheme_start_date'])}"
                 "（官方数字由使用者提供，汇编未载明）", values["scheme_start_date"].isoformat(), "hn_rp_start_age")
    if not r["residents_pension_eligible"]:
        details = {"eligible": False, "required_years": required}
        return 0.0, details, [*steps, start]
    years = values["contribution_years"]
    basic = values["basic_pension"]
    extra_years = max(years - int(p.years_threshold), 0)
    steps += [
        step(f"基础养老金 {num(basic)} 元/月（用户提供：最低标准由中央和省确定，市县可提高）", basic, "hn_rp_basic"),
        step(f"{num(p.older_tilt_age)}周岁及以上“适当倾斜”未规定数额，未计入", None, "hn_rp_basic"),
        step(f"缴费 {years} 年（不含补缴），超过{num(p.years_threshold)}年的 {extra_years} 年 × "
             f"{num(p.per_extra_year)} 元 = {money(r['residents_extra_years_pension'])} 元（省级标准，市县可提高）",
             money(r["residents_extra_years_pension"]), "hn_rp_years"),
        step(f"个人账户养老金 = {num(values['account_balance'])} ÷ {num(p.account_divisor)} = "
             f"{money(r['residents_account_pension'])} 元",
             money(r["residents_account_pension"]), "hn_rp_account"),
        start,
    ]
    details = {
        "eligible": True,
        "required_years": required,
        "basic_pension": basic,
        "extra_years_pension": money(r["residents_extra_years_pension"]),
        "account_pension": money(r["residents_account_pension"]),
    }
    return money(r["residents_pension"]), details, steps


def subsidy_gap(values: dict[str, Any]) -> str | None:
    if not 2021 <= values["year"] <= 2025:
        return msg.not_covered("year", f"{values['year']} 年", f"2021 至 2025 年，{VALIDITY}")
    if values["tier"] not in TIERS:
        return msg.error("tier", f"{values['tier']} 元不是缴费档次，可选（元/年）：{msg.listed(TIERS)}")
    return _region_gap(values)


def subsidy_variables(columns: Columns, period: str) -> Columns:
    out: Columns = {"residents_tier": columns["tier"]}
    if "back_paid" in columns:
        out["residents_back_paid"] = columns["back_paid"]
    return out


def subsidy_explain(values: dict[str, Any], r: dict[str, float]):
    tier, value = values["tier"], money(r["residents_contribution_subsidy"])
    if values.get("back_paid"):
        return 0.0, {"tier": tier}, [step("补缴年限不享受政府的缴费补贴", 0.0, "hn_rp_subsidy_local")]
    lowest = min(parameters_at(f"{values['year']}-01-01").residents_pension.hunan.tiers)
    steps = [step(f"缴费档次 {tier} 元", None, "hn_rp_tiers")]
    if tier == lowest:
        steps.append(step(f"{num(lowest)}元档次仅限重度残疾人、低保对象、特困人员等缴费困难群体（输入未核对）", None,
                          "hn_rp_tiers"))
    steps.append(step(f"政府缴费补贴 {num(value)} 元/年", value, "hn_rp_subsidy"))
    steps.append(step("市州、县市区可对提高缴费档次的增加补贴：未规定数额，返回的是省定标准", None,
                      "hn_rp_subsidy_local"))
    return value, {"tier": tier}, steps


PENSION_NOTES = ("基础养老金数额文件未给出，由用户提供；65岁以上倾斜未规定数额，未计入。",
                 "领取条件按含补缴年限的累计缴费年限和制度在当地实施时的年龄判断（须缴费年限与“城乡居民养老保险须缴费年限”计算器相同）；"
                 "不含补缴年限的累计缴费年限只用于年限基础养老金。")

RESIDENTS_PENSION = Calculator(
    detail_labels=labels_table({"required_years": "须缴费年限", "basic_pension": "基础养老金",
                                "extra_years_pension": "年限基础养老金", "account_pension": "个人账户养老金"}),
    name="residents_pension",
    title="湖南省城乡居民基本养老保险月待遇",
    audience="citizens",
    theme="养老保险待遇",
    unit="CNY/month",
    fields=PENSION_FIELDS,
    variable="residents_pension",
    to_variables=pension_variables,
    period_of=lambda values: str(values["month"])[:7],
    gap=pension_gap,
    rule_day=rule_day,
    month_days=pension_month_days,
    month_change_clause=lambda values: "hn_rp_start",
    period_field="month",
    gap_fields=("region", "month", "contribution_years", "total_contribution_years"),
    explain=pension_explain,
    explain_variables=("residents_pension_age_reached", "years_to_pension_age_at_start",
                       "residents_pension_required_years", "residents_pension_years_met", "residents_pension_eligible",
                       "residents_extra_years_pension", "residents_account_pension"),
    coverage=[{"region": "湖南", "dates": f"{FIRST_DAY} 至 {LAST_DAY}", "doc_no": "湘政发〔2020〕19号"}],
    sources=("hn_rp_basic", "hn_rp_years", "hn_rp_account", "hn_rp_eligibility", "hn_rp_start_age", "hn_rp_start"),
    notes=(*PENSION_NOTES, *filter(None, [official_figures_note([("原新农保或城居保制度在当地实施的日期", "date")],
                                                                PENSION_NOTES)])),
)

RESIDENTS_CONTRIBUTION_SUBSIDY = Calculator(
    detail_labels=labels_table({"tier": "缴费档次（元/年）"}),
    name="residents_contribution_subsidy",
    title="湖南省城乡居民养老保险政府缴费补贴",
    audience="caseworkers",
    theme="养老保险待遇",
    unit="CNY/year",
    fields=SUBSIDY_FIELDS,
    variable="residents_contribution_subsidy",
    to_variables=subsidy_variables,
    period_of=lambda values: str(values["year"]),
    gap=subsidy_gap,
    period_field="year",
    gap_fields=("region", "year", "tier"),
    absent_values={"back_paid": False},
    explain=subsidy_explain,
    coverage=[{"region": "湖南", "dates": "2021 至 2025 缴费年度", "doc_no": "湘政发〔2020〕19号"}],
    sources=("hn_rp_tiers", "hn_rp_subsidy", "hn_rp_subsidy_local", "hn_rp_start"),
    notes=("市县对高档次的增加补贴未规定数额，返回省定标准。",),
)
