"""失业保险费用随关系跨省划转 (人社厅发〔2021〕85号 一（四）、二（一）): the unemployment benefit still due plus half of
it for medical insurance and training/placement subsidies; nothing moves when insured less than a year at origin.
The period is the day of the transfer (the notice applies from the day it is dated)."""

from __future__ import annotations

import numpy as np
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Person
from kuaiban.rules.formulas import parameter_or_none, round_fen

NODE = "unemployment_fund_transfer.national"


class months_insured_at_origin(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "在转出地参保缴费月数"
    unit = "month"


class entitled_benefit_months(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "应当领取而尚未领取的失业保险金月数（转出地核定）"
    unit = "month"


class cross_province(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "跨省（自治区、直辖市）转移"
    default_value = True


class unemployment_benefit_entitlement(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.DAY
    label = "应享受失业保险金总额（转出地失业保险金月标准×应领未领月数）"
    unit = "currency-CNY"
    reference = ("nat_uft_amount",)

    def formula(person, period, parameters):
        return person("local_unemployment_benefit", period) * person("entitled_benefit_months", period)


class unemployment_fund_transfer(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.DAY
    label = "需划转的失业保险费用（失业保险金＋其一半的基本医疗保险费和职业培训、职业介绍补贴）"
    unit = "currency-CNY"
    reference = ("nat_uft_funds_follow", "nat_uft_amount", "nat_uft_scope", "nat_uft_date")

    def formula(person, period, parameters):
        share = parameter_or_none(parameters, period.start, f"{NODE}.medical_and_services_share")
        if share is None:
            return np.zeros(person.count)
        minimum = parameters(period.start).unemployment_fund_transfer.national.minimum_months_at_origin
        moves = person("cross_province", period) & (person("months_insured_at_origin", period) >= minimum)
        entitlement = person("unemployment_benefit_entitlement", period)
        return np.where(moves, round_fen(entitlement * (1 + share)), 0.0)
