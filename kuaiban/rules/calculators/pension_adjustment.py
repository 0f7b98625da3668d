"""`pension_adjustment`: 湖南 2020 and 重庆 2021 increases of retirees' monthly basic pensions."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np

from kuaiban.platform import regions as gbt2260
from kuaiban.platform.dates import month_words
from kuaiban.rules import messages as msg
from kuaiban.rules.calculators.base import (
    Calculator,
    Columns,
    Field,
    day_text,
    labels_table,
    money,
    num,
    parameters_at,
    step,
)
from kuaiban.rules.calculators.hardship import hardship_counties, in_hardship_area
from kuaiban.rules.enums import PensionScheme, Region
from kuaiban.rules.formulas import years_rounded_up
from kuaiban.rules.regions import CountyMatch, code_of, county_in

COVERED = {Region.hunan: 2020, Region.chongqing: 2021}
DOC_NO = {Region.hunan: "湘人社规〔2020〕11号", Region.chongqing: "渝人社发〔2021〕22号"}
SCHEMES = ("enterprise", "institution")
# 渝人社发〔2021〕22号 一（三）: 建国前参加革命工作的退休老工人 are outside the adjustment; the day is the parameter
# pension_adjustment.chongqing.excluded_revolution_before (tests check the two agree). Population mode groups
# work_start_date by it for the gap check (Calculator.gap_date_bounds).
FOUNDING_DAY = "1949-10-01"

FIELDS = [
    Field("region", "region", "参保地", choices=("湖南", "重庆")),
    Field("year", "year", "调整年度（湖南 2020，重庆 2021）"),
    Field("scheme", "choice", "enterprise 企业职工 | institution 机关事业单位", choices=SCHEMES),
    Field("contribution_months", "integer", "缴费月数（含视同缴费年限，不含折算工龄）", unit="month"),
    Field("pension_base", "number", "本人上年12月基本养老金", unit="CNY/month", positive=True),
    Field("birth_date", "date", "出生日期", unit="YYYY-MM-DD"),
    Field("retirement_date", "date", "办理退休（退职）手续的日期", unit="YYYY-MM-DD"),
    Field("county", "string", "所在区县（行政区划代码或名称，如 500240、石柱土家族自治县、石柱县、吉首市）"),
    Field("work_start_date", "date",
          "参加革命工作日期（重庆：1953年年底及以前参加的企业退休人员倾斜；建国前参加的不执行本次调整）",
          unit="YYYY-MM-DD", required=False),
]


def county_of(values: dict[str, Any]) -> CountyMatch:
    """The county the input names, read within the region's province for the adjustment's year."""
    return county_in(code_of(values["region"]), str(values["county"]), int(values["year"]))


def _county_gap(values: dict[str, Any], match: CountyMatch) -> str:
    raw, province = values["county"], gbt2260.region_name(code_of(values["region"]))
    if match.city is not None:
        also = "".join(f"，也可能是 {gbt2260.label(code)}" for code in match.candidates)
        text = f"{gbt2260.full_name(match.city)}是地级区划{also}，请填写所在区县（县级）的行政区划代码或名称"
    elif match.candidates:
        shown = "、".join(gbt2260.label(code) for code in match.candidates)
        text = f"可能是 {shown}，请填写行政区划代码或全称"
    else:
        text = f"不是{province}所辖的区县，请填写所在区县的行政区划代码（6位数字）或名称（全称或常用简称）"
    return msg.error("county", text, raw)


def gap(values: dict[str, Any]) -> str | None:
    region, year = values["region"], values["year"]
    if region not in COVERED:
        encoded = "；".join(f"{r.value} {y} 年，{DOC_NO[r]}" for r, y in COVERED.items())
        return msg.not_covered("region", region.value, encoded)
    if COVERED[region] != year:
        return msg.not_covered("year", f"{region.value} {year} 年", f"{COVERED[region]} 年，{DOC_NO[region]}")
    match = county_of(values)
    if match.code is None:
        return _county_gap(values, match)
    start = values.get("work_start_date")
    if region is Region.chongqing and start is not None:
        p = parameters_at(f"{year}-01-01").pension_adjustment.chongqing
        founding = date.fromisoformat(p.excluded_revolution_before)
        if start < founding:  # 一（三）; the message names no date: population mode groups the dates by span
            return msg.error(
                "work_start_date",
                f"{day_text(founding)}以前参加革命工作的退休人员属于建国前参加革命工作的退休老工人，与离休干部等"
                f"一样不执行{DOC_NO[region]}的调整办法（一、调整范围（三）），其待遇调整另有规定，本计算不适用",
            )
    return None


def to_variables(columns: Columns, period: str) -> Columns:
    out: Columns = {name: columns[name] for name in ("region", "contribution_months", "pension_base")}
    out["birth_date"] = columns["birth_date"]
    out["retirement_date"] = columns["retirement_date"]
    scheme = columns["scheme"]
    out["pension_scheme"] = np.where(scheme == "institution", PensionScheme.institution.index, 0).astype(np.int16)
    if "work_start_date" in columns:
        out["work_start_date"] = columns["work_start_date"]
    out["in_hardship_area"] = in_hardship_area(columns["region"], columns["county"], f"{period}-01-01")
    return out


HUNAN_PARTS = ("hn_pa_in_scope", "hn_pa_flat", "hn_pa_years", "hn_pa_pct", "hn_pa_age", "hn_pa_hardship")
CHONGQING_PARTS = (
    "cq_pa_in_scope",
    "cq_pa_flat",
    "cq_pa_years",
    "cq_pa_pct",
    "cq_pa_revolution",
    "cq_pa_hardship",
    "cq_pa_early_retiree",
    "cq_pa_age75",
)


def explain(values: dict[str, Any], r: dict[str, float]) -> tuple[float, dict[str, Any], list[dict[str, Any]]]:
    if values["region"] is Region.hunan:
        return _explain_hunan(values, r)
    return _explain_chongqing(values, r)


def _county_text(code: str) -> str:
    """石柱土家族自治县（500240）: the county's name and its 行政区划代码."""
    return f"{gbt2260.known_region(code).name}（{code}）"


