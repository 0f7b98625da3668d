"""预留生育保险费: what a unit that is dissolved or terminated reserves for each pregnant employee (天津 2020)."""

from __future__ import annotations

from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Enterprise
from kuaiban.rules.region_keys import by_region


class pregnant_employees(Variable):
    value_type = int
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "已怀孕女职工人数"


class maternity_reserve_per_employee(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.MONTH
    label = "每名已怀孕女职工预留的生育保险费"
    reference = ("tj_maternity_reserve",)

    def formula_2020_07(enterprise, period, parameters):
        return by_region(enterprise, period, parameters, "maternity_reserve", "per_employee", lambda node: node.per_employee, 0.0)


class maternity_reserve(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.MONTH
    label = "用人单位终止时预留的生育保险费：已怀孕女职工人数 × 标准"
    unit = "currency-CNY"
    reference = ("tj_maternity_reserve",)

    def formula_2020_07(enterprise, period, parameters):
        return enterprise("pregnant_employees", period) * enterprise("maternity_reserve_per_employee", period)
