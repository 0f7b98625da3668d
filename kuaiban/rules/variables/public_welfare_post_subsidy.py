"""公益性岗位补贴 (public_welfare_post_subsidy): 湖南 urban posts, national and 重庆 temporary posts, 山东 and
广东 rural posts and periods. The period is the month subsidised; the minimum wages are official inputs.

The social-insurance part of a 公益性岗位 (the unit's pension, medical and unemployment contributions) is
social_insurance_subsidy (employer, 就业困难人员).
"""

from __future__ import annotations

from datetime import date

import numpy as np
from openfisca_core.indexed_enums import Enum as EnumType
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Person
from kuaiban.rules.enums import PostKind, Sex
from kuaiban.rules.formulas import (
    add_months,
    age_on,
    as_days,
    leaf,
    parameter_or_none,
    regional_nodes,
    round_fen,
)

REFERENCES = ("hn_pwp_amount", "hn_pwp_period", "hn_pwp_again", "nat_pwp_temporary", "cq_pwp_temporary",
              "sd_pwp_rural", "sd_pwp_again", "gd_pwp")
UNKNOWN = -1.0


class pwp_kind(Variable):
    value_type = EnumType
    possible_values = PostKind
    default_value = PostKind.urban
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "公益性岗位类别"


class pwp_full_time(Variable):
    value_type = bool
    default_value = True
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "全日制岗位"


