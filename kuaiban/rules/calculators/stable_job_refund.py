"""`stable_job_refund`: 失业保险稳岗返还 from the enterprise's figures: 湖南 2020 (general or hardship) and the
national 2021 普惠性 refund of 人社部发〔2021〕29号 一 (any region, general only)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from kuaiban.rules import messages as msg
from kuaiban.rules.calculators.base import (
    Calculator,
    Columns,
    Field,
    choice_column,
    day_text,
    enum_codes,
    labels_table,
    money,
    num,
    parameters_at,
    step,
    took_effect,
)
from kuaiban.rules.enums import EnterpriseSize, Region, UnitKind
from kuaiban.rules.sources import source
from kuaiban.rules.system import tax_benefit_system

START, END = date(2020, 9, 1), date(2020, 12, 31)
# 人社部发〔2021〕29号: dated 2021-05-20; 受理期限截至2021年12月31日 (the parameters end with it)
START_2021, END_2021 = date(2021, 5, 20), date(2021, 12, 31)
REGIONS = tuple(member.value for member in Region if member is not Region.unknown)
KINDS = tuple(member.name for member in UnitKind)
SIZES = ("micro", "small", "medium", "large")

FIELDS = [
    Field("region", "region", "参保地（2020 年仅湖南；2021 年全国政策，各地适用）", choices=REGIONS),
    Field("application_date", "date", "申请日期（湖南 2020-09-01 至 2020-12-31；全国 2021-05-20 至 2021-12-31）",
          unit="YYYY-MM-DD"),
    Field("refund_type", "choice", "general 一般稳岗返还 | hardship 困难企业稳岗返还", choices=("general", "hardship")),
    Field("unit_kind", "choice", "enterprise 企业 | other_unit 其他参保单位 | fully_funded 财政全额拨款 | "
          "partly_funded 财政差额拨款", choices=KINDS),
    Field("size", "choice", "企业划型 micro 微型 | small 小型 | medium 中型 | large 大型（非企业单位填 large）", choices=SIZES),
    Field("restructuring", "boolean", "兼并重组、化解产能过剩、淘汰落后产能企业（2020 湖南必填）", required=False),
    Field("blacklisted", "boolean", "被列入生态环境、市场监管“黑名单”或“失信被执行人”（2020 湖南必填）",
          required=False),
    Field("deep_poverty_area", "boolean", "企业位于深度贫困地区（湖南 2020；名单为官方资料，汇编未给出，由使用者按名单填写）",
          required=False),
    Field("fund_reserve_ok", "boolean", "统筹地区上年度失业保险基金滚存结余备付期限在1年以上（2021 必填；当地情况，"
          "汇编未给出）", required=False),
    Field("insured_last_year", "integer", "上年度参保职工人数", unit="person"),
    Field("decrease_last_year", "integer", "上年度参保职工减少人数", unit="person"),
    Field("claimants_last_year", "integer", "上年度领取失业保险金人数", unit="person"),
    Field("layoff_rate_cap", "share", "统筹区裁员率控制线（当地确定，汇编未给出数值）", unit="share"),
    # not `positive`: a field check would run before the calculator's own, and an enterprise with no insured staff
    # (and so no contributions) must be told that first (screening's refusals, tests/programs/test_screening.py)
    Field("contributions_last_year", "number", "上年度实际缴纳失业保险费（general）", unit="CNY", required=False),
    Field("loss_months", "integer", "上年度10月至本年度6月连续亏损月数（hardship）", unit="month", required=False),
    Field("net_profit_drop", "share", "上年度净利润同比下降比例（hardship；0.25 为下降25%）", unit="share",
          required=False),
    Field("monthly_unemployment_benefit", "number", "申报当月当地月人均失业保险金（hardship）", unit="CNY/month",
          required=False, positive=True),
    Field("avg_insured_oct_to_mar", "number", "上年10月至本年3月月均参保人数（hardship）", unit="person",
          required=False),
]

HARDSHIP_FIELDS = ("loss_months", "net_profit_drop", "monthly_unemployment_benefit", "avg_insured_oct_to_mar")
HARDSHIP_AMOUNT_FIELDS = ("monthly_unemployment_benefit", "avg_insured_oct_to_mar")  # the two tests: see _hardship_test_gap


def gap(values: dict[str, Any]) -> str | None:
    day = values["application_date"]
    if START_2021 <= day <= END_2021:
        return _gap_2021(values)
    if not START <= day <= END:
        return msg.not_covered("application_date", str(day),
                               "湖南 2020-09-01 至 2020-12-31，即湘人社规〔2020〕13号 施行之日至返还比例最高 100%、"
                               "30 人以下企业规定和困难企业稳岗返还截止之日；全国 2021-05-20 至 2021-12-31，"
                               "即人社部发〔2021〕29号 印发之日至受理期限")
    if values["region"] is not Region.hunan:
        return msg.not_covered("region", values["region"].value, "2020 年仅湖南")
    for name in ("restructuring", "blacklisted"):
        if name not in values:
            return msg.missing(name, "2020 年湖南稳岗返还")
    if values["insured_last_year"] < 1:
        return msg.error("insured_last_year", "裁员率以其为分母，至少为 1", values["insured_last_year"])
    if values["refund_type"] == "hardship" and (problem := _hardship_test_gap(values)):
        return problem
    needed = ("contributions_last_year",) if values["refund_type"] == "general" else HARDSHIP_AMOUNT_FIELDS
    for name in needed:
        if name not in values:
            return msg.missing(name, REFUND_TYPES[values["refund_type"]])
    return None


def _hardship_test_gap(values: dict[str, Any]) -> str | None:
    """湘政办发〔2020〕20号 二（四）: a 困难企业 meets either of two tests, so only the figure that can still
    change the answer is asked: the profit drop when the loss months fall short, and the other way round."""
    p = parameters_at(values["application_date"].isoformat()).stable_job_refund.hunan
    losses, drop = values.get("loss_months"), values.get("net_profit_drop")
    if (losses is not None and losses >= p.hardship_loss_months) or (drop is not None and drop > p.hardship_profit_drop):
        return None
    if losses is None:
        return msg.error("loss_months", f"缺少此字段（困难企业认定须连续{num(p.hardship_loss_months)}个月亏损或净利润同比"
                                        f"下降超过{num(p.hardship_profit_drop * 100)}%，两者具备其一即可：须填写连续亏损月数）")
    if drop is None:
        return msg.error("net_profit_drop", f"缺少此字段（连续亏损不足{num(p.hardship_loss_months)}个月的，困难企业认定"
                                            f"须看净利润同比是否下降超过{num(p.hardship_profit_drop * 100)}%：须填写下降比例）")
    return None


REFUND_TYPES = {"general": "一般稳岗返还", "hardship": "困难企业稳岗返还"}  # the choices as users read them


def _gap_2021(values: dict[str, Any]) -> str | None:
    if values["refund_type"] != "general":
        return msg.not_covered("refund_type", "2021 年困难企业稳岗返还", "2021 年仅普惠性稳岗返还（人社部发〔2021〕29号 一）")
    if values["insured_last_year"] < 1:
        return msg.error("insured_last_year", "裁员率以其为分母，至少为 1", values["insured_last_year"])
    for name in ("fund_reserve_ok", "contributions_last_year"):
        if name not in values:
            return msg.missing(name, "2021 年稳岗返还")
    return None


def to_variables(columns: Columns, period: str) -> Columns:
    out: Columns = {
        "enterprise_region": columns["region"],
        "unit_kind": enum_codes(UnitKind, choice_column(columns, "unit_kind")),
        "enterprise_size": enum_codes(EnterpriseSize, choice_column(columns, "size")),
        "hardship_refund_requested": columns["refund_type"] == "hardship",
    }
    for name in ("restructuring", "blacklisted", "deep_poverty_area", "fund_reserve_ok", "insured_last_year", "decrease_last_year",
                 "claimants_last_year", "layoff_rate_cap", "contributions_last_year", *HARDSHIP_FIELDS):
        if name in columns:
            out[name] = columns[name]
    return out


def _last_day(parameter, instant: str) -> date:
    """The last day the value of ``parameter`` in force at ``instant`` stays in force (the day before the next)."""
    later = [v.instant_str for v in parameter.values_list if v.instant_str > instant]
    return date.fromisoformat(min(later)) - timedelta(days=1)


def _explain_2021(values: dict[str, Any], r: dict[str, float]):
    # Every figure is read from parameters/stable_job_refund/national.yaml or computed, never restated.
    instant = values["application_date"].isoformat()[:7] + "-01"
    node = tax_benefit_system().parameters.stable_job_refund.national
    p = tax_benefit_system().get_parameters_at_instant(instant).stable_job_refund.national
    insured, dec, cap = values["insured_last_year"], values["decrease_last_year"], values["layoff_rate_cap"]
    kind = values["unit_kind"]
    steps = [step(f"申请日期 {values['application_date']} 在受理期限（截至 {_last_day(node.sme_share_ceiling, instant)}）内",
                  None, "nat_2021_refund_deadline")]
    in_scope = kind in ("enterprise", "other_unit")
    steps.append(step(f"单位类型 {UnitKind[kind].value}：{'属于' if in_scope else '不属于'}稳岗返还范围"
                      f"{'（社会团体、基金会等参照实施）' if kind == 'other_unit' else ''}", None,
                      "nat_2021_refund_units" if kind == "other_unit" else "nat_2021_refund"))
    steps.append(step(f"统筹地区上年度失业保险基金滚存结余备付期限在 {num(p.fund_reserve_years)} 年以上："
                      f"{'是' if values['fund_reserve_ok'] else '否'}（用户提供）", None, "nat_2021_refund_fund"))
    steps.append(step(f"裁员率 = 上年度参保职工减少人数 {dec} / 参保职工 {insured} = {r['refund_layoff_rate']:.2%}"
                      "（文件未规定计算方法，按减少人数计算）；控制线即上年度全国城镇调查失业率控制目标 "
                      f"{cap:.2%}（汇编未给出数值，用户提供）", round(r["refund_layoff_rate"], 6), "nat_2021_refund"))
    if insured <= p.small_unit_employees:
        steps.append(step(f"参保职工 {insured} 人（{num(p.small_unit_employees)} 人及以下），裁员率不高于参保职工总数的 "
                          f"{p.small_unit_layoff_rate:.0%} 即可", None, "nat_2021_refund"))
    steps.append(step(f"裁员率条件{'满足' if r['refund_layoff_test'] else '不满足'}", None, "nat_2021_refund"))
    for name, what in (("blacklisted", "黑名单"), ("restructuring", "兼并重组等"), ("deep_poverty_area", "深度贫困地区")):
        if name in values:
            steps.append(step(f"{source('nat_2021_refund').doc_no} 未规定{what}条件：所填此项未采用", None,
                              "nat_2021_refund"))
    share, value = r["refund_general_share"], money(r["stable_job_refund_general"])
    eligible = bool(r["refund_general_eligible"])
    if not eligible:
        steps.append(step(f"不符合稳岗返还条件，返还为 {num(0)}", 0.0, "nat_2021_refund"))
    else:
        sme = values["size"] in ("micro", "small", "medium")
        steps.append(step(f"{'中小微企业' if sme else '大型企业'}按不超过上年度实际缴纳失业保险费的 {share:.0%} 返还："
                          "返回的是上限", share, "nat_2021_refund"))
        steps.append(step(f"返还金额上限 = 上年度实际缴纳失业保险费 {num(values['contributions_last_year'])} × {num(share)}"
                          f" = {value} 元", value, "nat_2021_refund"))
    details = {"eligible": eligible, "share": share, "layoff_rate": round(r["refund_layoff_rate"], 6),
               "is_ceiling": eligible}
    return value, details, steps


def _shown(values: dict[str, Any], name: str, fmt: str) -> str:
    """A hardship-test figure as entered, or 未填 (only one of the two tests needs to be given)."""
    return fmt.format(values[name]) if values.get(name) is not None else "未填"


def explain(values: dict[str, Any], r: dict[str, float]):
    if values["application_date"] >= START_2021:
        return _explain_2021(values, r)
    insured = values["insured_last_year"]
    dec, claim, cap = values["decrease_last_year"], values["claimants_last_year"], values["layoff_rate_cap"]
    kind = values["unit_kind"]
    instant = values["application_date"].isoformat()
    p = parameters_at(instant).stable_job_refund.hunan
    began = took_effect(tax_benefit_system().parameters.stable_job_refund.hunan.general_share, instant)
    steps = [step(f"本文件自{day_text(began)}起施行", None, "hn_refund_start")]
    scope_ok = not values["blacklisted"] and (
        kind in ("enterprise", "other_unit") if values["refund_type"] == "general" else kind == "enterprise")
    steps.append(step(
        f"单位类型 {UnitKind[kind].value}{'，被列入黑名单或失信被执行人' if values['blacklisted'] else ''}："
        f"{'属于' if scope_ok else '不属于'}{'一般' if values['refund_type'] == 'general' else '困难企业'}稳岗返还范围",
        None, "hn_refund_scope"))
    steps.append(step(
        f"裁员率：减少人数法 {dec}/{insured} = {dec / insured:.2%}，领金人数法 {claim}/{insured} = {claim / insured:.2%}，"
        f"取较低者 {r['refund_layoff_rate']:.2%}；控制线 {cap:.2%}（用户提供）", round(r["refund_layoff_rate"], 6),
        "hn_refund_layoff_rate"))
    steps.append(step("控制线由各地在不高于上年度全国城镇调查失业率控制目标的前提下自行确定，汇编未给出数值", cap,
                      "hn_refund_cap_local"))
    if insured <= p.small_unit_employees and kind == "enterprise":
        steps.append(step(f"参保职工 {insured} 人（{num(p.small_unit_employees)}人及以下），裁员率放宽至不超过"
                          f"{num(p.small_unit_layoff_rate * 100)}%", None, "hn_refund_small_units"))
    if claim / insured < cap:
        steps.append(step(
            f"领金人数法裁员率低于控制线，还需上年度参保职工减少人数不超过总数的"
            f"{num(p.claimant_method_decrease_limit * 100)}%：{dec / insured:.2%}", None, "hn_refund_layoff_rate"))
    steps.append(step(f"裁员率条件{'满足' if r['refund_layoff_test'] else '不满足'}", None, "hn_refund_layoff_rate"))
    ceiling = False
    if values["refund_type"] == "general":
        share, value = r["refund_general_share"], money(r["stable_job_refund_general"])
        sme = values["size"] in ("micro", "small", "medium") and kind == "enterprise"
        ceiling = bool(r["refund_general_eligible"]) and sme
        if not r["refund_general_eligible"]:
            steps.append(step(f"不符合一般稳岗返还条件，返还为 {num(0)}", 0.0, "hn_refund_general"))
        else:
            why = (f"不裁员或少裁员中小微企业，最高可提至{num(p.sme_share_ceiling * 100)}%：返回的是上限" if sme else
                   f"兼并重组、化解产能过剩、淘汰落后产能企业 {num(p.restructuring_share * 100)}%"
                   if values["restructuring"] and p.restructuring_share >= p.poverty_area_share else
                   f"深度贫困地区企业 {num(p.poverty_area_share * 100)}%（是否属深度贫困地区由使用者按官方名单填写）"
                   if values.get("deep_poverty_area") else
                   f"兼并重组、化解产能过剩、淘汰落后产能企业 {num(p.restructuring_share * 100)}%"
                   if values["restructuring"] else f"一般标准 {num(p.general_share * 100)}%")
            poverty = (not sme and values.get("deep_poverty_area")
                       and not (values["restructuring"] and p.restructuring_share >= p.poverty_area_share))
            # the 60 % of 深度贫困地区 is 湘政发〔2020〕3号 三、11's, not 13号 四's
            steps.append(step(f"返还比例：{why}", share, "hn_refund_poverty" if poverty else "hn_refund_general"))
            steps.append(step(f"返还金额 = 上年度实际缴纳失业保险费 {num(values['contributions_last_year'])} × {num(share)}"
                              f" = {value} 元", value, "hn_refund_general"))
            if values.get("deep_poverty_area") is None:
                steps.append(step(f"深度贫困地区企业返还{num(p.poverty_area_share * 100)}%的规定需深度贫困地区名单，"
                                  "汇编未给出，未计入", None, "hn_refund_poverty"))
        details = {"eligible": bool(r["refund_general_eligible"]), "share": share,
                   "layoff_rate": round(r["refund_layoff_rate"], 6), "is_ceiling": ceiling}
        return value, details, steps
    value = money(r["stable_job_refund_hardship"])
    steps.append(step(
        f"困难企业认定：连续亏损 {_shown(values, 'loss_months', '{} 个月')}，"
        f"净利润同比下降 {_shown(values, 'net_profit_drop', '{:.0%}')}："
        f"{'符合' if r['refund_hardship_test'] else '不符合'}（连续{num(p.hardship_loss_months)}个月亏损或下降超过"
        f"{num(p.hardship_profit_drop * 100)}%）", None,
        "hn_refund_hardship_test"))
    if r["refund_hardship_eligible"]:
        ceiling = True
        steps.append(step(
            f"困难企业稳岗返还不超过 {num(p.hardship_months_ceiling)} × {num(values['monthly_unemployment_benefit'])} × "
            f"{num(values['avg_insured_oct_to_mar'])} = {value} 元（上限）", value, "hn_refund_hardship"))
    else:
        steps.append(step(f"不符合困难企业稳岗返还条件，返还为 {num(0)}", 0.0, "hn_refund_hardship"))
    details = {"eligible": bool(r["refund_hardship_eligible"]), "layoff_rate": round(r["refund_layoff_rate"], 6),
               "is_ceiling": ceiling}
    return value, details, steps


CALCULATOR = Calculator(
    detail_labels=labels_table({"eligible": "符合返还条件", "share": "返还比例", "layoff_rate": "裁员率"}),
    name="stable_job_refund",
    title="失业保险稳岗返还（湖南 2020 一般／困难企业；全国 2021 普惠性）",
    audience="employers",
    theme="稳岗与就业补贴",
    unit="CNY",
    fields=FIELDS,
    variable="stable_job_refund",
    to_variables=to_variables,
    period_of=lambda values: values["application_date"].isoformat()[:7],
    gap=gap,
    period_field="application_date",
    gap_fields=("region", "application_date", "refund_type", "insured_last_year", "?contributions_last_year",
                "?restructuring", "?blacklisted", "?fund_reserve_ok",
                "loss_months", "net_profit_drop", *(f"?{name}" for name in HARDSHIP_AMOUNT_FIELDS)),
    absent_values={"contributions_last_year": 0.0, "loss_months": 0, "net_profit_drop": 0.0,
                   "monthly_unemployment_benefit": 0.0, "avg_insured_oct_to_mar": 0.0},
    explain=explain,
    explain_variables=("refund_layoff_rate", "refund_layoff_test", "refund_general_eligible", "refund_general_share",
                       "refund_hardship_test", "refund_hardship_eligible", "stable_job_refund_hardship",
                       "stable_job_refund_general"),
    coverage=[{"region": "湖南", "dates": "申请日期 2020-09-01 至 2020-12-31",
               "doc_no": "湘人社规〔2020〕13号、湘人社规〔2020〕2号、湘政办发〔2020〕20号、湘政发〔2020〕3号、人社部发〔2020〕30号"},
              {"region": "全国（各地）", "dates": "申请日期 2021-05-20 至 2021-12-31", "doc_no": "人社部发〔2021〕29号"}],
    sources=("hn_refund_scope", "hn_refund_layoff_rate", "hn_refund_small_units", "hn_refund_cap_local",
             "hn_refund_general", "hn_refund_hardship", "hn_refund_hardship_test", "hn_refund_hardship_period",
             "hn_refund_start", "hn_refund_poverty", "nat_refund_sme", "nat_2021_refund", "nat_2021_refund_units",
             "nat_2021_refund_fund", "nat_2021_refund_deadline"),
    notes=("统筹区裁员率控制线和当地月人均失业保险金汇编未给出，需用户提供。",
           "2021 年：裁员率控制线（上年度全国城镇调查失业率控制目标）与统筹地区基金备付期限由用户提供；文件未规定"
           "裁员率的计算方法，按上年度参保职工减少人数 ÷ 参保职工总数计算；30%／60% 为上限。",
           "中小微企业100%与困难企业6个月均为“最高／不超过”，返回上限并标明。"),
)
