"""`work_injury_premium`: Hunan's 工伤保险 base rates by industry class, or 1.8‰ of a project's contract total."""

from __future__ import annotations

from typing import Any

import numpy as np

from kuaiban.rules import messages as msg
from kuaiban.rules.calculators.base import Calculator, Columns, Field, labels_table, money, num, step
from kuaiban.rules.enums import InjuryBasis, Region
from kuaiban.rules.system import tax_benefit_system

CLASS_NAMES = "一二三四五六七八"

FIELDS = [
    Field("region", "region", "参保地", choices=("湖南",)),
    Field("month", "month", "缴费所属月份（2021-01 起）", unit="YYYY-MM"),
    Field("basis", "choice", "industry 按行业类别 | project 工程建设项目按项目参保", choices=("industry", "project")),
    Field("industry_class", "integer", "行业类别 1–8（basis=industry）", required=False),
    # a payroll of 0 (no wages paid) owes a true 0 and is not refused; a 工程建设项目 has a 合同总造价, so its 0 can only
    # give a meaningless 0: refused with the message of an optional input, which tells to leave it empty when insured
    # by industry (messages.zero)
    Field("payroll", "number", "职工工资总额（basis=industry）", unit="CNY", required=False),
    Field("contract_total", "number", "工程合同总造价（basis=project）", unit="CNY", required=False, positive=True),
    Field("current_rate", "share", "本单位现行费率（阶段性降低期间低于基准费率的适用）", unit="share",
          required=False),
]


def gap(values: dict[str, Any]) -> str | None:
    if values["region"] is not Region.hunan:
        return msg.not_covered("region", values["region"].value, "湖南，湘政办发〔2020〕55号")
    if values["month"] < "2021-01":
        return msg.not_covered("month", values["month"], "2021-01 起，湘政办发〔2020〕55号")
    if values["basis"] == "industry":
        if "industry_class" not in values:
            return msg.missing("industry_class", "按行业类别参保")
        if not 1 <= values["industry_class"] <= 8:
            return msg.error("industry_class", "应为 1 到 8 类", values["industry_class"])
        if "payroll" not in values:
            return msg.missing("payroll", "按行业类别参保")
    elif "contract_total" not in values:
        return msg.missing("contract_total", "工程建设项目按项目参保")
    return None


def to_variables(columns: Columns, period: str) -> Columns:
    basis = columns["basis"]
    out: Columns = {
        "injury_basis": np.where(basis == "project", InjuryBasis.project.index, InjuryBasis.industry.index)
        .astype(np.int16)
    }
    for source_name, variable in (("industry_class", "industry_class"), ("payroll", "wage_total"),
                                  ("contract_total", "contract_total"), ("current_rate", "current_injury_rate")):
        if source_name in columns:
            out[variable] = columns[source_name]
    return out


def _in_force(parameter, instant: str):
    """The dated value of ``parameter`` in force at ``instant`` (with its metadata: reference, source)."""
    return next(v for v in parameter.values_list if v.instant_str <= instant)


def explain(values: dict[str, Any], r: dict[str, float]):
    # Every figure below is read from the parameters in force that month, never restated here.
    instant = f"{values['month']}-01"
    params = tax_benefit_system().parameters.work_injury_premium.hunan
    rate, premium = r["work_injury_rate"], money(r["work_injury_premium"])
    end = _in_force(params.reduction_ends, instant)
    end_date, end_source = str(end.value), end.metadata["source"]
    in_reduction = values["month"] <= end_date[:7]
    if values["basis"] == "project":
        base_rate = float(_in_force(params.project_rate, instant).value)
        steps = [step(f"工程建设项目按项目参保，基准费率为工程合同总造价的 {num(base_rate * 1000)}‰", base_rate,
                      "hn_wi_project")]
        amount_text = f"合同总造价 {num(values['contract_total'])}"
    else:
        cls = values["industry_class"]
        base_rate = float(_in_force(params.industry_rates, instant).value[cls - 1])
        steps = [step(f"{CLASS_NAMES[cls - 1]}类行业基准费率 {base_rate:.1%}", base_rate, "hn_wi_rates")]
        amount_text = f"工资总额 {num(values['payroll'])}"
    current = values.get("current_rate")
    if current is None:
        if in_reduction:
            steps.append(step(f"阶段性降低费率期间（至{end_date}）现行费率低于基准费率的按现行费率：未提供本单位"
                              "现行费率，按基准费率计算，是上限", None, end_source))
    elif not in_reduction:
        steps.append(step(f"阶段性降低费率期间已于{end_date}结束：所填现行费率 {num(current)} 未采用，按基准费率",
                          base_rate, end_source))
    elif current < base_rate:
        steps.append(step(f"阶段性降低工伤保险费率执行至{end_date}", None, end_source))
        steps.append(step(f"阶段性降低费率期间，现行费率 {num(current)} 低于基准费率，按现行费率", rate,
                          "hn_wi_reduction"))
    else:
        steps.append(step(f"现行费率 {num(current)} 不低于基准费率：所填现行费率未采用，按基准费率 {num(base_rate)}",
                          base_rate, "hn_wi_reduction"))
    steps.append(step(f"工伤保险费 = {amount_text} × {num(rate)} = {premium} 元", premium,
                      "hn_wi_project" if values["basis"] == "project" else "hn_wi_rates"))
    steps.append(step("各市州可在统一费率基础上浮动，浮动办法不在汇编中：按基准费率计算，未计浮动", None,
                      "hn_wi_float"))
    return premium, {"rate": rate, "base_rate": base_rate}, steps


CALCULATOR = Calculator(
    detail_labels=labels_table({"rate": "适用费率", "base_rate": "行业基准费率"}),
    name="work_injury_premium",
    title="湖南省工伤保险费（行业基准费率；工程项目1.8‰）",
    audience="employers",
    theme="社会保险缴费",
    unit="CNY",
    fields=FIELDS,
    variable="work_injury_premium",
    to_variables=to_variables,
    period_of=lambda values: values["month"],
    gap=gap,
    period_field="month",
    gap_fields=("region", "month", "basis", "industry_class", "?payroll", "?contract_total"),
    absent_values={"industry_class": 1, "payroll": 0.0, "contract_total": 0.0, "current_rate": -1.0},
    explain=explain,
    explain_variables=("work_injury_rate",),
    coverage=[{"region": "湖南", "dates": "2021-01 起", "doc_no": "湘政办发〔2020〕55号"}],
    sources=("hn_wi_rates", "hn_wi_project", "hn_wi_reduction", "hn_wi_float", "hn_wi_start",
             "hn_wi_reduction_end", "nat_rate_reduction_2022"),
    notes=("各市州费率浮动办法不在汇编中，未计入。",
           "阶段性降低费率按人社厅发〔2021〕2号 二 延续至2022-04-30（汇编未载湖南2021年的执行文件）。"),
)
