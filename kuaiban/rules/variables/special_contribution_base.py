"""按人员类别规定的缴费基数 (special_contribution_base): 天津 津人社局发〔2020〕12号 二（二）至（六） (from 2020-07:
3,364 元 for the flexible workers' medical base, the subsidy bases and the unemployed's medical base; 6,323 元 for
disabled veterans' medical insurance) and 重庆 渝人社发〔2021〕42号 三 (2021: the retirees' medical account base,
60 % of 6,814 元, or the base locked in December 2018 where that is higher). The period is the month.
"""

from __future__ import annotations

import numpy as np
from openfisca_core.indexed_enums import Enum as EnumType
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Person
from kuaiban.rules.enums import SpecialBaseKind
from kuaiban.rules.formulas import round_fen
from kuaiban.rules.region_keys import by_region, optional

CALCULATOR = "special_contribution_base"
REFERENCES = ("tj_cb_flexible_medical", "tj_cb_self_employed_subsidy", "tj_cb_custody_subsidy",
              "tj_cb_unemployed_medical", "tj_cb_veterans_medical", "cq_retiree_account_base")
PRINTED = ("flexible_medical", "self_employed_subsidy", "custody_subsidy", "unemployed_medical", "veterans_medical")


class special_base_kind(Variable):
    value_type = EnumType
    possible_values = SpecialBaseKind
    default_value = SpecialBaseKind.flexible_medical
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "人员类别（缴费、补贴或划入基数）"


class locked_account_base(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "2018年12月锁定时点的个人账户划入基数（元/月；0 为没有或不高于）"


def _base(node, kind, locked):
    out = np.zeros(len(kind))
    for name in PRINTED:
        value = optional(node, name, None)
        if value is not None:
            out = np.where(kind == SpecialBaseKind[name], float(value), out)
    wage = optional(node, "retiree_account_wage", None)
    if wage is not None:
        base = round_fen(np.full(len(kind), float(wage) * float(node.retiree_account_share)))
        out = np.where(kind == SpecialBaseKind.retiree_account, np.maximum(base, locked), out)
    return out


class special_contribution_base(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "按人员类别规定的缴费（补贴、划入）基数（元/月）；0 为该地区未规定此类别"
    unit = "currency-CNY"
    reference = REFERENCES

    def formula_2020_07(person, period, parameters):
        kind = person("special_base_kind", period)
        locked = person("locked_account_base", period)
        return by_region(person, period, parameters, CALCULATOR, "flexible_medical",
                         lambda node: _base(node, kind, locked), 0.0, "region_code") + by_region(
            person, period, parameters, CALCULATOR, "retiree_account_wage",
            lambda node: _base(node, kind, locked), 0.0, "region_code")
