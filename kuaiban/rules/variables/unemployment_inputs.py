"""Input facts of an unemployed person shared by the 失业保险待遇 calculators (失业保险金, 失业补助金,
临时生活补助, 一次性生活补助, 关系转移)."""

from __future__ import annotations

from datetime import date

from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Person
from kuaiban.rules.variables.inputs import UNKNOWN_DATE


class local_unemployment_benefit(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "当地失业保险金月标准（元/月；官方数字，汇编未载，须由经办机构提供）"
    unit = "currency-CNY"


class local_minimum_wage(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "当地最低工资标准（元/月；官方数字，汇编未载，须由经办机构提供）"
    unit = "currency-CNY"


class local_subsistence_allowance(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "参保地城市低保标准（元/月；官方数字，汇编未载，须由经办机构提供）"
    unit = "currency-CNY"


class unemployment_benefit_exhausted(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "领取失业保险金期满仍未就业"


class left_job_voluntarily(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "因本人意愿中断就业（本人原因解除劳动合同）"


class drawing_unemployment_benefit(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "正在领取失业保险金"


class unemployment_subsidy_received_before(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "已申领享受过失业补助金（含在其他统筹地区）"


class stop_condition_met(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "已出现停发情形（被用人单位招用并参保、死亡、应征服兵役、移居境外、享受养老保险待遇、被判刑收监执行）"


class unemployment_start_date(Variable):
    value_type = date
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "失业（中断就业）发生日期；未知时为 9999-12-31"
    default_value = UNKNOWN_DATE


class rural_contract_worker(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "农民合同制工人（参保单位招用、个人不缴费的农民工）"


class last_contribution_date(Variable):
    value_type = date
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "最近一次参保缴费记录的日期（在参保地）；未知时为 0001-01-01"
    default_value = date(1, 1, 1)
