"""疫情期间工资支付 (人社厅明电〔2020〕5号 一、二; 人社部发〔2020〕9号 二): the pay due for a month of 停工停产 or of
isolation. Within the first pay cycle of a stoppage: the contract wage; afterwards at least the local minimum
wage if the employee works normally, otherwise the 生活费 the province sets (both official figures: inputs).
Isolated employees are paid their 工作报酬 (taken as the contract wage) and 事业单位 staff count as present.
"""

from __future__ import annotations

import numpy as np
from openfisca_core.indexed_enums import Enum
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Person
from kuaiban.rules.formulas import parameter_or_none

CALCULATOR = "covid_wage"
REFS = ("nat_isolation_pay", "nat_stoppage_pay", "nat_institution_isolation_pay")


class CovidSituation(Enum):
    stoppage = "企业停工停产"
    isolation = "隔离治疗、医学观察或政府隔离措施"


class CovidBasis(Enum):
    contract_wage = "按劳动合同规定的标准"
    minimum_wage = "不低于当地最低工资标准"
    living_allowance = "生活费（各省规定）"
    attendance = "按出勤对待"
    none = "无适用规定"


class covid_situation(Variable):
    value_type = Enum
    possible_values = CovidSituation
    default_value = CovidSituation.stoppage
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "情形"


class covid_public_institution_staff(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "事业单位工作人员"


class pay_cycle_number(Variable):
    value_type = int
    default_value = 1
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "停工停产的第几个工资支付周期（首个为1）"


class worked_normally(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "职工提供了正常劳动"


class contract_wage(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "劳动合同规定的工资（元/月）"


class covid_local_minimum_wage(Variable):
    value_type = float
    default_value = -1.0
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "当地最低工资标准（元/月；-1 为未提供）"


class provincial_living_allowance(Variable):
    value_type = float
    default_value = -1.0
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "按本省规定的办法计算的生活费（元/月；-1 为未提供）"


class covid_wage_basis(Variable):
    value_type = Enum
    possible_values = CovidBasis
    default_value = CovidBasis.none
    entity = Person
    definition_period = DateUnit.DAY
    label = "工资支付的依据"
    reference = REFS

    def formula_2020_01_24(person, period, parameters):
        p = parameter_or_none(parameters, period.start, f"{CALCULATOR}.national")
        isolation = person("covid_situation", period) == CovidSituation.isolation
        institution = person("covid_public_institution_staff", period)
        first = person("pay_cycle_number", period) <= p.contract_wage_cycles
        worked = person("worked_normally", period)
        stoppage = np.select([first, worked], [CovidBasis.contract_wage.index, CovidBasis.minimum_wage.index],
                             CovidBasis.living_allowance.index)
        isolated = np.where(institution, CovidBasis.attendance.index if p.isolation_institutions else CovidBasis.none.index,
                            CovidBasis.contract_wage.index if p.isolation_enterprises else CovidBasis.none.index)
        stoppage = np.where(institution, CovidBasis.none.index, stoppage)  # 停工停产 concerns enterprises
        return np.where(isolation, isolated, stoppage)


class covid_wage(Variable):
    value_type = float
    default_value = -1.0
    entity = Person
    definition_period = DateUnit.DAY
    label = "应支付的工资（元/月；按最低工资的为下限；-1 为缺少所需的官方数字或无适用规定）"
    unit = "currency-CNY"
    reference = REFS

    def formula_2020_01_24(person, period, parameters):
        basis = person("covid_wage_basis", period)
        return np.select(
            [(basis == CovidBasis.contract_wage) | (basis == CovidBasis.attendance),
             basis == CovidBasis.minimum_wage, basis == CovidBasis.living_allowance],
            [person("contract_wage", period), person("covid_local_minimum_wage", period),
             person("provincial_living_allowance", period)], -1.0)