def _explain_hunan(v: dict[str, Any], r: dict[str, float]):
    p = parameters_at(f"{v['year']}-01-01").pension_adjustment.hunan
    if not r["hn_pa_in_scope"]:
        text = f"退休日期 {v['retirement_date']} 晚于 {p.retired_by}，不在本次调整范围，增加额为 {num(0)}"
        return 0.0, {"in_scope": False}, [step(text, 0.0, "hn_pa_scope")]
    months = v["contribution_months"]
    years = int(years_rounded_up(np.array([months]))[0])
    code = county_of(v).code
    listed = code in hardship_counties("hunan", f"{v['year']}-01-01")
    cutoff, young, old = p.age_cutoff, num(p.age_70_from), num(p.age_80_from)
    age_text = {float(p.age_70): f"{cutoff} 前已满{young}周岁未满{old}周岁", float(p.age_80): f"{cutoff} 前已满{old}周岁",
                0.0: f"{cutoff} 前未满{young}周岁"}
    base_month = date.fromisoformat(p.retired_by)
    steps = [
        step(f"退休日期 {v['retirement_date']} 在 {p.retired_by} 及以前，属于调整范围", None, "hn_pa_scope"),
        step(f"定额调整：每人每月 {num(p.flat)} 元", r["hn_pa_flat"], "hn_pa_flat"),
        step(
            f"缴费年限 {months} 个月，计为 {years} 年（不满整年的按整年计）× {num(p.per_year)} 元 = "
            f"{money(r['hn_pa_years'])} 元",
            money(r["hn_pa_years"]),
            "hn_pa_years",
        ),
        step(
            f"{month_words(base_month)}基本养老金 {num(v['pension_base'])} 元 × {num(p.rate * 100)}% = "
            f"{num(r['hn_pa_pct'])} 元",
            r["hn_pa_pct"],
            "hn_pa_pct",
        ),
        step(f"出生于 {v['birth_date']}，{age_text.get(r['hn_pa_age'], '')}", r["hn_pa_age"], "hn_pa_age"),
        step(
            f"所在区县{_county_text(code)}{'属于' if listed else '不属于'}所列艰苦边远地区",
            r["hn_pa_hardship"],
            "hn_pa_hardship",
        ),
        step(
            "企业退休军转干部的倾斜按「相关解困标准」执行，汇编未给出该标准，未计入（如适用，实际增加额更高）",
            None,
            "hn_pa_military",
        ),
    ]
    total = money(r["pension_adjustment"])
    details = {
        "in_scope": True,
        "flat": r["hn_pa_flat"],
        "by_years": money(r["hn_pa_years"]),
        "by_pension": r["hn_pa_pct"],
        "age": r["hn_pa_age"],
        "county_code": code,
        "hardship_area": r["hn_pa_hardship"],
        "rounding": "各项相加后四舍五入到分（文件未规定比例部分的舍入）",
    }
    return total, details, steps


