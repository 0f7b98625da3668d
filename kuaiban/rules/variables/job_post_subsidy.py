"""天津 岗位补贴 and 遴选岗位补助 (job_post_subsidy), paid to an enterprise for a person it hired.

The 岗位补贴 goes with the 社保补贴 of 津人社局发〔2020〕6号: the same employer-type × group table decides it
(第三–五条 give "1年岗位补贴", 第六条 none), so it reads social_insurance_subsidy's table of months; and it is
claimed together with the 社保补贴 (第九条), so only in a month within that subsidy's period. A 公益性岗位 is not
an enterprise of 6号: the spec refuses it (its 岗位补贴 amount is not printed).
The minimum wage is an official figure (input). The period is the month subsidised.
"""

from __future__ import annotations

import numpy as np
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Person
from kuaiban.rules.enums import EmployerType, Region, SubsidyGroup, SubsidyMode
from kuaiban.rules.formulas import leaf, parameter_or_none, round_fen

REFERENCES = ("tj_sis_conditions", "tj_sis_care_firms", "tj_sis_small_firms", "tj_sis_other_firms", "tj_sis_amount",
              "tj_sis_period", "tj_selected_post")
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


class job_post_subsidy_monthly_amount(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "岗位补贴标准（元/月）：本市当年最低工资标准的40%（企业吸纳）"
    unit = "currency-CNY"
    reference = ("tj_sis_amount",)

    def formula_2020_05(person, period, parameters):
        node = _node(parameters, period)
        share = leaf(node, "share_of_minimum_wage") if node is not None else None
        if share is None:
            return np.zeros(person.count)
        return round_fen(person("jp_minimum_wage", period) * share)


class job_post_subsidy_scheme(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.MONTH
    label = "单位吸纳，属第三、四、五条（社保补贴之外有1年岗位补贴；第六条和表外的没有）"
    reference = ("tj_sis_care_firms", "tj_sis_small_firms", "tj_sis_other_firms")

    def formula_2020_05(person, period, parameters):
        # the 社保补贴 table: 36 months ⇔ 第三–五条 (with 1 year of 岗位补贴); 12 ⇔ 第六条 (none); 0 ⇔ neither
        employer = person("si_mode", period) == SubsidyMode.employer
        enterprise = person("si_employer_type", period) != EmployerType.public_welfare_post
        tianjin = person("region", period) == Region.tianjin
        return tianjin & employer & enterprise & (person("social_insurance_subsidy_max_months", period) >= 36)


class job_post_subsidy_wait_months(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.MONTH
    label = "岗位补贴申请前须享受社保补贴的月数（吸纳就业困难人员的满2年，其他人员 0）"
    reference = ("tj_sis_period",)

    def formula_2020_05(person, period, parameters):
        node = _node(parameters, period)
        wait = leaf(node, "hardship_wait_months") if node is not None else None
        hardship = np.isin(person("si_group", period), HARDSHIP)
        return np.where(hardship, int(wait or 0), 0)


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
        # 第九条: claimed together with the 社保补贴 (after its first 2 years for 就业困难人员), so within its period
        ok = (person("job_post_subsidy_scheme", period)
              & person("social_insurance_subsidy_in_period", period)
              & (person("si_months_received", period) >= person("job_post_subsidy_wait_months", period))
              & (person("jp_months_received", period) < leaf(node, "post_months")))
        return np.where(ok, person("job_post_subsidy_monthly_amount", period), 0)


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
