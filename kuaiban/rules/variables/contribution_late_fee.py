"""补缴欠缴社会保险费的滞纳金（天津 2020: 万分之五 per day).

Pension arrears from 2011-07-01 and medical back-payments made after 2011-07-01 carry the late fee;
pension arrears before 2011-07-01 are revalued with a 保值系数 on 5,265 元 whose method the text does not
print: the calculator flags those instead of computing them.
"""

from __future__ import annotations

from datetime import date

import numpy as np
from openfisca_core.indexed_enums import Enum
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Enterprise
from kuaiban.rules.formulas import round_fen, to_date
from kuaiban.rules.region_keys import by_region


class ArrearsInsurance(Enum):
    pension = "基本养老保险费"
    medical = "医疗保险费"


class arrears_insurance(Variable):
    value_type = Enum
    possible_values = ArrearsInsurance
    default_value = ArrearsInsurance.pension
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "补缴的险种"


class arrears_amount(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "欠缴（补缴）的社会保险费（元）"


class arrears_month(Variable):
    value_type = date
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "欠缴费款所属月份（该月第一天）"


class days_overdue(Variable):
    value_type = int
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "滞纳天数（自欠缴之日起至补缴之日，由用户按社会保险法计算提供）"


class late_fee_applies(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.MONTH
    label = "补缴时按日加收滞纳金（养老保险费欠缴于2011年7月1日以后，或医疗保险费）"
    reference = ("tj_late_fee", "tj_late_fee_medical")

    def formula_2020_07(enterprise, period, parameters):
        month = enterprise("arrears_month", period).astype("datetime64[D]")
        medical = enterprise("arrears_insurance", period) == ArrearsInsurance.medical
        return by_region(enterprise, period, parameters, "contribution_late_fee", "daily_rate",
                         lambda node: medical | (month >= to_date(node.late_fee_arrears_from)), False)


class preservation_coefficient_required(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.MONTH
    label = "2011年6月30日前欠缴的基本养老保险费：按保值系数计算（方法文件未载，不予计算）"
    reference = ("tj_late_fee",)

    def formula_2020_07(enterprise, period, parameters):
        covered = by_region(enterprise, period, parameters, "contribution_late_fee", "daily_rate", lambda node: True, False)
        pension = enterprise("arrears_insurance", period) == ArrearsInsurance.pension
        return covered & pension & ~enterprise("late_fee_applies", period)


class late_fee_daily_rate(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.MONTH
    label = "滞纳金日比例"
    reference = ("tj_late_fee",)

    def formula_2020_07(enterprise, period, parameters):
        return by_region(enterprise, period, parameters, "contribution_late_fee", "daily_rate", lambda node: node.daily_rate, 0.0)


class contribution_late_fee(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.MONTH
    label = "滞纳金：欠缴费款 × 万分之五 × 滞纳天数"
    unit = "currency-CNY"
    reference = ("tj_late_fee", "tj_late_fee_medical")

    def formula_2020_07(enterprise, period, parameters):
        fee = enterprise("arrears_amount", period) * enterprise("late_fee_daily_rate", period) * enterprise(
            "days_overdue", period)
        return np.where(enterprise("late_fee_applies", period), round_fen(fee), 0.0)
