"""农民工工资保证金 (人社部发〔2021〕65号, from 2021-11-01): contract value × the province's ratio (1 %–3 %, an
official figure: input), adjusted for the contractor's record — at least 50 % lower after 2 clean years (the
result is then a ceiling), exempt after 3 clean years with 实名制 and 专用账户 (an input, asked for: without them
3 clean years are read as 2), at least 50 % higher after arrears
in the last 2 years and at least 100 % higher when blacklisted (the result is then a floor).
"""

from __future__ import annotations

import numpy as np
from openfisca_core.indexed_enums import Enum
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Enterprise
from kuaiban.rules.formulas import parameter_or_none, round_fen

CALCULATOR = "wage_deposit"
REFS = ("nat_wage_deposit_ratio", "nat_wage_deposit_adjust", "nat_wage_deposit_province")


class WageRecord(Enum):
    ordinary = "无下列情形"
    clean_two_years = "连续2年未发生工资拖欠"
    clean_three_years = "连续3年未发生工资拖欠且落实实名制管理和专用账户制度"
    arrears = "前2年内发生工资拖欠"
    blacklisted = "因拖欠农民工工资被纳入严重失信主体名单"


class wage_record(Variable):
    value_type = Enum
    possible_values = WageRecord
    default_value = WageRecord.ordinary
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "施工总承包单位在工资保证金管理地区的工资支付记录"


class contract_value(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "工程施工合同额（或年度合同额，元）"


class provincial_deposit_ratio(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "省级确定的工资保证金存储比例（汇编未载，由用户提供）"
    reference = ("nat_wage_deposit_province",)


class several_projects(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "在同一工资保证金管理地区有多个在建工程"


class no_arrears_last_year(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "签订施工合同前一年内承建的工程未发生工资拖欠"


class real_name_and_wage_account(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "按要求落实用工实名制管理和农民工工资专用账户制度"
    reference = ("nat_wage_deposit_adjust",)


def _p(parameters, period):
    return parameter_or_none(parameters, period.start, f"{CALCULATOR}.national")


class wage_deposit_ratio_in_range(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "所填比例在1%—3%之间（多个在建工程的不低于0.5%）"
    reference = ("nat_wage_deposit_ratio",)

    def formula_2021_11_01(enterprise, period, parameters):
        p = _p(parameters, period)
        ratio = enterprise("provincial_deposit_ratio", period)
        low = np.where(enterprise("several_projects", period), p.multi_project_min_ratio, p.min_ratio)
        return (ratio >= low) & (ratio <= p.max_ratio)


class wage_deposit_may_be_waived(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "合同额低于300万元且前一年未拖欠：各地区可免除该工程存储（第十一条）"
    reference = ("nat_wage_deposit_ratio",)

    def formula_2021_11_01(enterprise, period, parameters):
        p = _p(parameters, period)
        return (enterprise("contract_value", period) < p.small_contract) & enterprise("no_arrears_last_year", period)


class wage_deposit_three_year_exempt(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "连续3年未拖欠且落实实名制管理和专用账户制度：新增工程可免于存储（第十二条）"
    reference = ("nat_wage_deposit_adjust",)

    def formula_2021_11_01(enterprise, period, parameters):
        return ((enterprise("wage_record", period) == WageRecord.clean_three_years)
                & enterprise("real_name_and_wage_account", period))


class wage_deposit_is_ceiling(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "连续2年（或3年而未落实两项制度）未拖欠：降幅不低于50%，结果为上限"
    reference = ("nat_wage_deposit_adjust",)

    def formula_2021_11_01(enterprise, period, parameters):
        record = enterprise("wage_record", period)
        return (record == WageRecord.clean_two_years) | (
            (record == WageRecord.clean_three_years) & ~enterprise("wage_deposit_three_year_exempt", period))


class wage_deposit_is_floor(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "前2年内拖欠或纳入严重失信主体名单：增幅不低于50%或100%，结果为下限"
    reference = ("nat_wage_deposit_adjust",)

    def formula_2021_11_01(enterprise, period, parameters):
        record = enterprise("wage_record", period)
        return (record == WageRecord.arrears) | (record == WageRecord.blacklisted)


class wage_deposit(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "应存储的工资保证金（元；见结果的性质）"
    unit = "currency-CNY"
    reference = REFS

    def formula_2021_11_01(enterprise, period, parameters):
        p = _p(parameters, period)
        record = enterprise("wage_record", period)
        exempt = enterprise("wage_deposit_three_year_exempt", period)
        clean = (record == WageRecord.clean_two_years) | (record == WageRecord.clean_three_years)
        factor = np.select(  # 连续3年未拖欠 without the two systems is still 连续2年未拖欠
            [exempt, clean, record == WageRecord.arrears, record == WageRecord.blacklisted],
            [0.0, 1 - p.clean_two_years_cut, 1 + p.arrears_raise, 1 + p.blacklist_raise], 1.0)
        amount = enterprise("contract_value", period) * enterprise("provincial_deposit_ratio", period) * factor
        return round_fen(amount)
