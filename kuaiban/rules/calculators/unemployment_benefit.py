"""`unemployment_benefit`: Beijing's monthly 失业保险金 from 2020-07 (京人社发[2020]8号)."""

from __future__ import annotations

from typing import Any

from kuaiban.rules import messages as msg
from kuaiban.rules.calculators.base import Calculator, Columns, Field, money, step
from kuaiban.rules.enums import Region

FIELDS = [
    Field("region", "region", "参保地", choices=("北京",)),
    Field("month", "month", "领取月份", unit="YYYY-MM"),
    Field("contribution_months", "integer", "累计缴费月数", unit="month"),
    Field("benefit_month", "integer", "领取失业保险金的第几个月（首月为1）", unit="month"),
]

TIERS = [
    (60, "bj_ub_1_5", "满1年不满5年"),
    (120, "bj_ub_5_10", "满5年不满10年"),
    (180, "bj_ub_10_15", "满10年不满15年"),
    (240, "bj_ub_15_20", "满15年不满20年"),
]


def gap(values: dict[str, Any]) -> str | None:
    if values["region"] is not Region.beijing:
        return msg.not_covered("region", values["region"].value, "北京，京人社发[2020]8号")
    if values["month"] < "2020-07":
        return msg.not_covered("month", values["month"], "2020-07 起，京人社发[2020]8号")
    if values["benefit_month"] < 1:
        return msg.error("benefit_month", "应从 1 起算，首月为 1", values["benefit_month"])
    return None


def to_variables(columns: Columns, period: str) -> Columns:
    return {name: columns[name] for name in ("region", "contribution_months", "benefit_month")}


def explain(values: dict[str, Any], r: dict[str, float]):
    months, nth = values["contribution_months"], values["benefit_month"]
    value = money(r["unemployment_benefit"])
    steps = [step("调整后的标准自2020年7月1日起执行", None, "bj_ub_start")]
    if months < 12:
        steps.append(step(f"累计缴费 {months} 个月，不满1年，不属于领取范围", 0.0, "bj_ub_eligibility"))
        return 0.0, {"tier": None}, steps
    tier = next(((key, label) for limit, key, label in TIERS if months < limit), ("bj_ub_20", "满20年以上"))
    steps.append(step(f"累计缴费 {months} 个月（{tier[1]}）", None, tier[0]))
    if nth >= 13:
        steps.append(step(f"领取第 {nth} 个月，从第13个月起一律按 1816 元", value, "bj_ub_13th"))
    else:
        steps.append(step(f"领取第 {nth} 个月，按该档标准 {value:g} 元", value, tier[0]))
    steps.append(step(
        "最长领取期限由《北京市失业保险规定》确定，该规定不在汇编中：未核对 benefit_month 是否超过期限",
        None, "bj_ub_eligibility"))
    return value, {"tier": tier[1]}, steps


CALCULATOR = Calculator(
    name="unemployment_benefit",
    title="北京市失业保险金月发放标准",
    unit="CNY/month",
    fields=FIELDS,
    variable="unemployment_benefit",
    to_variables=to_variables,
    period_of=lambda values: values["month"],
    gap=gap,
    period_field="month",
    gap_fields=("region", "month", "benefit_month"),
    explain=explain,
    coverage=[{"region": "北京", "dates": "2020-07 起（汇编无后续调整）", "doc_no": "京人社发[2020]8号"}],
    sources=("bj_ub_1_5", "bj_ub_5_10", "bj_ub_10_15", "bj_ub_15_20", "bj_ub_20", "bj_ub_13th", "bj_ub_start",
             "bj_ub_eligibility"),
    notes=("领取期限（最长月数）不在汇编中，未核对。",),
)
