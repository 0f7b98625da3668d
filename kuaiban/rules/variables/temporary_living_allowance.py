"""临时生活补助 for unemployed rural contract workers insured less than a year: 北京 2020 880 元/月 (京人社发[2020]8号
二); elsewhere the local urban 低保 standard (an input), at most 3 months (人社部发〔2020〕40号 四, 鲁人社函〔2020〕41号
四; continued for 2021 by 人社部发〔2021〕29号 六)."""

from __future__ import annotations

import numpy as np
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Person
from kuaiban.rules.enums import Region
from kuaiban.rules.formulas import parameter_or_none, to_date

REFERENCES = ("bj_tla_conditions", "bj_tla_amount", "bj_tla_period", "bj_tla_once", "nat_tla_2020",
              "nat_tla_equal_contributors", "sd_tla_conditions", "sd_tla_amount", "sd_tla_not_concurrent",
              "sd_tla_once", "bj8_stop_in_system", "nat_us_2021", "nat_2021_deadline")


def _beijing_2020(person, period, parameters):
    in_force = parameter_or_none(parameters, period.start, "temporary_living_allowance.r110000.amount") is not None
    return (person("region", period) == Region.beijing) & in_force


def _eligible(person, period, parameters):
    """Common conditions: in force, a rural contract worker insured under a year, not beside other benefits."""
    under = parameter_or_none(parameters, period.start, "temporary_living_allowance.insured_under_months")
    if under is None:
        return np.zeros(person.count, dtype=bool)
    return (person("rural_contract_worker", period) & (person("contribution_months", period) < under)
            & ~person("temporary_living_allowance_received_before", period)
            & ~person("drawing_unemployment_benefit", period)
            & ~person("drawing_unemployment_subsidy", period)
            & ~person("stop_condition_met", period))


class temporary_living_allowance_eligible(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.MONTH
    label = "可以申领临时生活补助"
    reference = REFERENCES

    def formula_2020_05(person, period, parameters):
        # 人社部发〔2020〕40号 四：对2019年1月1日之后参保不满1年的失业农民工 (京、鲁：之后有参保记录)
        records_from = parameter_or_none(parameters, period.start, "temporary_living_allowance.records_from")
        if records_from is None:
            return np.zeros(person.count, dtype=bool)
        recent_record = person("last_contribution_date", period) >= to_date(records_from)
        return _eligible(person, period, parameters) & recent_record

    def formula_2021_01(person, period, parameters):
        # 人社部发〔2021〕29号 六：保障范围为2021年1月1日之后新发生的参保失业人员 (when unemployment began)
        unemployed_from = parameter_or_none(parameters, period.start, "temporary_living_allowance.unemployed_from")
        if unemployed_from is None:
            return np.zeros(person.count, dtype=bool)
        newly_unemployed = person("unemployment_start_date", period) >= to_date(unemployed_from)
        return _eligible(person, period, parameters) & newly_unemployed


class temporary_living_allowance(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "临时生活补助月标准（北京2020年定额；其他参照参保地城市低保标准）"
    unit = "currency-CNY"
    reference = REFERENCES

    def formula_2020_05(person, period, parameters):
        beijing = _beijing_2020(person, period, parameters)
        bj_amount = parameter_or_none(parameters, period.start, "temporary_living_allowance.r110000.amount") or 0.0
        amount = np.where(beijing, bj_amount, person("local_subsistence_allowance", period))
        return np.where(person("temporary_living_allowance_eligible", period), amount, 0.0)


class temporary_living_allowance_months(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.MONTH
    label = "临时生活补助最长领取月数（各统筹地区可在此以内确定具体期限）"
    unit = "month"
    reference = ("bj_tla_amount", "nat_tla_2020", "sd_tla_amount", "nat_us_2021")

    def formula_2020_05(person, period, parameters):
        beijing = _beijing_2020(person, period, parameters)
        bj_months = parameter_or_none(parameters, period.start, "temporary_living_allowance.r110000.months") or 0
        months = parameter_or_none(parameters, period.start, "temporary_living_allowance.months") or 0
        return np.where(person("temporary_living_allowance_eligible", period),
                        np.where(beijing, bj_months, months), 0)


class temporary_living_allowance_total(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "临时生活补助最多合计（月标准×最长月数）"
    unit = "currency-CNY"
    reference = ("bj_tla_amount", "nat_tla_2020")

    def formula(person, period, parameters):
        return person("temporary_living_allowance", period) * person("temporary_living_allowance_months", period)


class temporary_living_allowance_received_before(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "已申领享受过临时生活补助"


class drawing_unemployment_subsidy(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "正在领取失业补助金"
