"""一次性创业补贴 (startup_subsidy): 山东 (floors, 50% advance), 天津 3000, 湖南 (conditions only; amounts by 市州).

The period is the application day. 山东's amounts are floors (不低于): the city may pay more, so the answer is
marked as a floor. -1 means the conditions are met but the amount is set locally and not printed.
"""

from __future__ import annotations

import numpy as np
from openfisca_core.indexed_enums import Enum as EnumType
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Person
from kuaiban.rules.enums import BusinessKind, FounderGroup
from kuaiban.rules.formulas import leaf, regional_nodes

REFERENCES = ("sd_startup_6b3c", "sd_startup_migrants", "sd_startup_migrants_individual", "sd_startup_graduates",
              "tj_startup", "hn_startup_cities")
UNKNOWN = -1.0


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
                need = np.where(founder == FounderGroup.migrant_returnee, int(migrant_months), need)
            ok = months >= need
            # 缴费：小微企业“缴纳职工社会保险费”；农民工个体工商户“缴纳职工养老保险费”（119号 二）
            needs_contributions = np.full(person.count, bool(leaf(scheme, "contributions_required", False)))
            if migrant_months is not None:
                needs_contributions |= founder == FounderGroup.migrant_returnee
            ok &= paid | ~needs_contributions
            result = np.where(ok, np.where(full == UNKNOWN, UNKNOWN, np.maximum(full - advance, 0)), 0.0)
            share = leaf(scheme, "advance_share")
            if share is not None and full != UNKNOWN:
                advance_ok = np.zeros(person.count, dtype=bool)
                for group in FounderGroup:
                    if leaf(leaf(scheme, "advance_for"), group.name, False):
                        advance_ok |= founder == group
                early = advance_ok & ~ok & (months >= int(leaf(scheme, "advance_months"))) & paid & (advance == 0)
                result = np.where(early, full * float(share), result)
            amount = np.where(rows, result, amount)
            floor = np.where(rows, value is not None and leaf(scheme, "amount_floor") is not None, floor)
        per_job = leaf(node, "job_creation_floor")
        if per_job is not None:
            jobs = np.where(region == member, float(per_job) * person("su_jobs_created", period), jobs)
    return amount, floor, jobs


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
