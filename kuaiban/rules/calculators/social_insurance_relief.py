"""`social_insurance_relief`: the 2020 阶段性减免 of employers' pension, unemployment and work-injury contributions."""

from __future__ import annotations

from typing import Any

from kuaiban.rules import messages as msg
from kuaiban.rules.calculators.base import (
    Calculator,
    Columns,
    Field,
    choice_column,
    enum_codes,
    labels_table,
    money,
    num,
    step,
)
from kuaiban.rules.enums import EnterpriseSize, Region

SIZES = tuple(member.name for member in EnterpriseSize)
SME_LIKE = ("micro", "small", "medium", "individual_business")

FIELDS = [
    Field("region", "region", "参保地", choices=("湖南", "湖北", "上海")),
    Field("month", "month", "缴费所属月份（2020-02 至 2020-12）", unit="YYYY-MM"),
    Field("size", "choice", "单位划型：micro 微型 | small 小型 | medium 中型 | large 大型 | individual_business "
          "以单位身份参保的个体工商户 | other_unit 机关事业单位以外的其他单位 | public_institution 机关事业单位",
          choices=SIZES),
    # not `positive`: a month without wages (停工停产) is a real case, and its 减免金额 of 0 a true answer
    Field("payroll", "number", "当月缴费工资总额（用于计算减免金额）", unit="CNY", required=False),
    Field("employer_rate", "share", "三项社会保险单位费率合计（汇编未给出费率，由用户提供，如 0.2）", unit="share",
          required=False),
]


SHORT_LABELS = {"payroll": "缴费工资总额", "employer_rate": "单位费率"}


def gap(values: dict[str, Any]) -> str | None:
    if values["region"] not in (Region.hunan, Region.hubei, Region.shanghai):
        return msg.not_covered("region", values["region"].value, "湖南、湖北、上海")
    if not "2020-02" <= values["month"] <= "2020-12":
        return msg.not_covered("month", values["month"], "2020-02 至 2020-12 阶段性减免期")
    for given, needed in (("payroll", "employer_rate"), ("employer_rate", "payroll")):
        if given in values and needed not in values:
            return msg.missing(needed, f"提供{SHORT_LABELS[given]}计算减免金额")
    return None


def to_variables(columns: Columns, period: str) -> Columns:
    out: Columns = {
        "enterprise_region": columns["region"],
        "enterprise_size": enum_codes(EnterpriseSize, choice_column(columns, "size")),
    }
    for name in ("payroll", "employer_rate"):
        if name in columns:
            out[name] = columns[name]
    return out


def _sources(region: Region, size: str, month: str) -> list[tuple[str, str]]:
    """(source key, what it says for this case), in the order the rules were made."""
    if size == "public_institution":
        key = {Region.hunan: "hn_relief_large", Region.shanghai: "sh_relief_extension"}.get(region, "nat_relief_hubei")
        return [(key, "机关事业单位不在减免范围")]
    sme = size in SME_LIKE
    if region is Region.shanghai:
        start = ("nat_relief_provinces", "自2020年2月起免征中小微企业、减半征收大型企业等三项社会保险单位缴费")
        if sme:
            return [start] + ([("sh_relief_extension", "上海免征延长执行到2020年12月底")] if month >= "2020-07" else [])
        if month <= "2020-04":
            return [start]
        return [("sh_relief_extension", "上海减半征收延长执行到2020年6月底" if month <= "2020-06" else
                 "上海减半征收只延长到2020年6月底，此后不再减征")]
    if region is Region.hunan:
        if sme:
            return [("hn_relief_sme", "2020年2月至6月免征")] + (
                [("hn_relief_extension", "免征延长执行到2020年12月底")] if month >= "2020-07" else [])
        if month <= "2020-04":
            return [("hn_relief_large", "2020年2月至4月减半征收")]
        return [("hn_relief_extension", "减半征收延长执行到2020年6月底" if month <= "2020-06" else
                 "减半征收只延长到2020年6月底，此后不再减征")]
    hubei = [("nat_relief_hubei", "湖北可免征各类参保单位（不含机关事业单位），不超过5个月（2020年2月至6月）")]
    if month >= "2020-07":
        hubei.append(("nat_relief_extension", "中小微企业免征延长到2020年12月底；大型企业等免征执行到2020年6月底"))
    if size == "individual_business":
        hubei.append(("nat_relief_individual_business", "有雇工的个体工商户参照企业办法"))
    return hubei


def explain(values: dict[str, Any], r: dict[str, float]):
    region, size, month = values["region"], values["size"], values["month"]
    share = r["social_insurance_relief_share"]
    label = EnterpriseSize[size].value
    steps = [step(f"{region.value}{month}，{label}：{text}", share, key) for key, text in _sources(region, size, month)]
    if region is Region.hunan and size in ("large", "other_unit") and month in ("2020-05", "2020-06"):
        # 10号 halved May–June after those months were billed: what was paid in full is offset or refunded
        steps.append(step("已全额缴纳当月三项社会保险费的，对应减征的部分可选择冲抵以后月份的缴费，也可选择退回",
                          None, "hn_relief_offset_refund"))
    ceiling = region is Region.hubei and share > 0
    if ceiling:
        steps.append(step("湖北本省实施办法不在汇编中：按全国文件允许的上限（全额免征）计算，实际以湖北执行为准",
                          share, "nat_relief_hubei"))
    details: dict[str, Any] = {"share": share, "is_ceiling": ceiling, "month": month}
    if "payroll" in values:
        amount = money(r["social_insurance_relief_amount"])
        details["waived_amount"] = amount
        details["employer_contribution"] = money(values["payroll"] * values["employer_rate"])
        steps.append(step(
            f"减免金额 = 工资总额 {num(values['payroll'])} × 单位费率 {num(values['employer_rate'])}（用户提供）× {num(share)} "
            f"= {amount} 元", amount, _sources(region, size, month)[-1][0]))
    return share, details, steps


CALCULATOR = Calculator(
    detail_labels=labels_table({"waived_amount": "减免金额", "employer_contribution": "单位缴费额（工资总额 × 单位缴费费率）"}),
    name="social_insurance_relief",
    title="2020年阶段性减免企业三项社会保险单位缴费（减免份额及金额）",
    audience="employers",
    theme="社会保险缴费",
    unit="share of employer contribution",
    fields=FIELDS,
    variable="social_insurance_relief_share",
    to_variables=to_variables,
    period_of=lambda values: values["month"],
    gap=gap,
    period_field="month",
    gap_fields=("region", "month", "?payroll", "?employer_rate"),
    absent_values={"payroll": 0.0, "employer_rate": 0.0},
    explain=explain,
    explain_variables=("social_insurance_relief_amount",),
    coverage=[
        {"region": "湖南", "dates": "2020-02 至 2020-12", "doc_no": "湘人社规〔2020〕3号、湘人社规〔2020〕10号"},
        {"region": "湖北", "dates": "2020-02 至 2020-12（全国文件上限）", "doc_no": "人社部发〔2020〕11号、49号"},
        {"region": "上海", "dates": "2020-02 至 2020-12", "doc_no": "人社部发〔2020〕11号；上海 延长减免通知"},
    ],
    sources=("hn_relief_sme", "hn_relief_large", "hn_relief_extension", "hn_relief_offset_refund",
             "nat_relief_provinces", "nat_relief_hubei",
             "nat_relief_extension", "nat_relief_individual_business", "sh_relief_extension"),
    notes=("单位缴费费率不在这些文件中，减免金额需用户提供单位费率（employer_rate）。",
           "湖北按全国文件允许的上限计算，并在结果中标明是上限。"),
)
