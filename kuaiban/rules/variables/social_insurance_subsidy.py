"""社会保险补贴 (social_insurance_subsidy): 湖南, 山东, 天津 — flexible workers and employers.

山东's 就业困难人员 in flexible employment: ≤ 2/3 of the contribution, 3 years (鲁政办字〔2020〕77号 四, from 2020-06-05),
a 2020 expiry extended by a year (鲁人社字〔2020〕22号 四（二））. The cases no printed rule covers (湖南's employers before
2021, 山东's employers hiring 就业困难人员, 天津's categories elsewhere) are refused by the spec before this runs.

The period is the month whose contributions are subsidised ("先缴后补"). The person facts (group, dates,
months already subsidised) are eternal inputs; the month's contributions are inputs of that month's claim.
Official figures the texts do not print (the provincial average wage, the person's rates, a minimum base
after 2021-06) are inputs the explanation names.
"""

from __future__ import annotations

from datetime import date

import numpy as np
from openfisca_core.indexed_enums import Enum as EnumType
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Person
from kuaiban.rules.enums import EmployerType, Sex, SubsidyGroup, SubsidyMode
from kuaiban.rules.formulas import add_months, age_on, as_days, leaf, regional_nodes, round_fen, to_date

REFERENCES = (
    "hn_sis_scope", "hn_sis_period_hardship", "hn_sis_one_at_a_time", "hn_sis_period_graduate",
    "hn_sis_employer_amount", "hn_sis_flexible_amount", "hn_sis_flexible_graduate", "hn_sis_graduate_2020",
    "sd_sis_employer_graduate", "sd_sis_flexible_graduate", "tj_sis_care_firms", "tj_sis_small_firms",
    "tj_sis_other_firms", "tj_sis_amount", "tj_sis_period", "tj_sis_flexible_special", "tj_sis_flexible_4050",
    "tj_sis_flexible_period", "tj_sis_flexible_2020_extension", "tj_sis_flexible_renewal", "tj_sis_flexible_graduate", "tj_minimum_base_2020",
    "sd_sis_flexible_hardship", "sd_sis_flexible_extension",
)
FAR_FUTURE = date(9999, 12, 31)
HARDSHIP = (SubsidyGroup.hardship, SubsidyGroup.hardship_special)


class sex(Variable):
    value_type = EnumType
    possible_values = Sex
    default_value = Sex.female
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "性别"


class si_retirement_date(Variable):
    value_type = date
    default_value = FAR_FUTURE
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "达到法定退休年龄（或实际退休）的日期"


class graduation_date(Variable):
    value_type = date
    default_value = FAR_FUTURE
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "毕业时间（毕业证发放时间）"


class si_mode(Variable):
    value_type = EnumType
    possible_values = SubsidyMode
    default_value = SubsidyMode.flexible
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "社会保险补贴享受方式"


class si_group(Variable):
    value_type = EnumType
    possible_values = SubsidyGroup
    default_value = SubsidyGroup.hardship
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "补贴对象类别"


class si_employer_type(Variable):
    value_type = EnumType
    possible_values = EmployerType
    default_value = EmployerType.other
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "吸纳单位类别"


class si_first_approval_date(Variable):
    value_type = date
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "初次核定享受社会保险补贴的日期"