class pwp_hours(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "非全日制岗位当月实际工作小时数"


class pwp_minimum_wage(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "当地月最低工资标准（元/月，官方公布值）"


class pwp_hourly_minimum_wage(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "当地小时最低工资标准（元/小时，官方公布值）"


class pwp_approval_date(Variable):
    value_type = date
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "本次安置审批具备享受资格之日"


class pwp_months_received(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "本次安置此前已享受岗位补贴的月数"


class pwp_placement(Variable):
    value_type = int
    default_value = 1
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "第几次通过公益性岗位安置"


class pwp_special(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "重度残疾人或零就业家庭成员"


class pwp_first_placed_priority(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "首次聘用到公益性岗位时属零就业家庭成员、建档立卡适龄贫困劳动力、大龄就业困难人员或重度残疾人（山东）"
    reference = ("sd_pwp_again", "sd_pwp_elderly")


class pwp_jobless_after_previous(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "上次补贴期满后连续一年以上仍未能通过用人单位吸纳、灵活就业、自主创业等方式实现就业（山东）"
    reference = ("sd_pwp_again",)


def _again_ok(person, period, node, month_start) -> np.ndarray:
    """Whether a person placed again (第二次及以后) is one the region lets be placed again."""
    if leaf(node, "again_first_placement_groups"):
        # 山东 第十八条: the groups are those of the first placement, and a year or more jobless since the last
        # period ended (read from the province's records, which the user answers from)
        return person("pwp_first_placed_priority", period) & person("pwp_jobless_after_previous", period)
    again_ok = person("pwp_special", period)
    female_age = leaf(node, "again_age_female")
    if female_age is not None:
        age = age_on(person("birth_date", period), month_start)
        again_ok = again_ok | np.where(person("sex", period) == Sex.female, age >= female_age,
                                       age >= leaf(node, "again_age_male"))
    return again_ok


def _kind_node(parameters, instant, region_node, kind: PostKind):
    own = leaf(region_node, kind.name) if region_node is not None else None
    if own is not None:
        return own
    return parameter_or_none(parameters, instant, f"public_welfare_post_subsidy.national.{kind.name}")


def _computed(person, period, parameters):
    region = person("region", period)
    kind = person("pwp_kind", period)
    standard = np.full(person.count, UNKNOWN)
    ceiling = np.zeros(person.count, dtype=bool)
    ok = np.zeros(person.count, dtype=bool)
    insurance = np.zeros(person.count)
    placed_ok = np.ones(person.count, dtype=bool)
    month_start = np.full(person.count, np.datetime64(period.start.date, "D"))
    retirement = as_days(person("si_retirement_date", period))
    nodes = dict(regional_nodes(parameters, period.start, "public_welfare_post_subsidy"))
    for member in set(nodes) | _national_regions(region, parameters, period):
        for post in PostKind:
            rows = (region == member) & (kind == post)
            node = _kind_node(parameters, period.start, nodes.get(member), post)
            if node is None or not rows.any() or leaf(node, "max_months") is None:
                continue
            share = leaf(node, "share_of_minimum_wage")
            if share is not None:
                monthly = person("pwp_minimum_wage", period) * share
                hourly = person("pwp_hourly_minimum_wage", period) * share * person("pwp_hours", period.first_month)
                value = round_fen(np.where(person("pwp_full_time", period), monthly, hourly))
                standard = np.where(rows, value, standard)
                ceiling = np.where(rows, bool(leaf(node, "is_ceiling", False)), ceiling)
            in_time = person("pwp_months_received", period) < int(leaf(node, "max_months"))
            years = leaf(node, "extend_within_years")
            if years is not None:
                approval = as_days(person("pwp_approval_date", period))
                in_time |= retirement < add_months(approval, int(years) * 12)
            in_time &= month_start < retirement
            placements = leaf(node, "max_placements")
            if placements is not None:
                placement = person("pwp_placement", period)
                again_ok = _again_ok(person, period, node, month_start)
                in_time &= (placement <= 1) | ((placement <= int(placements)) & again_ok)
                placed_ok = np.where(rows, (placement <= 1) | ((placement <= int(placements)) & again_ok), placed_ok)
            ok = np.where(rows, in_time, ok)
            cap = leaf(node, "accident_insurance_cap")
            if cap is not None:
                insurance = np.where(rows, float(cap), insurance)
    return standard, ceiling, ok, insurance, placed_ok


def _national_regions(region, parameters, period) -> set:
    """Regions present in the data: the national temporary-post rules apply to all of them."""
    from kuaiban.rules.enums import Region

    if parameter_or_none(parameters, period.start, "public_welfare_post_subsidy.national") is None:
        return set()
    present = set(np.unique(np.asarray(region)).tolist())
    return {member for member in Region if member.index in present and member != Region.unknown}


class pwp_monthly_standard(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "公益性岗位补贴月标准（元）；-1 为文件未印"
    unit = "currency-CNY"
    reference = REFERENCES

    def formula_2020_04(person, period, parameters):
        return _computed(person, period, parameters)[0]


class pwp_is_ceiling(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.MONTH
    label = "标准为上限（“不高于”“不超过”）"
    reference = ("hn_pwp_amount", "nat_pwp_temporary")

    def formula_2020_04(person, period, parameters):
        return _computed(person, period, parameters)[1]


class pwp_in_period(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.MONTH
    label = "当月在补贴期限内（期限、延长至退休、安置次数）"
    reference = REFERENCES

    def formula_2020_04(person, period, parameters):
        return _computed(person, period, parameters)[2]


class pwp_accident_insurance_cap(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "乡村公益性岗位每年意外伤害保险上限（元）"
    unit = "currency-CNY"
    reference = ("sd_pwp_rural",)

    def formula_2020_04(person, period, parameters):
        return _computed(person, period, parameters)[3]


class pwp_placement_ok(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.MONTH
    label = "安置次数和再次安置的条件符合（首次安置，或未超过累计安置次数且属再次安置的人员）"
    reference = ("hn_pwp_again", "sd_pwp_again", "gd_pwp")

    def formula_2020_04(person, period, parameters):
        return _computed(person, period, parameters)[4]


class public_welfare_post_subsidy(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "公益性岗位补贴（元/月）；-1 为文件未印标准"
    unit = "currency-CNY"
    reference = REFERENCES

    def formula_2020_04(person, period, parameters):
        standard = person("pwp_monthly_standard", period)
        return np.where(person("pwp_in_period", period), standard, 0)