def _explain_chongqing(v: dict[str, Any], r: dict[str, float]):
    p = parameters_at(f"{v['year']}-01-01").pension_adjustment.chongqing
    enterprise = v["scheme"] == "enterprise"
    scope = "cq_pa_scope_enterprise" if enterprise else "cq_pa_scope_institution"
    if not r["cq_pa_in_scope"]:
        text = f"退休日期 {v['retirement_date']} 晚于 {p.retired_by}，不在本次调整范围，增加额为 {num(0)}"
        return 0.0, {"in_scope": False}, [step(text, 0.0, scope)]
    months = v["contribution_months"]
    years = int(years_rounded_up(np.array([months]))[0])
    code = county_of(v).code
    listed = code in hardship_counties("chongqing", f"{v['year']}-01-01")
    base_month = date.fromisoformat(p.retired_by)
    revolution_by = date.fromisoformat(p.revolution_by)
    early_by = date.fromisoformat(p.early_retired_by)
    founding = day_text(date.fromisoformat(p.excluded_revolution_before))
    start = v.get("work_start_date")
    excluded_text = (
        f"参加革命工作日期 {start} 在{founding}及以后，不属于建国前参加革命工作的退休老工人；"
        "离休干部等不执行本办法，按不属于这些人员计算"
        if start is not None
        else f"未提供参加革命工作日期：按{founding}及以后参加革命工作计算（建国前参加革命工作的退休老工人、"
        "离休干部等不执行本办法）"
    )
    steps = [
        step(f"退休日期 {v['retirement_date']} 在 {p.retired_by} 及以前，属于调整范围", None, scope),
        step(excluded_text, None, "cq_pa_excluded"),
        step(f"定额调整：每人每月 {num(p.flat)} 元", r["cq_pa_flat"], "cq_pa_flat"),
        step(
            f"缴费年限 {months} 个月，不足整年的按整年计算，"
            + (f"为 {years} 年，低于{num(p.min_years)}年的统一按{num(p.min_years)}年调整，计为 {num(p.min_years)} 年"
               if years < p.min_years else f"计为 {years} 年")
            + f" × {num(p.per_year)} 元 = {money(r['cq_pa_years'])} 元",
            money(r["cq_pa_years"]),
            "cq_pa_years",
        ),
        step(
            f"{month_words(base_month)}基本养老金 {num(v['pension_base'])} 元 × {num(p.rate * 100)}%，"
            f"四舍五入保留两位小数 = {r['cq_pa_pct']:.2f} 元",
            money(r["cq_pa_pct"]),
            "cq_pa_pct",
        ),
        step(
            f"所在区县{_county_text(code)}{'属于' if listed else '不属于'}国务院批准的艰苦边远地区",
            r["cq_pa_hardship"],
            "cq_pa_hardship_enterprise" if enterprise else "cq_pa_hardship_institution",
        ),
    ]
    if enterprise:
        if start is None:
            revolution_text = f"未提供参加革命工作日期，{revolution_by.year}年年底及以前参加革命工作的倾斜未计入"
        else:
            early = "在" if r["cq_pa_revolution"] else "不在"
            revolution_text = f"参加革命工作日期 {start} {early} {revolution_by.year}年年底及以前"
        steps += [
            step(
                "适当倾斜按调整范围所列企业退休人员（含以个人身份参保的退休人员）计算；被征地农转非人员和城镇超龄人员不享受",
                None,
                "cq_pa_tilt_enterprise",
            ),
            step(revolution_text, r["cq_pa_revolution"], "cq_pa_revolution"),
            step(
                f"退休日期 {v['retirement_date']}；{day_text(early_by)}前退休且缴费年限超过"
                f"{num(p.early_years_threshold)}年的，超过部分每年{num(p.early_per_year)}元（计为 {years} 年）",
                r["cq_pa_early_retiree"],
                "cq_pa_pre2006",
            ),
            step(
                f"企业退休军转干部补足到{base_month.year}年年末全市企业退休人员平均养老金：汇编未给出该平均水平，未计入",
                None,
                "cq_pa_military",
            ),
            step("企业退休人员增发高龄人员养老金按「原规定」执行，原规定不在汇编中，未计入", None,
                 "cq_pa_enterprise_old_age"),
        ]
    else:
        cutoff, age = p.age_cutoff, num(p.age_75_from)
        first = day_text(date.fromisoformat(cutoff) + timedelta(days=1))
        note = (
            f"{cutoff} 及以前已满{age}周岁，每月再增加 {num(p.age_75_institution)} 元"
            if r["cq_pa_age75"]
            else f"{cutoff} 前未满{age}周岁；{first}及以后年满{age}周岁的，从年满{age}周岁之月起按每月"
            f"{num(p.old_age_pension_institution)}元增发高龄人员养老金（不属于本次调整的增加额，未计入）"
        )
        steps.append(step(note, r["cq_pa_age75"], "cq_pa_age75"))
    details = {
        "in_scope": True,
        "flat": r["cq_pa_flat"],
        "by_years": money(r["cq_pa_years"]),
        "by_pension": money(r["cq_pa_pct"]),
        "revolution_1953": r["cq_pa_revolution"],
        "county_code": code,
        "hardship_area": r["cq_pa_hardship"],
        "pre_2006_retiree": r["cq_pa_early_retiree"],
        "institution_age_75": r["cq_pa_age75"],
    }
    return money(r["pension_adjustment"]), details, steps


