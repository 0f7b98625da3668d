"""天津 岗位补贴 and 遴选岗位补助 (job_post_subsidy), paid to an enterprise for a person it hired.

The 岗位补贴 goes with the 社保补贴 of 津人社局发〔2020〕6号: the same employer-type × group table decides it
(第三–五条 give "1年岗位补贴", 第六条 none), so it reads social_insurance_subsidy's table of months.
The minimum wage is an official figure (input). The period is the month subsidised.
"""

from __future__ import annotations

import numpy as np
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Person
from kuaiban.rules.enums import Region, SubsidyGroup, SubsidyMode
from kuaiban.rules.formulas import leaf, parameter_or_none, round_fen

REFERENCES = ("tj_sis_care_firms", "tj_sis_small_firms", "tj_sis_other_firms", "tj_sis_amount", "tj_sis_period",
              "tj_selected_post")
HARDSHIP = [SubsidyGroup.hardship.index, SubsidyGroup.hardship_special.index]


class jp_minimum_wage(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "本市当年月最低工资标准（元/月，官方公布值）"


class jp_months_received(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "此前已享受岗位补贴的月数"


class jp_selected_post(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "安置在经遴选确定的社区服务型岗位"


class jp_selected_months_received(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "此前已享受遴选岗位补助的月数"


class jp_contract_months(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "劳动合同期限（月）"


class jp_contribution_months(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "已依法缴纳社会保险费的月数"


def _node(parameters, period):
    return parameter_or_none(parameters, period.start, "job_post_subsidy.r120000")


class job_post_subsidy(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "岗位补贴（元/月）"
    unit = "currency-CNY"
    reference = REFERENCES

    def formula_2020_05(person, period, parameters):
        node = _node(parameters, period)
        if node is None or leaf(node, "share_of_minimum_wage") is None:
            return np.zeros(person.count)
        # the 社保补贴 table: 36 months ⇔ 第三–五条 (with 1 year of 岗位补贴); 12 ⇔ 第六条 (none)
        si_months = person("social_insurance_subsidy_max_months", period)
        employer = person("si_mode", period) == SubsidyMode.employer
        hardship = np.isin(person("si_group", period), HARDSHIP)
        received_si = person("si_months_received", period)
        wait = np.where(hardship, leaf(node, "hardship_wait_months"), 0)
        received = person("jp_months_received", period)
        ok = (person("region", period) == Region.tianjin) & employer & (si_months >= 36)
        ok &= (received_si >= wait) & (received < leaf(node, "post_months"))
        amount = round_fen(person("jp_minimum_wage", period) * leaf(node, "share_of_minimum_wage"))
        return np.where(ok, amount, 0)


class selected_post_allowance(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "遴选岗位补助（元/月）"
    unit = "currency-CNY"
    reference = ("tj_selected_post",)

    def formula_2020_05(person, period, parameters):
        node = _node(parameters, period)
        selected = leaf(node, "selected_post") if node is not None else None
        if selected is None or leaf(selected, "amount") is None:
            return np.zeros(person.count)
        ok = (person("region", period) == Region.tianjin) & person("jp_selected_post", period)
        ok &= np.isin(person("si_group", period), HARDSHIP)
        ok &= person("jp_contract_months", period) >= leaf(selected, "min_contract_months")
        ok &= person("jp_contribution_months", period) >= leaf(selected, "min_contribution_months")
        ok &= person("jp_selected_months_received", period) < leaf(selected, "max_months")
        return np.where(ok, float(leaf(selected, "amount")), 0)


class job_post_total(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "岗位补贴与遴选岗位补助合计（元/月）"
    unit = "currency-CNY"
    reference = REFERENCES

    def formula_2020_05(person, period, parameters):
        return person("job_post_subsidy", period) + person("selected_post_allowance", period)
