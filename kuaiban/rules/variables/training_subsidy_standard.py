"""职业技能培训补贴标准 after 湖南's 2020 general uplift: the 2019–2021 catalogue's standard (not printed: an input)
+ 50 %; people the old rules already raised keep their own uplift (70 % or 50 %) instead, never both; 紧缺职业
take 10 % more on top (reading: on whichever standard applies). A trade outside the catalogue's 213 takes the
lowest standard of the same level, which is then the input. At most 3 subsidised trainings a person a year.
The OpenFisca period is the day the class was filed (开班备案).
"""

from __future__ import annotations

import numpy as np
from openfisca_core.indexed_enums import Enum
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Person
from kuaiban.rules.formulas import round_fen
from kuaiban.rules.region_keys import by_region, optional

CALCULATOR = "training_subsidy_standard"
REFS = ("hn_training_uplift_2", "hn_training_uplift_6", "hn_training_unlisted", "hn_training_three_times")


class PriorUplift(Enum):
    none = "无原有上浮"
    poverty = "原上浮70%的人员"
    transfer = "原上浮50%的人员（湘南湘西承接产业转移企业在职职工）"


class prior_uplift(Variable):
    value_type = Enum
    possible_values = PriorUplift
    default_value = PriorUplift.none
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "原有规定上浮的人员类别"
    reference = ("hn_training_uplift_6",)


class catalogue_standard(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "目录（2019—2021年）原补贴标准（目录外工种为同等级最低标准；元/人）"
    reference = ("hn_training_unlisted",)


class shortage_trade(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "省人社厅确定的紧缺职业（工种）"


class trainings_this_year(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "本年已享受职业培训补贴的次数"


class training_uplift_rate(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.DAY
    label = "适用的上浮比例（普调50%，或原有比例，不叠加）"
    reference = REFS

    def formula_2020_02_21(person, period, parameters):
        prior = person("prior_uplift", period)

        def rate(node):
            general = float(node.general_uplift)
            # before 6号 the old groups keep their 原有比例, which 2号 does not print: unknown (NaN)
            poverty = float(optional(node, "prior_uplift_poverty", np.nan))
            transfer = float(optional(node, "prior_uplift_transfer", np.nan))
            return np.select([prior == PriorUplift.poverty, prior == PriorUplift.transfer], [poverty, transfer], general)

        return by_region(person, period, parameters, CALCULATOR, "general_uplift", rate, np.nan, "region_code")


class training_subsidy_standard(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.DAY
    label = "调整后的职业技能培训补贴标准（元/人；超过每年次数或原有比例未载的为 0）"
    unit = "currency-CNY"
    reference = REFS

    def formula_2020_02_21(person, period, parameters):
        rate = person("training_uplift_rate", period)
        shortage = person("shortage_trade", period)
        times = person("trainings_this_year", period)

        def standard(node):
            raised = person("catalogue_standard", period) * (1 + rate)
            raised = np.where(shortage, raised * (1 + node.shortage_uplift), raised)
            within = (times < optional(node, "times_per_year", 10 ** 6)) & ~np.isnan(rate)
            return np.where(within, round_fen(np.nan_to_num(raised)), 0.0)

        return by_region(person, period, parameters, CALCULATOR, "general_uplift", standard, 0.0, "region_code")


class training_prior_rate_unknown(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.DAY
    label = "原有上浮人员的原有比例在此日前的文件中未载"
    reference = ("hn_training_uplift_2",)

    def formula_2020_02_21(person, period, parameters):
        return np.isnan(person("training_uplift_rate", period)) & (person("prior_uplift", period) != PriorUplift.none)
