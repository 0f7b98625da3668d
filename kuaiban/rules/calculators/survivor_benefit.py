"""`survivor_benefit`: 企业职工基本养老保险遗属待遇 (人社部发〔2021〕18号)."""

from __future__ import annotations

from datetime import date
from typing import Any

from kuaiban.rules import messages as msg
from kuaiban.rules.calculators.base import Calculator, Columns, Field, money, num, parameters_at, step
from kuaiban.rules.enums import EmploymentStatus
from kuaiban.rules.formulas import MONTHS_PER_YEAR

START = date(2021, 9, 1)

FIELDS = [
    Field("death_date", "date", "死亡日期（宣告死亡的，以宣告的死亡日期）", unit="YYYY-MM-DD"),
    Field("status", "choice", "employed 在职 | retired 退休", choices=("employed", "retired")),
    Field("contribution_months", "integer", "缴费月数（实际缴费年限＋视同缴费年限）", unit="month"),
    Field("pension_months", "integer", "已领取基本养老金的月数（退休人员；在职人员填0）", unit="month",
          required=False),
    Field("base_income", "number", "死亡时本省上一年度城镇居民月人均可支配收入", unit="CNY/month"),
    Field("personal_contributions", "number", "个人缴费之和（缴费不足5年时用于封顶）", unit="CNY",
          required=False),
]


def gap(values: dict[str, Any]) -> str | None:
    if values["death_date"] < START:
        return msg.not_covered("death_date", str(values["death_date"]),
                               "2021-09-01 起，人社部发〔2021〕18号；此前死亡的按第十条由各省规定，尚未编入省级规则")
    if values["status"] == "retired" and "pension_months" not in values:
        return msg.missing("pension_months", "status=retired ")
    return None


def to_variables(columns: Columns, period: str) -> Columns:
    status = columns["status"]
    out: Columns = {
        "employment_status": (status == "retired").astype("int16") * EmploymentStatus.retired.index,
        "contribution_months": columns["contribution_months"],
        "base_income": columns["base_income"],
    }
    if "pension_months" in columns:
        out["pension_months"] = columns["pension_months"]
    if "personal_contributions" in columns:
        out["personal_contributions"] = columns["personal_contributions"]
    return out


def _bracket_source(months: int) -> str:
    if months < 60:
        return "sv_months_lt5"
    if months < 120:
        return "sv_months_5_10"
    if months <= 180:
        return "sv_months_10_15"
    return "sv_months_gt15"


def explain(values: dict[str, Any], r: dict[str, float]):
    p = parameters_at(values["death_date"].isoformat()).survivor_benefit
    income, months = values["base_income"], values["contribution_months"]
    capped = months < p.cap_below_years * MONTHS_PER_YEAR
    by_contribution = r["survivor_months_by_contribution"]
    pension_months = r["survivor_pension_months"]
    steps = [
        step(f"丧葬补助金 = {num(income)} × {num(p.funeral_multiple)} = {money(r['survivor_funeral_grant'])} 元",
             money(r["survivor_funeral_grant"]), "sv_funeral"),
        step(f"缴费年限 {months} 个月（{months / MONTHS_PER_YEAR:.4g} 年，计算到月）", None, "sv_to_month"),
        step(f"按缴费年限确定的发放月数：{by_contribution:.4g} 个月", round(by_contribution, 4),
             _bracket_source(months)),
    ]
    if values["status"] == "retired":
        drawn = values["pension_months"]
        steps.append(step(
            f"退休人员：已领取基本养老金 {drawn} 个月，按领取年限逐年减少（计算到月），最低{num(p.retiree_months_min)}个月 → "
            f"{pension_months:.4g} 个月",
            round(pension_months, 4),
            "sv_retired",
        ))
    else:
        steps.append(step(f"在职人员：发放月数 {pension_months:.4g} 个月", round(pension_months, 4), "sv_employed"))
    steps.append(step(f"抚恤金 = {pension_months:.4g} × {num(income)} = {money(r['survivor_pension'])} 元",
                      money(r["survivor_pension"]), "sv_employed" if values["status"] == "employed" else "sv_retired"))
    total = money(r["survivor_benefit"])
    uncapped = money(r["survivor_funeral_grant"] + r["survivor_pension"])
    if capped:
        if "personal_contributions" in values:
            steps.append(step(
                f"累计缴费不足{num(p.cap_below_years)}年，不得超过个人缴费之和 "
                f"{num(values['personal_contributions'])} 元 → {num(total)} 元", total, "sv_cap_lt5"))
        else:
            steps.append(step(
                f"累计缴费不足{num(p.cap_below_years)}年，遗属待遇不得超过个人缴费之和；未提供个人缴费之和，"
                f"返回的 {num(total)} 元是上限，实际待遇为它与个人缴费之和中的较小者",
                total, "sv_cap_lt5"))
    details = {
        "funeral_grant": money(r["survivor_funeral_grant"]),
        "pension_months": round(pension_months, 4),
        "pension": money(r["survivor_pension"]),
        "uncapped_total": uncapped,
        "is_ceiling": bool(capped) and "personal_contributions" not in values,
    }
    return total, details, steps


CALCULATOR = Calculator(
    name="survivor_benefit",
    title="企业职工基本养老保险遗属待遇（丧葬补助金＋抚恤金）",
    audience="citizens",
    theme="养老保险待遇",
    unit="CNY",
    fields=FIELDS,
    variable="survivor_benefit",
    to_variables=to_variables,
    period_of=lambda values: values["death_date"].isoformat()[:7],
    gap=gap,
    period_field="death_date",
    gap_fields=("death_date", "status", "?pension_months"),
    explain=explain,
    explain_variables=(
        "survivor_funeral_grant", "survivor_months_by_contribution", "survivor_pension_months", "survivor_pension",
    ),
    coverage=[{"region": "全国", "dates": "2021-09-01 及以后死亡", "doc_no": "人社部发〔2021〕18号"}],
    sources=("sv_funeral", "sv_employed", "sv_months_lt5", "sv_months_5_10", "sv_months_10_15", "sv_months_gt15",
             "sv_retired", "sv_to_month", "sv_cap_lt5", "sv_start"),
    notes=("15年以上每多缴费1年增加1个月，按计算到月折算（如15年6个月为9.5个月）；见 docs/rules.md。",),
)
