"""劳动人事争议仲裁时效中止 (人社厅明电〔2020〕5号 三): the period stops while the epidemic prevents the application
and runs on from the day the cause is removed, so the last day moves by the days it stood still. The statutory
one-year period itself (调解仲裁法 第二十七条) is not reprinted: the original last day is an input.
A continued period whose last day is a rest day ends on the next working day (民法典 第二百零三条, the reading
statutory_deadline applies to every period in days); an original last day the user supplies is left as given.
The OpenFisca period is the day the cause was removed."""

from __future__ import annotations

from contextlib import suppress
from datetime import date

import numpy as np
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.platform.calendar import HolidayDataMissing, is_working_day, next_working_day
from kuaiban.rules.entities import Person
from kuaiban.rules.formulas import parameter_or_none

NONE = np.datetime64("0001-01-01", "D")


class limitation_original_end(Variable):
    value_type = date
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "原仲裁时效期间的最后一日（按调解仲裁法计算，由使用者提供）"


class suspension_start(Variable):
    value_type = date
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "因疫情不能申请仲裁之日（时效中止之日）"


class arbitration_limitation_counted_end(Variable):
    value_type = date
    default_value = date(1, 1, 1)
    entity = Person
    definition_period = DateUnit.DAY
    label = "中止后继续计算到的最后一日（未按休息日顺延；中止之日在时效期间届满之后的，为原最后一日）"
    reference = ("nat_arbitration_suspension",)

    def formula_2020_01_24(person, period, parameters):
        if not parameter_or_none(parameters, period.start, "arbitration_limitation.national.suspension_applies"):
            return np.full(person.count, NONE)
        end = person("limitation_original_end", period).astype("datetime64[D]")
        start = person("suspension_start", period).astype("datetime64[D]")
        removed = np.datetime64(period.start.date, "D")
        remaining = end - start  # the days of the period left when it stopped
        # a suspension that starts after the period ended suspends nothing: the last day stays the original one
        # (a cause removed before it starts is refused as bad input by the spec's check)
        return np.where(start > removed, NONE, np.where(start <= end, removed + remaining, end))


class arbitration_limitation_end(Variable):
    value_type = date
    default_value = date(1, 1, 1)
    entity = Person
    definition_period = DateUnit.DAY
    label = "中止后仲裁时效期间的最后一日（休息日顺延；中止之日在时效期间届满之后的，为原最后一日；0001-01-01 为无适用规定）"
    reference = ("nat_arbitration_suspension",)

    def formula_2020_01_24(person, period, parameters):
        counted = person("arbitration_limitation_counted_end", period).astype("datetime64[D]")
        moved = person("arbitration_limitation_suspended", period)
        out = counted.copy()
        for row in np.flatnonzero(moved & (counted != NONE)):
            # a year whose holidays are not published: left as counted, and said (calendar_unknown)
            with suppress(HolidayDataMissing):
                out[row] = np.datetime64(next_working_day(counted[row].astype(date)), "D")
        return out


class arbitration_limitation_calendar_unknown(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.DAY
    label = "继续计算到的最后一日所在年份的节假日安排未知（未能判断是否顺延）"

    def formula_2020_01_24(person, period, parameters):
        counted = person("arbitration_limitation_counted_end", period).astype("datetime64[D]")
        out = np.zeros(person.count, dtype=bool)
        for row in np.flatnonzero(counted != NONE):
            try:
                is_working_day(counted[row].astype(date))
            except HolidayDataMissing:
                out[row] = True
        return out


class arbitration_limitation_suspended(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.DAY
    label = "时效发生中止（中止之日不晚于原最后一日）"

    def formula_2020_01_24(person, period, parameters):
        end = person("limitation_original_end", period).astype("datetime64[D]")
        start = person("suspension_start", period).astype("datetime64[D]")
        return start <= end
