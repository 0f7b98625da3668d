"""劳务协作的交通生活补助 (labour_cooperation_subsidy): 重庆 186号 (2021–2025) and 311号 fares, 山东 8号 (2020).

`region` is the province that pays (重庆 for its workers leaving, 山东 for 渝籍 workers arriving). The period is
the application day. 重庆 311号's fare reimbursement is a separate subsidy (另一项资金); it is reported on its
own and not added to the total, as the texts do not say whether the two combine.
"""

from __future__ import annotations

import numpy as np
from openfisca_core.indexed_enums import Enum as EnumType
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Person
from kuaiban.rules.enums import Destination, Region
from kuaiban.rules.formulas import leaf, parameter_or_none, round_fen

REFERENCES = ("cq_lc_transport", "cq_lc_fare", "cq_lc_fare_flat", "sd_lc_chongqing", "sd_lc_training")


class lc_destination(Variable):
    value_type = EnumType
    possible_values = Destination
    default_value = Destination.shandong
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "转移就业去向"


class lc_poverty(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "脱贫人口（建档立卡贫困人员）"


class lc_months_employed(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "稳定就业月数"


class lc_ticket_amount(Variable):
    value_type = float
    default_value = -1
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "去程票据票价（元；无票据为 -1）"


class lc_training_days(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "参加培训天数"


def _node(parameters, period, code: str):
    return parameter_or_none(parameters, period.start, f"labour_cooperation_subsidy.r{code}")


def _printed(parameters, period, code: str, name: str) -> bool:
    """Whether the province's notice prints figure `name` on the period's day (a rule in force then)."""
    node = _node(parameters, period, code)
    return node is not None and leaf(node, name) is not None


class lc_chongqing_transport(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.DAY
    label = "重庆 一次性交通生活补助和稳岗补贴（元）"
    unit = "currency-CNY"
    reference = ("cq_lc_transport",)

    def formula_2020_03_06(person, period, parameters):
        node = _node(parameters, period, "500000")
        if node is None or leaf(node, "out_of_city") is None:
            return np.zeros(person.count)
        where = person("lc_destination", period)
        months = person("lc_months_employed", period)
        out_of_city = (where != Destination.city_other_district) & (months >= leaf(node, "out_of_city_months"))
        in_city = (where == Destination.city_other_district) & (months >= leaf(node, "in_city_months"))
        amount = np.where(out_of_city, leaf(node, "out_of_city"), np.where(in_city, leaf(node, "in_city"), 0))
        bonus = (where == Destination.shandong) & person("lc_poverty", period) & out_of_city
        amount = amount + np.where(bonus, leaf(node, "shandong_stay_bonus"), 0)
        return np.where(person("region", period) == Region.chongqing, amount, 0)


class lc_chongqing_fare(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.DAY
    label = "重庆 脱贫人口跨区域交通补助（元，每年一次）"
    unit = "currency-CNY"
    reference = ("cq_lc_fare", "cq_lc_fare_flat")

    def formula_2020_03_06(person, period, parameters):
        if not _printed(parameters, period, "500000", "fare_flat_in_city"):
            return np.zeros(person.count)
        node = _node(parameters, period, "500000")
        ticket = person("lc_ticket_amount", period)
        flat = np.where(person("lc_destination", period) == Destination.city_other_district,
                        leaf(node, "fare_flat_in_city"), leaf(node, "fare_flat_out_of_city"))
        amount = np.where(ticket >= 0, ticket, flat)
        ok = (person("region", period) == Region.chongqing) & person("lc_poverty", period)
        return np.where(ok, amount, 0)


class lc_chongqing_fare_in_force(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.DAY
    label = "重庆 脱贫人口跨区域交通补助已施行（渝人社〔2021〕311号，2021年9月10日起）"
    reference = ("cq_lc_fare", "cq_lc_fare_date")

    def formula_2020_03_06(person, period, parameters):
        return np.full(person.count, _printed(parameters, period, "500000", "fare_flat_in_city"))


class lc_shandong_stay(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.DAY
    label = "山东 渝籍贫困人员在鲁稳定就业的交通生活补助和跨省就业补贴（元；2020年1月1日至12月31日）"
    unit = "currency-CNY"
    reference = ("sd_lc_chongqing",)

    def formula_2020_03_06(person, period, parameters):
        if not _printed(parameters, period, "370000", "transport_living"):
            return np.zeros(person.count)
        node = _node(parameters, period, "370000")
        months = person("lc_months_employed", period)
        stable = person("lc_poverty", period) & (months >= leaf(node, "min_months"))
        monthly = leaf(node, "monthly") * np.minimum(months, leaf(node, "monthly_max_months"))
        amount = np.where(stable, leaf(node, "transport_living") + monthly, 0)
        return np.where(person("region", period) == Region.shandong, round_fen(amount), 0)


class lc_shandong_stay_in_force(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.DAY
    label = "山东 交通生活补助和跨省就业补贴在执行期内（五：2020年1月1日至12月31日）"
    reference = ("sd_lc_chongqing",)

    def formula_2020_03_06(person, period, parameters):
        return np.full(person.count, _printed(parameters, period, "370000", "transport_living"))


class lc_shandong_training(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.DAY
    label = "山东 渝籍贫困劳动力培训期间生活费（含交通费）补贴（元；下限；政策执行至2021年12月31日）"
    unit = "currency-CNY"
    reference = ("sd_lc_training", "sd_lc_term")

    def formula_2020_03_06(person, period, parameters):
        per_day = leaf(_node(parameters, period, "370000"), "training_per_day_floor", 0)
        training = person("lc_poverty", period) * per_day * person("lc_training_days", period)
        return np.where(person("region", period) == Region.shandong, round_fen(training), 0)


class lc_shandong_support(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.DAY
    label = "山东 渝籍贫困人员交通生活补助、跨省就业补贴和培训生活费（元；培训生活费为下限）"
    unit = "currency-CNY"
    reference = ("sd_lc_chongqing", "sd_lc_training")

    def formula_2020_03_06(person, period, parameters):
        return person("lc_shandong_stay", period) + person("lc_shandong_training", period)


class labour_cooperation_subsidy(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.DAY
    label = "劳务协作交通生活补助等合计（元；重庆跨区域交通补助另列）"
    unit = "currency-CNY"
    reference = REFERENCES

    def formula_2020_03_06(person, period, parameters):
        return person("lc_chongqing_transport", period) + person("lc_shandong_support", period)
