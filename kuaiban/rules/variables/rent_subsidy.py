"""创业房租补贴 (rent_subsidy, 天津) and 创业孵化载体补贴 (incubator_subsidy, 天津 建设费/孵化/带动就业, 山东 运营补贴)."""

from __future__ import annotations

import numpy as np
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Enterprise, Person
from kuaiban.rules.formulas import leaf, regional_nodes, round_fen


class rent_priority_group(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "属于重点创业人群，租房创办企业或个体工商户"


class rent_jobs_created(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.MONTH
    label = "当月带动就业人数"


class rent_months_received(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "此前已享受创业房租补贴的月数"


class rent_subsidy(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "创业房租补贴（元/月）"
    unit = "currency-CNY"
    reference = ("tj_rent",)

    def formula_2020_05(person, period, parameters):
        region = person("region", period)
        out = np.zeros(person.count)
        for member, node in regional_nodes(parameters, period.start, "rent_subsidy"):
            rent = leaf(node, "founder_rent")
            if rent is None or leaf(rent, "base") is None:
                continue
            amount = np.minimum(leaf(rent, "base") + leaf(rent, "per_job") * person("rent_jobs_created", period),
                                leaf(rent, "monthly_cap"))
            ok = person("rent_priority_group", period) & (person("rent_months_received", period) < leaf(rent, "max_months"))
            out = np.where((region == member) & ok, amount, out)
        return out


class incubator_student_share(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "大学生创办的在孵企业所占比例"


class incubator_new_firms(Variable):
    value_type = int
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "新增孵化企业户数（生产经营满1年、带动就业2人以上）"


class incubator_new_jobs(Variable):
    value_type = int
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "在孵企业当年新增带动就业人数"


class incubator_waived_rent(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "2020年2月至4月为承租中小企业减免的租金总额（元）"


def _incubator_nodes(enterprise, period, parameters):
    region = enterprise("enterprise_region", period)
    for member, node in regional_nodes(parameters, period.start, "incubator_subsidy"):
        yield region == member, node


class incubator_construction_cap(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "创业孵化基地建设费补贴上限（元）"
    unit = "currency-CNY"
    reference = ("tj_incubator",)

    def formula_2020_02_04(enterprise, period, parameters):
        out = np.zeros(enterprise.count)
        for here, node in _incubator_nodes(enterprise, period, parameters):
            cap = leaf(node, "construction_cap")
            if cap is None:
                continue
            students = np.round(enterprise("incubator_student_share", period), 6) >= leaf(node, "student_share")
            out = np.where(here, cap * np.where(students, 1 + leaf(node, "student_uplift"), 1), out)
        return out


class incubator_subsidy(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "创业孵化载体补贴（元）：天津孵化补贴与带动就业补贴；山东运营补贴"
    unit = "currency-CNY"
    reference = ("tj_incubator", "sd_incubator_rent", "sd_incubator_rent_4")

    def formula_2020_02_04(enterprise, period, parameters):
        out = np.zeros(enterprise.count)
        for here, node in _incubator_nodes(enterprise, period, parameters):
            amount = np.zeros(enterprise.count)
            if leaf(node, "per_new_firm") is not None:
                amount += leaf(node, "per_new_firm") * enterprise("incubator_new_firms", period)
                amount += leaf(node, "per_job") * enterprise("incubator_new_jobs", period)
            if leaf(node, "waived_rent_share") is not None:
                operating = round_fen(enterprise("incubator_waived_rent", period) * leaf(node, "waived_rent_share"))
                amount += np.minimum(operating, leaf(node, "operating_cap"))
            out = np.where(here, amount, out)
        return out
