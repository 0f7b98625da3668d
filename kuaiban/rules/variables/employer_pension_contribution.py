"""企业职工基本养老保险单位缴费 (one month): the employer's rate (重庆 小微企业 14 % in 2021, 16 % from 2022; 山东 16 %)
times the unit base, the sum of the employees' bases (山东: 企业缴费工资按个人缴费工资之和核定). In 重庆 a 困难行业
enterprise's unit base per employee may go down to 2,800 元 (2021) or 60 % of the previous year's average wage
(2022; that average is not printed: an input), below the personal floor: the employee's wage then counts.

Rates the texts do not print (重庆 enterprises other than 小微) are an input the explanation names.
"""

from __future__ import annotations

import numpy as np
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Enterprise, Person
from kuaiban.rules.enums import EnterpriseSize
from kuaiban.rules.formulas import round_fen
from kuaiban.rules.region_keys import by_region, optional

CALCULATOR = "employer_pension_contribution"
REFS = ("cq_2021_small_firm_rate", "cq_2022_small_firm_rate", "cq_2022_hardship_floor", "sd_pension_rate_2020")
SMALL = [EnterpriseSize.micro.index, EnterpriseSize.small.index]
# 山东 〔2020〕20号 5（3）（4）: 中小微企业 and 以单位方式参保的个体工商户 pay no pension 单位缴费 to 2020-12-31
EXEMPT_SIZES = [EnterpriseSize.micro.index, EnterpriseSize.small.index, EnterpriseSize.medium.index,
                EnterpriseSize.individual_business.index]


class individual_contribution_base(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "职工个人缴费基数（元/月，按当地上下限核定）"


class hardship_industry(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "困难行业企业"


class previous_year_average_wage(Variable):
    value_type = float
    default_value = -1.0
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "上年度就业人员月平均工资（元/月；当地公布，汇编未载；-1 为未提供）"


class supplied_employer_pension_rate(Variable):
    value_type = float
    default_value = -1.0
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "单位缴费比例（文件未载时由用户提供；-1 为未提供）"


class employer_pension_unit_floor(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.MONTH
    label = "困难行业企业单位缴费基数下限（元/月；0 为不适用）"
    reference = ("cq_2021_small_firm_rate", "cq_2022_hardship_floor")

    def formula_2020_07(enterprise, period, parameters):
        hardship = enterprise("hardship_industry", period)
        average = enterprise("previous_year_average_wage", period)

        def floor(node):
            fixed = float(node.hardship_unit_floor)
            share = float(node.hardship_floor_share)
            by_share = np.where(average >= 0, round_fen(share * average), 0.0) if share >= 0 else 0.0
            return np.where(hardship, fixed if fixed >= 0 else by_share, 0.0)

        return by_region(enterprise, period, parameters, CALCULATOR, "small_firm_rate", floor, 0.0)


class employer_pension_unit_base(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "职工的单位缴费基数：个人缴费基数；困难行业企业可低至单位缴费基数下限（按工资，不低于该下限）"
    reference = REFS

    def formula_2020_07(person, period, parameters):
        base = person("individual_contribution_base", period)
        floor = person.enterprise("employer_pension_unit_floor", period)
        # the wage, capped by the individual base (this project's reading), never below the printed floor
        lowered = np.maximum(np.minimum(person("monthly_wage", period), base), floor)
        return np.where(floor > 0, lowered, base)


class employer_pension_rate(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.MONTH
    label = "企业职工基本养老保险单位缴费比例（-1 为文件未载且未提供）"
    reference = REFS

    def formula_2020_07(enterprise, period, parameters):
        small = np.isin(enterprise("enterprise_size", period), SMALL)
        supplied = enterprise("supplied_employer_pension_rate", period)

        def rate(node):
            printed = np.where(small, float(node.small_firm_rate), float(node.all_firms_rate))
            return np.where(printed >= 0, printed, supplied)

        return by_region(enterprise, period, parameters, CALCULATOR, "small_firm_rate", rate, -1.0)


class employer_pension_base(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.MONTH
    label = "单位缴费基数合计（职工单位缴费基数之和，元/月）"
    unit = "currency-CNY"
    reference = ("sd_pension_rate_2020",)

    def formula_2020_07(enterprise, period, parameters):
        return enterprise.sum(enterprise.members("employer_pension_unit_base", period))


class employer_pension_exempt(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.MONTH
    label = "免征基本养老保险单位缴费部分（山东2020年中小微企业及以单位方式参保的个体工商户）"
    reference = ("sd_sme_exemption_2020",)

    def formula_2020_07(enterprise, period, parameters):
        sized = np.isin(enterprise("enterprise_size", period), EXEMPT_SIZES)
        return by_region(enterprise, period, parameters, CALCULATOR, "small_firm_rate",
                         lambda node: sized & bool(optional(node, "sme_pension_exempt", False)), False)


class employer_pension_contribution(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.MONTH
    label = "企业职工基本养老保险单位缴费（元/月；免征的为0）"
    unit = "currency-CNY"
    reference = (*REFS, "sd_sme_exemption_2020")

    def formula_2020_07(enterprise, period, parameters):
        rate = enterprise("employer_pension_rate", period)
        due = np.where(rate >= 0, round_fen(rate * enterprise("employer_pension_base", period)), 0.0)
        return np.where(enterprise("employer_pension_exempt", period), 0.0, due)
