"""天津 低保、低收入家庭成员首次就业的收入扣减 (dibao_income_disregard), 津政办规〔2020〕7号 （二十八）."""

from __future__ import annotations

from datetime import date

import numpy as np
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Person
from kuaiban.rules.enums import Region
from kuaiban.rules.formulas import add_months, as_days, leaf, parameter_or_none


class dibao_first_job(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "低保或低收入家庭中的无业人员或毕业生首次就业"


class dibao_contract_date(Variable):
    value_type = date
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "正式签订劳动合同的日期"


class dibao_income_disregard(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "核定家庭收入时当月扣减的就业收入（元）"
    unit = "currency-CNY"
    reference = ("tj_dibao_disregard",)

    def formula_2020_05(person, period, parameters):
        p = parameter_or_none(parameters, period.start, "dibao_income_disregard.r120000")
        if p is None or leaf(p, "monthly") is None:
            return np.zeros(person.count)
        signed = as_days(person("dibao_contract_date", period)).astype("datetime64[M]").astype("datetime64[D]")
        month = np.datetime64(period.start.date, "D")
        within = (month >= signed) & (month < add_months(signed, int(leaf(p, "months"))))
        ok = within & person("dibao_first_job", period) & (person("region", period) == Region.tianjin)
        return np.where(ok, float(leaf(p, "monthly")), 0)
