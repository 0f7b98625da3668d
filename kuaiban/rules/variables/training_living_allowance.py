"""培训期间生活费补贴: the living allowance of a trainee from a listed group (湖南 2020–2021, 重庆 2021, 山东 2020).

Per day of training (湘 offline for 退捕渔民 only, 渝 50 元 up to 30 days) or per class hour online (湘 3 元 with
at most 20 元 a day, 鲁 5 元); the OpenFisca period is the application day.
"""

from __future__ import annotations

import numpy as np
from openfisca_core.indexed_enums import Enum
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Person
from kuaiban.rules.region_keys import by_region, optional

CALCULATOR = "training_living_allowance"
PROBE = "online_per_class_hour"  # every region's node has it (重庆 0: online paid by the day like offline)
REFS = ("hn_fisher_living_allowance", "hn_online_living_allowance", "cq_training_living_allowance",
        "sd_online_living_allowance")


class TrainingMode(Enum):
    offline = "线下培训"
    online = "线上培训"


class training_mode(Variable):
    value_type = Enum
    possible_values = TrainingMode
    default_value = TrainingMode.offline
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "培训方式"


class training_days(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "培训天数"


class class_hours_per_day(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "每天的课时（学时）数（线上培训）"


class living_allowance_group(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "属所在地文件所列的生活费补贴人员（并已考核合格或获得培训补贴）"


class retired_fisher(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "退捕渔民（湖南线下培训生活费补贴仅限退捕渔民中的所列人员）"
    reference = ("hn_fisher_living_allowance",)


class living_allowances_this_year(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "本年已领取培训生活费补贴的次数"


class receiving_unemployment_benefit(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "培训期间正在领取失业保险金"


class training_living_allowance_days(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.DAY
    label = "计发天数（不超过规定的最长天数）"
    reference = ("cq_training_living_allowance",)

    def formula_2020_02_06(person, period, parameters):
        days = person("training_days", period)
        return by_region(person, period, parameters, CALCULATOR, PROBE,
                         lambda node: np.minimum(days, optional(node, "max_days", 10 ** 6)), 0, "region_code")


class training_living_allowance_daily(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.DAY
    label = "每天的生活费补贴（线上按课时计的，为课时数 × 每课时标准，不超过每天上限）"
    reference = REFS

    def formula_2020_02_06(person, period, parameters):
        online = person("training_mode", period) == TrainingMode.online
        hours = person("class_hours_per_day", period)
        fisher = person("retired_fisher", period)

        def daily(node):
            per_hour = optional(node, "online_per_class_hour", 0)
            by_hour = np.minimum(per_hour * hours, optional(node, "online_daily_cap", np.inf))
            offline_ok = ~np.asarray(bool(optional(node, "offline_fishers_only", False))) | fisher
            # a region printing no offline figure (山东) and 湖南's non-fishers offline are refused by the spec
            per_day = optional(node, "offline_daily", 0.0)
            by_day = np.where(offline_ok, per_day, 0.0)
            return np.where(online & (per_hour > 0), by_hour, np.where(online, per_day, by_day))

        return by_region(person, period, parameters, CALCULATOR, PROBE, daily, 0.0, "region_code")


class training_living_allowance_eligible(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.DAY
    label = "可领取培训期间生活费补贴（人员、年度次数、不与失业保险金同时领取）"
    reference = REFS

    def formula_2020_02_06(person, period, parameters):
        group = person("living_allowance_group", period)
        times = person("living_allowances_this_year", period)
        on_benefit = person("receiving_unemployment_benefit", period)

        def eligible(node):
            ok = group & (times < optional(node, "times_per_year", 10 ** 6))
            if optional(node, "excludes_unemployment_benefit", False):
                ok &= ~on_benefit
            return ok

        return by_region(person, period, parameters, CALCULATOR, PROBE, eligible, False, "region_code")


class training_living_allowance(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.DAY
    label = "培训期间生活费补贴"
    unit = "currency-CNY"
    reference = REFS

    def formula_2020_02_06(person, period, parameters):
        amount = person("training_living_allowance_daily", period) * person("training_living_allowance_days", period)
        return np.where(person("training_living_allowance_eligible", period), amount, 0.0)
