"""山东 生活困难农民工一次性临时救助金 (temporary_relief_grant), 鲁人社字〔2020〕119号 七.

A ceiling: not more than 3 months of the local urban 低保 standard (an official figure, input); the city sets
the actual standard.
"""

from __future__ import annotations

import numpy as np
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Person
from kuaiban.rules.enums import Region
from kuaiban.rules.formulas import leaf, parameter_or_none, round_fen


class relief_no_income_months(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "受疫情影响无法返岗复工、连续无收入来源的月数"


class relief_uninsured(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "失业保险政策无法覆盖的未参保失业人员（农民工等），且未纳入低保"


class relief_dibao_standard(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "当地城市低保月标准（元/月，官方公布值）"


class temporary_relief_grant(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.DAY
    label = "一次性临时救助金上限（元）"
    unit = "currency-CNY"
    reference = ("sd_relief_grant",)

    def formula_2020_10_12(person, period, parameters):
        p = parameter_or_none(parameters, period.start, "temporary_relief_grant.r370000")
        if p is None or leaf(p, "months_of_dibao") is None:
            return np.zeros(person.count)
        ok = person("relief_uninsured", period) & (person("relief_no_income_months", period) >= leaf(p, "no_income_months"))
        ok &= person("region", period) == Region.shandong
        return np.where(ok, round_fen(person("relief_dibao_standard", period) * leaf(p, "months_of_dibao")), 0)
