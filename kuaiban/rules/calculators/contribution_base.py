"""`contribution_base`: a monthly wage clamped to the year's contribution floor and cap."""

from __future__ import annotations

from datetime import date
from typing import Any

from kuaiban.platform.dates import month_words
from kuaiban.rules import messages as msg
from kuaiban.rules.calculators.base import (
    Calculator,
    Columns,
    Field,
    labels_table,
    money,
    num,
    step,
    took_effect,
)
from kuaiban.rules.enums import Region
from kuaiban.rules.formulas import parameter_or_none
from kuaiban.rules.system import tax_benefit_system

# (region, year) -> source key
COVERED = {
    (Region.hunan, 2020): "hn_cb",
    (Region.chongqing, 2021): "cq_cb",
    (Region.shanghai, 2020): "sh_cb",
    (Region.tianjin, 2020): "tj_cb",
}

FIELDS = [
    Field("region", "region", "参保地", choices=("湖南", "重庆", "上海", "天津")),
    Field("year", "year", "缴费年度"),
    Field("monthly_wage", "number", "月工资", unit="CNY/month"),
]


def gap(values: dict[str, Any]) -> str | None:
    key = (values["region"], values["year"])
    if key in COVERED:
        return None
    region, year = values["region"], values["year"]
    if region is Region.beijing:
        return msg.error("region", "汇编未给出北京的缴费基数上下限数额（京人社保字〔2020〕68号 只提到"
                                   "“本市‘五险一金’上下限规定”，未列数字）")
    years = sorted(y for r, y in COVERED if r is region)
    if years:
        return msg.not_covered("year", f"{region.value} {year} 年", msg.listed(f"{y} 年" for y in years))
    return msg.not_covered("region", region.value, msg.listed(f"{r.value} {y} 年" for r, y in COVERED))


def to_variables(columns: Columns, period: str) -> Columns:
    # each row's own year (the formulas read it, not the simulation's period): rows of several years share
    # one simulation in population mode
    return {"region": columns["region"], "contribution_base_year": columns["year"],
            "monthly_wage": columns["monthly_wage"]}


def _chongqing_unit_rules(year: int) -> list[dict[str, Any]]:
    """渝人社发〔2021〕15号 五: two rules on the *unit's* side that a Chongqing employer must see beside the
    personal base (they change neither the personal floor nor the cap); figures read from the parameters."""
    p = tax_benefit_system().get_parameters_at_instant(f"{year}-01-01").contribution_base.chongqing
    out = []
    if p.hardship_unit_floor is not None:
        out.append(step(f"困难行业企业社会保险单位缴费基数下限为每月 {num(p.hardship_unit_floor)} 元（单位缴费基数，"
                        "个人缴费基数仍按上述上下限）", float(p.hardship_unit_floor), "cq_2021_small_firms"))
    if p.small_firm_pension_unit_rate is not None:
        out.append(step(f"小微企业企业职工基本养老保险单位缴费比例为 {p.small_firm_pension_unit_rate:.0%}",
                        float(p.small_firm_pension_unit_rate), "cq_2021_small_firms"))
    return out


def _months_before_start(values: dict[str, Any], wage: float, floor: float, began: date) -> list[dict[str, Any]]:
    """A 社保年度 starting mid-year (天津, 上海: July): the answer holds from that month; the earlier months of the
    calendar year keep the previous year's standard. The texts print its floor (the same, 维持上一年标准) but not
    its cap, so the steps say which part of the answer reaches back to January and which does not."""
    previous_floor = parameter_or_none(tax_benefit_system().get_parameters_at_instant, f"{values['year']}-12-31",
                                       f"contribution_base.{values['region'].name}.previous_year_floor")
    if previous_floor is None or began.year != values["year"] or began.month == 1:
        return []
    key = "tj_cb_qa" if values["region"] is Region.tianjin else COVERED[(values["region"], values["year"])]
    before = f"{month_words(began)}以前的月份"
    steps = [step(f"{before}仍按上一年度标准：下限维持 {num(previous_floor)} 元/月不变；上一年度上限汇编未载明",
                  float(previous_floor), key)]
    if wage <= min(floor, previous_floor):
        steps.append(step(f"月工资不高于下限，{before}同样按下限 {num(previous_floor)} 元，本结果适用于全年",
                          float(previous_floor), key))
    else:
        steps.append(step(f"本结果适用于{month_words(began)}起的月份；{before}，月工资不超过上一年度上限的"
                          "按实际工资（不低于下限），超过的按上一年度上限（须按当地公布的数字）", None, key))
    return steps


def explain(values: dict[str, Any], r: dict[str, float]):
    source_key = COVERED[(values["region"], values["year"])]
    wage, floor, cap = values["monthly_wage"], r["contribution_floor"], r["contribution_cap"]
    # the figures' own date: a calendar year (2020年度) or a 社保年度 from a month (2020年7月起)
    began = took_effect(tax_benefit_system().parameters.contribution_base.children[values["region"].name].floor,
                        f"{values['year']}-12-31")
    start = f"{began.year}年度" if (began.month, began.day) == (1, 1) else f"{month_words(began)}起"
    if wage < floor:
        rule = f"月工资 {num(wage)} 元低于下限 {num(floor)} 元，按下限"
    elif wage > cap:
        rule = f"月工资 {num(wage)} 元高于上限 {num(cap)} 元，按上限"
    else:
        rule = f"月工资 {num(wage)} 元在上下限之间，按实际工资"
    region = values["region"].value
    steps = [
        step(f"{region}{start}缴费基数下限 {num(floor)} 元/月", floor, source_key),
        step(f"{region}{start}缴费基数上限 {num(cap)} 元/月", cap, source_key),
        step(rule, money(r["contribution_base"]), source_key),
    ]
    if source_key == "tj_cb":
        steps.append(step(f"天津标准自{month_words(began)}起执行", None, "tj_cb_start"))
    steps.extend(_months_before_start(values, wage, floor, began))
    if values["region"] is Region.chongqing:
        steps.extend(_chongqing_unit_rules(values["year"]))
    details = {"floor": floor, "cap": cap, "clamped": wage < floor or wage > cap}
    return money(r["contribution_base"]), details, steps


CALCULATOR = Calculator(
    detail_labels=labels_table({"floor": "缴费基数下限", "cap": "缴费基数上限", "clamped": "按上限或下限确定缴费基数"}),
    name="contribution_base",
    title="社会保险月缴费基数（按上下限封顶保底）",
    audience="caseworkers",
    theme="社会保险缴费",
    unit="CNY/month",
    fields=FIELDS,
    variable="contribution_base",
    to_variables=to_variables,
    period_of=lambda values: str(values["year"]),
    gap=gap,
    period_field="year",
    period_variable="contribution_base_year",
    gap_fields=("region", "year"),
    explain=explain,
    explain_variables=("contribution_floor", "contribution_cap"),
    coverage=[
        {"region": "湖南", "dates": "2020年度", "doc_no": "湘人社规〔2020〕10号"},
        {"region": "重庆", "dates": "2021年度", "doc_no": "渝人社发〔2021〕42号"},
        {"region": "上海", "dates": "2020-07-01 起的2020社保年度", "doc_no": "上海市人社局说明（无文号）"},
        {"region": "天津", "dates": "2020年7月起", "doc_no": "津人社局发〔2020〕12号"},
    ],
    sources=("hn_cb", "cq_cb", "cq_2021_small_firms", "sh_cb", "tj_cb", "tj_cb_start"),
    notes=("北京2020年上下限数额汇编未给出，北京返回缺口错误。",),
)
