"""重庆灵活就业人员养老保险费的完清期限 (渝人社发〔2021〕20号): the year's contributions by the end of December (end of
January next year for those who join in December), otherwise “不缴不计”. The period is the contribution year."""

from __future__ import annotations

from datetime import date

import numpy as np
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Person
from kuaiban.rules.enums import Region
from kuaiban.rules.formulas import parameter_or_none
from kuaiban.rules.variables.inputs import UNKNOWN_DATE

NODE = "flexible_contribution_deadline.r500000"


class joined_in_december(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "当年12月份办理参保缴费"


class contributions_settled_date(Variable):
    value_type = date
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "完清当年缴费的日期；尚未完清为 9999-12-31"
    default_value = UNKNOWN_DATE


class flexible_contribution_deadline(Variable):
    value_type = date
    entity = Person
    definition_period = DateUnit.YEAR
    label = "当年企业职工基本养老保险费的完清期限（重庆灵活就业人员）"
    reference = ("cq_flex_deadline",)

    def formula(person, period, parameters):
        normal = parameter_or_none(parameters, period.start, f"{NODE}.months_after_year_start")
        if normal is None or not (person("region", period) == Region.chongqing).any():
            return np.full(person.count, np.datetime64(UNKNOWN_DATE.isoformat()), dtype="datetime64[D]")
        late = parameters(period.start).flexible_contribution_deadline.r500000.december_joiners_months_after_year_start
        january = np.datetime64(f"{period.start.year:04d}-01", "M")
        months = np.where(person("joined_in_december", period), late, normal).astype("timedelta64[M]")
        last_day = (january + months).astype("datetime64[D]") - np.timedelta64(1, "D")
        return np.where(person("region", period) == Region.chongqing, last_day,
                        np.datetime64(UNKNOWN_DATE.isoformat()))


class flexible_contribution_counted(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.YEAR
    label = "当年缴费在期限内完清而计入（逾期“不缴不计”）"
    reference = ("cq_flex_deadline",)

    def formula(person, period, parameters):
        deadline = person("flexible_contribution_deadline", period)
        known = deadline != np.datetime64(UNKNOWN_DATE.isoformat())
        return known & (person("contributions_settled_date", period) <= deadline)
