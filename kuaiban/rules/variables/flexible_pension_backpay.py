"""灵活就业人员2020年暂缓缴费的补缴: months of 2020 deferred by a flexible worker may be paid back until 2021-12-31,
on a base the person chooses within the 2021 local limits (人社部发〔2020〕49号 五; 人社厅发〔2021〕2号 四; 湘人社规
〔2020〕10号 四; 上海 延长减免 三 (“补缴时点”的上下限); 渝人社发〔2021〕15号 四).

The 2021 limits are read from contribution_base where the compilations print them (重庆 3,699–18,495); elsewhere
they are official figures the user supplies. The contribution rate is not printed, so the amount is not computed.
"""

from __future__ import annotations

from datetime import date

import numpy as np
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Person
from kuaiban.rules.formulas import parameter_or_none, to_date
from kuaiban.rules.region_keys import code_prefix

CALCULATOR = "flexible_pension_backpay"
REFS = ("nat_flexible_deferral_2020", "nat_flexible_backpay_2021", "hn_flexible_deferral_2020", "sh_flexible_deferral",
        "cq_flexible_backpay_2021")
# regions whose limits contribution_base prints (its nodes are named by province, not by code), and whether the
# limits are those in force on the back-payment day (上海: “补缴时点本市个人缴费基数上下限”) rather than 2021's
PRINTED_LIMITS = {"50": ("chongqing", False), "43": ("hunan", False), "31": ("shanghai", True),
                  "12": ("tianjin", False)}
YEAR_END_2021 = "2021-12-31"  # a year's limits are those in force on 31 December (as contribution_base reads them)


class deferred_month(Variable):
    value_type = date
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "暂缓缴费的月度（该月第一天）"


class chosen_base(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "本人选择的补缴基数（元/月）"


class supplied_floor(Variable):
    value_type = float
    default_value = -1.0
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "2021年当地个人缴费基数下限（元/月；汇编未载时由用户提供；-1 为未提供）"


class supplied_cap(Variable):
    value_type = float
    default_value = -1.0
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "2021年当地个人缴费基数上限（元/月；汇编未载时由用户提供；-1 为未提供）"


def _limit(person, period, parameters, which: str) -> np.ndarray:
    """The floor or cap: printed (contribution_base) or supplied by the user."""
    supplied = person(f"supplied_{which}", period)
    codes = np.asarray(person("region_code", period), dtype=object)
    out = supplied.astype(float)
    for prefix, (key, on_payment_day) in PRINTED_LIMITS.items():
        when = period.start if on_payment_day else YEAR_END_2021
        printed = parameter_or_none(parameters, when, f"contribution_base.{key}.{which}")
        if printed is not None:
            here = np.array([code_prefix(str(c))[:2] == prefix for c in codes])
            out = np.where(here, float(printed), out)
    return out


class flexible_backpay_allowed(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.DAY
    label = "可补缴（2020年暂缓缴费的月度，补缴日不晚于2021年12月31日）"
    reference = REFS

    def formula_2020_06_22(person, period, parameters):
        p = parameter_or_none(parameters, period.start, f"{CALCULATOR}.national")
        month = person("deferred_month", period).astype("datetime64[D]")
        today = np.datetime64(period.start.date, "D")
        in_2020 = (month >= to_date(p.deferred_from)) & (month <= to_date(p.deferred_until))
        return in_2020 & (today <= to_date(p.backpay_deadline))


class flexible_backpay_floor(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.DAY
    label = "2021年当地个人缴费基数下限（元/月；-1 为未载且未提供）"
    reference = REFS

    def formula_2020_06_22(person, period, parameters):
        return _limit(person, period, parameters, "floor")


class flexible_backpay_cap(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.DAY
    label = "2021年当地个人缴费基数上限（元/月；-1 为未载且未提供）"
    reference = REFS

    def formula_2020_06_22(person, period, parameters):
        return _limit(person, period, parameters, "cap")


class flexible_backpay_base(Variable):
    value_type = float
    default_value = -1.0
    entity = Person
    definition_period = DateUnit.DAY
    label = "补缴基数：本人选择的基数，低于下限的按下限、高于上限的按上限（-1 为不能补缴或缺少上下限）"
    unit = "currency-CNY"
    reference = REFS

    def formula_2020_06_22(person, period, parameters):
        floor = person("flexible_backpay_floor", period)
        cap = person("flexible_backpay_cap", period)
        base = np.minimum(np.maximum(person("chosen_base", period), floor), cap)
        ok = person("flexible_backpay_allowed", period) & (floor >= 0) & (cap >= 0)
        return np.where(ok, base, -1.0)
