"""失业保险金 beyond the monthly standard: payment continued to the statutory retirement age (national from 2019-12,
上海 < 2 years) and Shandong's late claims (U10, U11 of the inventory)."""

from __future__ import annotations

from datetime import date

import numpy as np
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Person
from kuaiban.rules.formulas import MONTHS_PER_YEAR, parameter_or_none, regional, to_date
from kuaiban.rules.variables.inputs import UNKNOWN_DATE


def ymd(dates: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month (1–12) and day of an array of numpy days."""
    days = np.asarray(dates, dtype="datetime64[D]")
    months = days.astype("datetime64[M]")
    year = months.astype("datetime64[Y]").astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (days - months.astype("datetime64[D]")).astype(np.int64) + 1
    return year, month, day


def started_months_between(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Months from `start` to `end`, a started month counting as one (0 where end ≤ start)."""
    sy, sm, sd = ymd(start)
    ey, em, ed = ymd(end)
    whole = (ey - sy) * MONTHS_PER_YEAR + (em - sm)
    months = whole + (ed > sd)
    return np.maximum(months, 0)


class national_key_county(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "参保地为国家乡村振兴重点帮扶县（重庆：城口县、巫溪县、酉阳县、彭水县，渝人社〔2021〕234号）"


class benefit_end_date(Variable):
    value_type = date
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "领取失业保险金期满日期；未知时为 9999-12-31"
    default_value = UNKNOWN_DATE


class statutory_retirement_date(Variable):
    value_type = date
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "达到法定退休年龄的日期；未知时为 9999-12-31"
    default_value = UNKNOWN_DATE


class claim_delay_days(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "失业（终止或解除劳动关系）之日至申领之日的天数"


class unemployment_benefit_years_before_retirement(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "期满时距法定退休年龄不足此年数的，继续发放失业保险金至法定退休年龄"
    unit = "year"
    reference = ("nat_ub_to_retirement", "hn_ub_to_retirement", "sd_ub_to_retirement", "sh_ub_to_retirement")

    def formula_2019_12(person, period, parameters):
        node = "unemployment_benefit_to_retirement.years_before_retirement"
        national = parameter_or_none(parameters, period.start, f"{node}.national") or 0.0
        by_province = regional(person, period, parameters, node)
        return np.where(np.isnan(by_province), national, by_province)


class unemployment_benefit_to_retirement(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.MONTH
    label = "本月继续发放失业保险金至法定退休年龄（期满仍未就业、期满时距法定退休年龄不足规定年数）"
    reference = ("nat_ub_to_retirement", "hn_ub_to_retirement", "sd_ub_to_retirement", "sh_ub_to_retirement")

    def formula_2019_12(person, period, parameters):
        end = person("benefit_end_date", period)
        retirement = person("statutory_retirement_date", period)
        years = person("unemployment_benefit_years_before_retirement", period).astype(np.int64)
        ey, em, ed = ymd(end)
        ry, rm, rd = ymd(retirement)
        # 不足N年: the retirement date falls before the same calendar day N years after the end date
        shifted = ey + years
        within = (ry < shifted) | ((ry == shifted) & ((rm < em) | ((rm == em) & (rd < ed))))
        month_start = np.datetime64(str(period.start), "D")
        month_end = np.datetime64(str(period.stop), "D")
        in_extension = (end < month_end) & (retirement > month_start)
        # 人社部发〔2020〕40号 二：自2019年12月起 — the continued payment (from the day after 期满) starts in
        # December 2019 or later, so a benefit ending on 2019-11-30 continues from 2019-12-01
        extension_from = to_date(parameters(period.start).unemployment_benefit_to_retirement.rule_from.national)
        return ((years > 0) & (end + np.timedelta64(1, "D") >= extension_from) & (end != to_date(UNKNOWN_DATE.isoformat()))
                & within & in_extension & person("unemployment_benefit_exhausted", period))


class unemployment_benefit_extension_months(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.MONTH
    label = "期满后继续发放至法定退休年龄的月数（不足1个月的按1个月）"
    unit = "month"
    reference = ("nat_ub_to_retirement", "sd_ub_to_retirement")

    def formula_2019_12(person, period, parameters):
        months = started_months_between(person("benefit_end_date", period), person("statutory_retirement_date", period))
        return np.where(person("unemployment_benefit_to_retirement", period), months, 0)


class unemployment_benefit_late_claim_paid(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.MONTH
    label = "超过申领期限的申领仍按申领时参保地失业保险金标准发放（山东）"
    reference = ("sd_ub_late_claim",)

    def formula(person, period, parameters):
        window = regional(person, period, parameters, "unemployment_benefit.late_claim.window_days")
        return ~np.isnan(window) & (person("claim_delay_days", period) > np.nan_to_num(window, nan=0.0))