# what each detail is, in the notices' words (湘人社规〔2020〕11号 二, 渝人社发〔2021〕22号 三): the same key is the same item
PENSION_DETAIL_LABELS = {
    "flat": "定额调整增加额", "by_years": "按缴费年限的增加额", "by_pension": "按基本养老金比例的增加额",
    "age": "高龄退休人员增加额", "hardship_area": "艰苦边远地区退休人员增加额",
    "revolution_1953": "1953年年底及以前参加革命工作的增加额", "pre_2006_retiree": "2005年12月31日前退休人员的增加额",
}


CALCULATOR = Calculator(
    detail_labels=labels_table(PENSION_DETAIL_LABELS),
    name="pension_adjustment",
    title="退休人员基本养老金调整（月增加额）",
    audience="citizens",
    theme="养老保险待遇",
    unit="CNY/month",
    fields=FIELDS,
    variable="pension_adjustment",
    to_variables=to_variables,
    period_of=lambda values: str(values["year"]),
    gap=gap,
    period_field="year",
    gap_fields=("region", "year", "county", "work_start_date"),
    gap_date_bounds={"work_start_date": (FOUNDING_DAY,)},
    absent_values={"work_start_date": np.datetime64("9999-12-31", "D")},  # not given: no 建国前参加工作 tilt
    explain=explain,
    explain_variables=HUNAN_PARTS + CHONGQING_PARTS,
    coverage=[
        {"region": "湖南", "dates": "2020年度（2019-12-31 前退休）", "doc_no": "湘人社规〔2020〕11号"},
        {"region": "重庆", "dates": "2021年度（2020-12-31 及以前退休）", "doc_no": "渝人社发〔2021〕22号"},
    ],
    sources=(
        "hn_pa_scope", "hn_pa_flat", "hn_pa_years", "hn_pa_pct", "hn_pa_age", "hn_pa_hardship", "hn_pa_military",
        "cq_pa_scope_enterprise", "cq_pa_scope_institution", "cq_pa_tilt_enterprise", "cq_pa_excluded", "cq_pa_flat", "cq_pa_years", "cq_pa_pct", "cq_pa_revolution",
        "cq_pa_hardship_enterprise", "cq_pa_pre2006", "cq_pa_military", "cq_pa_hardship_institution",
        "cq_pa_age75", "cq_pa_enterprise_old_age",
    ),
    notes=(
        "所在区县按行政区划代码（GB/T 2260）对照艰苦边远地区名单；填写代码、全称或常用简称（石柱县、石柱）均可，"
        "无法识别或不在参保地的区县不予计算。",
        "重庆：建国前参加革命工作的退休老工人、离休干部等不执行本次调整办法，参加革命工作日期在中华人民共和国成立之前的"
        "不予计算；未填写参加革命工作日期的，按建国后参加工作计算。",
        "军转干部倾斜、企业高龄养老金（原规定）需汇编未给出的数据，未计入，解释中逐项说明。",
        "重庆机关事业单位2021年及以后年满75周岁者自当月起的100元高龄养老金不计入本次增加额。",
    ),
)