class si_months_received(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "此前已享受社会保险补贴的月数（各单位、灵活就业累计）"


class si_dual_hardship(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "补贴期满时同时属于低保家庭和需赡养（抚养）患重大疾病直系亲属或单亲家庭两种情形（天津）"
    reference = ("tj_sis_flexible_renewal",)


class si_employer_paid(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "单位当月为其实际缴纳的养老、医疗、失业保险费单位部分合计（元）"


class si_all_three_paid(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.MONTH
    label = "当月养老、医疗、失业三种保险费已缴齐"


class si_personal_paid(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "灵活就业人员当月实际缴纳的社会保险费（元）"


class si_rate(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "适用费率合计（灵活就业：本人实际缴纳的各险种费率；天津单位：养老、失业、生育单位费率 + 医疗大病统筹费率）"


class si_injury_rate(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "单位工伤保险实际费率（天津）"


class si_average_wage(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "上年度全省全口径城镇单位就业人员月平均工资（元/月，官方公布值）"


class si_minimum_base(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "当年社会保险最低缴费基数（元/月，官方公布值；文件已印的年份不需要）"


def _kind(node, mode, group) -> tuple[object | None, str]:
    """The kind node of a region that applies to (mode, group), and its name."""
    if mode == SubsidyMode.flexible:
        name = "flexible_hardship" if group in HARDSHIP else "flexible_graduate" if group == SubsidyGroup.graduate else ""
    else:
        name = "employer" if leaf(node, "employer") is not None else (
            "employer_hardship" if group in HARDSHIP else "employer_graduate" if group == SubsidyGroup.graduate else "")
    return (leaf(node, name) if name else None), name


def _is_4050(person, period, node) -> np.ndarray:
    female, male = leaf(node, "age_4050_female"), leaf(node, "age_4050_male")
    if female is None or male is None:
        return np.zeros(person.count, dtype=bool)
    age = age_on(person("birth_date", period), np.full(person.count, np.datetime64(period.start.date, "D")))
    return np.where(person("sex", period) == Sex.female, age >= female, age >= male)


def _share(kind, name: str) -> float | None:
    value = leaf(kind, name)
    return None if value is None else float(value) / float(leaf(kind, "share_denominator", 1))


def _minimum_base(person, period, region_node) -> np.ndarray:
    printed = leaf(region_node, "minimum_base")
    return np.full(person.count, float(printed)) if printed is not None else person("si_minimum_base", period)


def _amount(person, period, region_node, kind, name) -> tuple[np.ndarray, np.ndarray]:
    """The month's subsidy before the period test, and whether it is a ceiling."""
    zero = np.zeros(person.count)
    ceiling = np.full(person.count, bool(leaf(kind, "is_ceiling", False)))
    month = period.first_month
    if _share(kind, "employer_actual_share") is not None:
        amount = person("si_employer_paid", month) * _share(kind, "employer_actual_share")
        if leaf(kind, "all_three_required", False):
            amount = np.where(person("si_all_three_paid", month), amount, 0)
        return amount, ceiling
    if _share(kind, "personal_actual_share") is not None:
        return person("si_personal_paid", month) * _share(kind, "personal_actual_share"), ceiling
    if _share(kind, "average_wage_base_share") is not None:
        base = person("si_average_wage", period) * _share(kind, "average_wage_base_share")
        full = base * person("si_rate", period)
        share_4050 = _share(kind, "share_4050")
        older = _is_4050(person, period, region_node) if share_4050 is not None else np.zeros(person.count, bool)
        return full * np.where(older, share_4050 or 0, _share(kind, "share_other")), ceiling
    base = _minimum_base(person, period, region_node)
    if name == "employer":
        rate = person("si_rate", period) + np.minimum(person("si_injury_rate", period), leaf(kind, "injury_rate_cap"))
        return base * rate * _share(kind, "minimum_base_share"), ceiling
    if name == "flexible_hardship":
        special = person("si_group", period) == SubsidyGroup.hardship_special
        older = _is_4050(person, period, kind)
        # a share the region does not print subsidises no one (this is computed for every person of the
        # simulation, those of other regions too, before their rows are chosen)
        share = np.where(special, _share(kind, "minimum_base_share_special") or 0,
                         np.where(older, _share(kind, "minimum_base_share_4050") or 0, 0))
        return base * person("si_rate", period) * share, ceiling
    if _share(kind, "minimum_base_share") is not None:
        return base * person("si_rate", period) * _share(kind, "minimum_base_share"), ceiling
    return zero, ceiling


def _max_months(person, period, kind, name) -> np.ndarray:
    if name != "employer":
        months = np.full(person.count, int(leaf(kind, "max_months", 0)))
    else:
        first = as_days(person("si_first_approval_date", period))
        group = person("si_group", period)
        age = age_on(person("birth_date", period), first)
        older = np.where(person("sex", period) == Sex.female, age >= leaf(kind, "older_age_female"),
                         age >= leaf(kind, "older_age_male"))
        row = np.select(
            [group == SubsidyGroup.hardship_special, (group == SubsidyGroup.hardship) & older,
             group == SubsidyGroup.hardship, group == SubsidyGroup.graduate, group == SubsidyGroup.poverty_labour],
            ["hardship_special", "hardship_older", "hardship_young", "graduate", "poverty_labour"],
            "village_labour")
        employer_type = person("si_employer_type", period)
        months = np.zeros(person.count, dtype=int)
        for member in EmployerType:
            if leaf(kind["months"], member.name) is None:
                continue  # (天津 公益性岗位: not an enterprise of 6号; the spec refuses it, no months here)
            table = kind["months"][member.name]
            for cell in ("hardship_special", "hardship_older", "hardship_young", "graduate", "poverty_labour",
                         "village_labour"):
                months = np.where((employer_type == member) & (row == cell), int(table[cell]), months)
    extension = leaf(kind, "extension_months")
    if extension is not None:
        first = as_days(person("si_first_approval_date", period))
        expires = add_months(first, months) - 1
        in_window = (expires >= to_date(leaf(kind, "extension_expired_from"))) & (
            expires <= to_date(leaf(kind, "extension_expired_until")))
        months = np.where(in_window, months + int(extension), months)
    renewals = leaf(kind, "renewal_periods")
    if renewals is not None:
        # 89号 二（二）2：期满时同时属于低保家庭和（重病亲属或单亲家庭）的，可再次申请一个补贴期限（不另加2020年的延长）
        base = int(leaf(kind, "max_months", 0))
        dual = person("si_dual_hardship", period) & (person("si_group", period) == SubsidyGroup.hardship_special)
        months = np.where(dual, np.maximum(months, base * (1 + int(renewals))), months)
    return months


def _until_retirement(person, period, kind) -> np.ndarray:
    """Rows that may continue to the statutory retirement date whatever the months already received."""
    out = np.zeros(person.count, dtype=bool)
    retirement = as_days(person("si_retirement_date", period))
    hardship = np.isin(person("si_group", period), [g.index for g in HARDSHIP])
    years = leaf(kind, "extend_within_years")
    if years is not None:
        first = as_days(person("si_first_approval_date", period))
        out |= hardship & (retirement < add_months(first, int(years) * 12))
    female_age = leaf(kind, "to_retirement_age_female")
    if female_age is not None:
        age = age_on(person("birth_date", period), np.full(person.count, np.datetime64(period.start.date, "D")))
        out |= hardship & np.where(person("sex", period) == Sex.female, age >= female_age,
                                   age >= leaf(kind, "to_retirement_age_male"))
    return out


def _computed(person, period, parameters):
    region = person("region", period)
    mode = person("si_mode", period)
    group = person("si_group", period)
    amount = np.zeros(person.count)
    ceiling = np.zeros(person.count, dtype=bool)
    in_period = np.zeros(person.count, dtype=bool)
    max_months = np.zeros(person.count, dtype=int)
    month_start = np.full(person.count, np.datetime64(period.start.date, "D"))
    for member, node in regional_nodes(parameters, period.start, "social_insurance_subsidy"):
        for m in SubsidyMode:
            for g in SubsidyGroup:
                kind, name = _kind(node, m, g)
                rows = (region == member) & (mode == m) & (group == g)
                if kind is None or not rows.any() or (name == "employer" and _share(kind, "minimum_base_share") is None):
                    continue  # (天津's employer figures start on 2020-05-15: none on a month's first day before)
                value, is_ceiling = _amount(person, period, node, kind, name)
                if name in ("employer_graduate",) and leaf(kind, "small_firm_only", False):
                    value = np.where(person("si_employer_type", period) == EmployerType.small_firm, value, 0)
                months = _max_months(person, period, kind, name)
                ok = (person("si_months_received", period) < months) | _until_retirement(person, period, kind)
                ok &= month_start < as_days(person("si_retirement_date", period))
                graduated = as_days(person("graduation_date", period))
                if leaf(kind, "graduation_months") is not None:
                    ok &= month_start < add_months(graduated, int(leaf(kind, "graduation_months")))
                if leaf(kind, "graduate_within_months") is not None and g == SubsidyGroup.graduate:
                    first = as_days(person("si_first_approval_date", period))
                    ok &= first < add_months(graduated, int(leaf(kind, "graduate_within_months")))
                amount = np.where(rows, round_fen(np.maximum(value, 0)), amount)
                ceiling = np.where(rows, is_ceiling, ceiling)
                in_period = np.where(rows, ok, in_period)
                max_months = np.where(rows, months, max_months)
    return amount, ceiling, in_period, max_months


class social_insurance_subsidy_is_4050(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.MONTH
    label = "“4050”人员（补贴所属月份第一天女满40周岁、男满50周岁；湖南、天津灵活就业的标准）"
    reference = ("hn_sis_flexible_amount", "tj_sis_flexible_4050")

    def formula_2020_02(person, period, parameters):
        region = person("region", period)
        out = np.zeros(person.count, dtype=bool)
        for member, node in regional_nodes(parameters, period.start, "social_insurance_subsidy"):
            # 湖南 prints the ages for the whole 办法; 天津 in its flexible-employment notice (89号 一（二）)
            source = node if leaf(node, "age_4050_female") is not None else leaf(node, "flexible_hardship")
            if source is None or leaf(source, "age_4050_female") is None:
                continue
            out = np.where(region == member, _is_4050(person, period, source), out)
        return out


class social_insurance_subsidy_monthly_amount(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "按当月缴费计算的社会保险补贴（未计补贴期限）"
    unit = "currency-CNY"
    reference = REFERENCES

    def formula_2020_02(person, period, parameters):
        return _computed(person, period, parameters)[0]


class social_insurance_subsidy_is_ceiling(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.MONTH
    label = "金额为文件规定的上限（“原则上不超过”）"
    reference = ("sd_sis_flexible_graduate",)

    def formula_2020_02(person, period, parameters):
        return _computed(person, period, parameters)[1]


class social_insurance_subsidy_in_period(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.MONTH
    label = "当月在补贴期限内（累计月数、至退休、毕业满2年）"
    reference = REFERENCES

    def formula_2020_02(person, period, parameters):
        return _computed(person, period, parameters)[2]


class social_insurance_subsidy_max_months(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.MONTH
    label = "最长补贴月数（不含延长至退休）"
    reference = REFERENCES

    def formula_2020_02(person, period, parameters):
        return _computed(person, period, parameters)[3]


class social_insurance_subsidy(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "社会保险补贴（元/月）"
    unit = "currency-CNY"
    reference = REFERENCES

    def formula_2020_02(person, period, parameters):
        amount = person("social_insurance_subsidy_monthly_amount", period)
        return np.where(person("social_insurance_subsidy_in_period", period), amount, 0)
