"""贫困劳动力一次性求职创业补贴 (poverty_job_search_subsidy): 广州 (穗人社规字〔2020〕4号 七, 2020-04-24 …
2021-12-31): 500 元 for a registered poor worker of the city (本市籍建档立卡贫困劳动力) placed by organised labour
export outside the county of household registration, employed and insured there for 6 months or more.

A city rule inside the province node ``r440000`` (``city: "440100"``); the case's ``region_code`` (the city or a
district of it, i.e. the household registration) decides. The period is the application day; applications are
received from 1 November to 31 December each year (七（二）2).
"""

from __future__ import annotations

import numpy as np
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Person
from kuaiban.rules.region_keys import by_region, covered_by

CALCULATOR = "poverty_job_search_subsidy"
REFERENCES = ("gz_poverty_job_search", "gz_poverty_job_search_window")


class pj_registered_poor(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "本市籍建档立卡贫困劳动力"


class pj_organised_out_of_county(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "通过有组织劳务输出到户籍所在县以外就业"


class pj_months_insured(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "在户籍所在县以外连续就业并参加社会保险的月数"


class poverty_job_search_in_window(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.DAY
    label = "申请日期在当年受理期（11月1日至12月31日）内"
    reference = ("gz_poverty_job_search_window",)

    def formula_2020_04_24(person, period, parameters):
        month = period.start.month
        return by_region(person, period, parameters, CALCULATOR, "amount",
                         lambda node: np.full(person.count, month >= int(node.window_first_month)), False,
                         "region_code")


class poverty_job_search_subsidy(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.DAY
    label = "贫困劳动力一次性求职创业补贴（元）"
    unit = "currency-CNY"
    reference = REFERENCES

    def formula_2020_04_24(person, period, parameters):
        codes = np.asarray(person("region_code", period), dtype=object)
        eligible = (person("pj_registered_poor", period) & person("pj_organised_out_of_county", period)
                    & person("poverty_job_search_in_window", period))
        months = person("pj_months_insured", period)

        def amount(node):
            here = covered_by(codes, str(node.city)) & eligible & (months >= int(node.min_months))
            return np.where(here, float(node.amount), 0.0)

        return by_region(person, period, parameters, CALCULATOR, "amount", amount, 0.0, "region_code")


class poverty_job_search_in_city(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.DAY
    label = "户籍在本市（广州市），本补贴的对象为本市籍人员"
    reference = REFERENCES

    def formula_2020_04_24(person, period, parameters):
        codes = np.asarray(person("region_code", period), dtype=object)

        def inside(node):
            return np.where(covered_by(codes, str(node.city)), 1.0, 0.0)

        return by_region(person, period, parameters, CALCULATOR, "amount", inside, 0.0, "region_code") > 0
