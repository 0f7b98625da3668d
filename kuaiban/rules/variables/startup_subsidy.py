"""一次性创业补贴 (startup_subsidy): 山东 (floors, 50% advance), 天津 3000, 湖南 (conditions only; amounts by 市州).

The period is the application day. 山东's amounts are floors (不低于): the city may pay more, so the answer is
marked as a floor. -1 means the conditions are met but the amount is set locally and not printed.
"""

from __future__ import annotations

from datetime import date

import numpy as np
from openfisca_core.indexed_enums import Enum as EnumType
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Person
from kuaiban.rules.enums import BusinessKind, FounderGroup
from kuaiban.rules.formulas import as_days, leaf, regional_nodes, to_date

REFERENCES = ("sd_startup_6b3c", "sd_startup_migrants", "sd_startup_migrants_individual", "sd_startup_graduates",
              "tj_startup", "hn_startup_cities")
UNKNOWN = -1.0
NOT_GIVEN = date(9999, 12, 31)


class su_business(Variable):
    value_type = EnumType
    possible_values = BusinessKind
    default_value = BusinessKind.small_firm
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "创办的经营主体"


class su_founder(Variable):
    value_type = EnumType
    possible_values = FounderGroup
    default_value = FounderGroup.other
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "创业人员类别"


class su_first(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "首次创办（首次领取营业执照）"


class su_months(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "自登记注册起正常经营的月数"


class su_contributions(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "按规定缴纳职工社会保险费（个体工商户：职工养老保险费）"


class su_jobs_created(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "创业带动就业的岗位数"


class su_advance_received(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "已先行领取的一次性创业补贴（元）"


class su_registration_date(Variable):
    value_type = date
    default_value = NOT_GIVEN
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "企业或个体工商户注册登记日期（未填视为2013年10月1日以后）"
    reference = ("sd_startup_migrants", "sd_startup_migrants_individual")


def _computed(person, period, parameters):
    region = person("region", period)
    business = person("su_business", period)
    founder = person("su_founder", period)
    first = person("su_first", period)
    months = person("su_months", period)
    paid = person("su_contributions", period)
    advance = person("su_advance_received", period)
    amount = np.zeros(person.count)
    floor = np.zeros(person.count, dtype=bool)
    jobs = np.zeros(person.count)
    for member, node in regional_nodes(parameters, period.start, "startup_subsidy"):
        here = (region == member) & first
        for kind in BusinessKind:
            scheme = leaf(node, kind.name)
            if scheme is None:
                continue
            rows = here & (business == kind)
            # 119号's own terms (6 months, 50 % first, 养老保险费 for 个体) are for a migrant's business registered
            # from 2013-10-01 (000:5027); an earlier one keeps the general rule, which 119号 says migrants share
            # (“享受与当地劳动者同等的就业创业扶持政策”) and which has no registration date (六保三促 19, 000:230)
            migrant = founder == FounderGroup.migrant_returnee
            registered_from = leaf(scheme, "migrant_registered_from")
            if registered_from is not None:
                migrant &= as_days(person("su_registration_date", period)) >= to_date(registered_from)
            founders = leaf(scheme, "founders")
            if founders is not None:
                allowed = np.zeros(person.count, dtype=bool)
                for group in FounderGroup:
                    if leaf(founders, group.name, False):
                        allowed |= founder == group
                rows &= allowed
            value = leaf(scheme, "amount_floor", leaf(scheme, "amount"))
            full = float(value) if value is not None else UNKNOWN
            need = np.full(person.count, int(leaf(scheme, "min_months", 0)))
            migrant_months = leaf(scheme, "migrant_min_months")
            if migrant_months is not None:
                need = np.where(migrant, int(migrant_months), need)
            ok = months >= need
            # 缴费：小微企业“缴纳职工社会保险费”；农民工个体工商户“缴纳职工养老保险费”（119号 二）
            needs_contributions = np.full(person.count, bool(leaf(scheme, "contributions_required", False)))
            if migrant_months is not None:
                needs_contributions |= migrant
            ok &= paid | ~needs_contributions
            result = np.where(ok, np.where(full == UNKNOWN, UNKNOWN, np.maximum(full - advance, 0)), 0.0)
            share = leaf(scheme, "advance_share")
            if share is not None and full != UNKNOWN:
                advance_ok = np.zeros(person.count, dtype=bool)
                for group in FounderGroup:
                    if leaf(leaf(scheme, "advance_for"), group.name, False):
                        advance_ok |= migrant if group is FounderGroup.migrant_returnee else founder == group
                early = advance_ok & ~ok & (months >= int(leaf(scheme, "advance_months"))) & paid & (advance == 0)
                result = np.where(early, full * float(share), result)
            amount = np.where(rows, result, amount)
            floor = np.where(rows, value is not None and leaf(scheme, "amount_floor") is not None, floor)
        per_job = leaf(node, "job_creation_floor")
        if per_job is not None:
            jobs = np.where(region == member, float(per_job) * person("su_jobs_created", period), jobs)
    return amount, floor, jobs


def _registered_from(person, period, parameters) -> np.ndarray:
    """Per row, the earliest registration day 119号 allows for a migrant founder's business ('' where none)."""
    region = person("region", period)
    business = person("su_business", period)
    migrant = person("su_founder", period) == FounderGroup.migrant_returnee
    out = np.full(person.count, "", dtype=object)
    for member, node in regional_nodes(parameters, period.start, "startup_subsidy"):
        for kind in BusinessKind:
            cutoff = leaf(leaf(node, kind.name), "migrant_registered_from")
            if cutoff is not None:
                out = np.where((region == member) & (business == kind) & migrant, str(cutoff), out)
    return out


class startup_registered_from(Variable):
    value_type = str
    entity = Person
    definition_period = DateUnit.DAY
    label = "农民工首次创业须在此日以后注册登记（山东 119号；无此条件为空）"
    reference = ("sd_startup_migrants", "sd_startup_migrants_individual")

    def formula_2020_03_11(person, period, parameters):
        return _registered_from(person, period, parameters)


class startup_registered_too_early(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.DAY
    label = "注册登记日期早于 119号 规定的日期"
    reference = ("sd_startup_migrants", "sd_startup_migrants_individual")

    def formula_2020_03_11(person, period, parameters):
        cutoff = person("startup_registered_from", period)
        registered = as_days(person("su_registration_date", period))
        dated = np.array([to_date(c) if c else np.datetime64("0001-01-01") for c in cutoff], dtype="datetime64[D]")
        return (cutoff != "") & (registered < dated)


class startup_subsidy(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.DAY
    label = "一次性创业补贴（元）；-1 为标准由市州确定、文件未印"
    unit = "currency-CNY"
    reference = REFERENCES

    def formula_2020_03_11(person, period, parameters):
        return _computed(person, period, parameters)[0]


class startup_subsidy_is_floor(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.DAY
    label = "金额为下限（“不低于”），当地可以更高"
    reference = ("sd_startup_6b3c",)

    def formula_2020_03_11(person, period, parameters):
        return _computed(person, period, parameters)[1]


class startup_job_subsidy(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.DAY
    label = "一次性创业岗位开发补贴（元，下限）"
    unit = "currency-CNY"
    reference = ("sd_startup_6b3c",)

    def formula_2020_03_11(person, period, parameters):
        return _computed(person, period, parameters)[2]
