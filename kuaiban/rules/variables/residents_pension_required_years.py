"""湖南城乡居民养老保险：years of contribution required by the age at which the old scheme started (湘政发〔2020〕19号
七): 60 or older → none (basic pension from 2014-07); less than 15 years to 60 → pay every year, back payment
allowed, at most 15; more than 15 years → at least 15. The scheme's start date is a required official input."""

from __future__ import annotations

from datetime import date

import numpy as np
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Person
from kuaiban.rules.enums import Region
from kuaiban.rules.formulas import parameter_or_none
from kuaiban.rules.variables.inputs import UNKNOWN_DATE
from kuaiban.rules.variables.unemployment_benefit_extensions import started_months_between, ymd

NODE = "residents_pension_required_years.r430000"


class scheme_start_date(Variable):
    value_type = date
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "原新型农村社会养老保险或城镇居民社会养老保险制度在当地实施的日期（官方数字，汇编未载）"
    default_value = UNKNOWN_DATE


class years_to_pension_age_at_start(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "制度实施时距规定领取年龄的年数（按月计，已满领取年龄的为0）"
    unit = "year"
    reference = ("hn_rp_start_age",)

    def formula(person, period, parameters):
        age = parameter_or_none(parameters, period.start, f"{NODE}.pension_age")
        if age is None:
            return np.zeros(person.count)
        by, bm, bd = ymd(person("birth_date", period))
        # the day the person reaches the pension age (29 February → 28 February in a common year: a day later is safe)
        target = np.array([np.datetime64(f"{y + int(age):04d}-{m:02d}-{min(d, 28) if m == 2 else d:02d}", "D")
                           for y, m, d in zip(by, bm, bd, strict=True)])
        months = started_months_between(person("scheme_start_date", period), target)
        return months / 12


class residents_pension_required_years(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "须缴费年限（不少于；逐年缴费的人员为须缴的年数，累计不超过15年；已满60周岁的为0）"
    unit = "year"
    reference = ("hn_rp_start_age", "hn_rp_eligibility")

    def formula(person, period, parameters):
        full = parameter_or_none(parameters, period.start, f"{NODE}.full_years")
        if full is None:
            return np.zeros(person.count)
        remaining = person("years_to_pension_age_at_start", period)
        # 距规定领取年龄不足15年: pay each remaining year (a started year counts); exactly 15 or more: 15
        required = np.where(remaining <= 0, 0.0, np.minimum(np.ceil(remaining - 1e-9), full))
        return np.where(person("region", period) == Region.hunan, required, 0.0)
