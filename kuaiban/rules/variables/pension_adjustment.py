"""养老金调整：湖南 2020（湘人社规〔2020〕11号）与重庆 2021（渝人社发〔2021〕22号）.

Each adjustment is a year's formula (formula_2020, formula_2021) split into its items so that the
explanation can show every item with its clause. Values are monthly increases in CNY.
"""

from __future__ import annotations

import numpy as np
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Person
from kuaiban.rules.enums import PensionScheme, Region
from kuaiban.rules.formulas import parameter_or_none, round_fen, to_date, turned_age_by, years_rounded_up
from kuaiban.rules.regions import code_of, county_codes_listed


class in_hardship_area(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.YEAR
    label = "所在区县属于该年调整通知所列艰苦边远地区（按行政区划代码）"

    def formula(person, period, parameters):
        region = person("region", period)
        county = person("county", period)  # a 行政区划代码 or a name, read within the row's province
        result = np.zeros(person.count, dtype=bool)
        for key in ("hunan", "chongqing"):
            counties = parameter_or_none(parameters, period.start, f"pension_adjustment.{key}.hardship_counties")
            if counties is not None:
                listed = frozenset(str(code) for code in counties)
                mine = region == Region[key]
                result |= mine & county_codes_listed(code_of(Region[key]), county, listed, period.start.year)
        return result


# ---- 湖南 2020 ----


class hn_pa_in_scope(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.YEAR
    end = "2020-12-31"
    label = "湖南2020调整范围：2019年12月31日前已办理退休手续并按月领取基本养老金"

    def formula_2020(person, period, parameters):
        p = parameters(period.start).pension_adjustment.hunan
        return person("retirement_date", period) <= to_date(p.retired_by)


class hn_pa_flat(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.YEAR
    unit = "currency-CNY"
    end = "2020-12-31"
    label = "湖南2020 定额调整"

    def formula_2020(person, period, parameters):
        p = parameters(period.start).pension_adjustment.hunan
        return person("hn_pa_in_scope", period) * p.flat


class hn_pa_years(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.YEAR
    unit = "currency-CNY"
    end = "2020-12-31"
    label = "湖南2020 按缴费年限（每满1年，不满1年记为1年）"

    def formula_2020(person, period, parameters):
        p = parameters(period.start).pension_adjustment.hunan
        years = years_rounded_up(person("contribution_months", period))
        return person("hn_pa_in_scope", period) * years * p.per_year


class hn_pa_pct(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.YEAR
    unit = "currency-CNY"
    end = "2020-12-31"
    label = "湖南2020 按本人2019年12月基本养老金的1.5%"

    def formula_2020(person, period, parameters):
        p = parameters(period.start).pension_adjustment.hunan
        return person("hn_pa_in_scope", period) * person("pension_base", period) * p.rate


class hn_pa_age(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.YEAR
    unit = "currency-CNY"
    end = "2020-12-31"
    label = "湖南2020 高龄倾斜（70–79岁、80岁以上）"

    def formula_2020(person, period, parameters):
        p = parameters(period.start).pension_adjustment.hunan
        birth = person("birth_date", period)
        over_80 = turned_age_by(birth, int(p.age_80_from), p.age_cutoff)
        over_70 = turned_age_by(birth, int(p.age_70_from), p.age_cutoff)
        amount = np.where(over_80, p.age_80, np.where(over_70, p.age_70, 0.0))
        return person("hn_pa_in_scope", period) * amount


class hn_pa_hardship(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.YEAR
    unit = "currency-CNY"
    end = "2020-12-31"
    label = "湖南2020 艰苦边远地区倾斜"

    def formula_2020(person, period, parameters):
        p = parameters(period.start).pension_adjustment.hunan
        return person("hn_pa_in_scope", period) * person("in_hardship_area", period) * p.hardship


class pension_adjustment_hunan(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.YEAR
    unit = "currency-CNY"
    end = "2020-12-31"
    label = "湖南2020年退休人员月基本养老金增加额"

    def formula_2020(person, period, parameters):
        parts = ("hn_pa_flat", "hn_pa_years", "hn_pa_pct", "hn_pa_age", "hn_pa_hardship")
        return round_fen(sum(person(name, period) for name in parts))


# ---- 重庆 2021 ----


class cq_pa_in_scope(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.YEAR
    end = "2021-12-31"
    label = "重庆2021调整范围：2020年12月31日及以前已办理退休审批手续并按月领取基本养老金"

    def formula_2021(person, period, parameters):
        p = parameters(period.start).pension_adjustment.chongqing
        return person("retirement_date", period) <= to_date(p.retired_by)


class cq_pa_flat(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.YEAR
    unit = "currency-CNY"
    end = "2021-12-31"
    label = "重庆2021 定额调整"

    def formula_2021(person, period, parameters):
        p = parameters(period.start).pension_adjustment.chongqing
        return person("cq_pa_in_scope", period) * p.flat


class cq_pa_years(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.YEAR
    unit = "currency-CNY"
    end = "2021-12-31"
    label = "重庆2021 挂钩调整：缴费年限每满1年（不足1年按1年，低于15年按15年）"

    def formula_2021(person, period, parameters):
        p = parameters(period.start).pension_adjustment.chongqing
        years = np.maximum(years_rounded_up(person("contribution_months", period)), p.min_years)
        return person("cq_pa_in_scope", period) * years * p.per_year


class cq_pa_pct(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.YEAR
    unit = "currency-CNY"
    end = "2021-12-31"
    label = "重庆2021 挂钩调整：本人2020年12月基本养老金的0.7%（四舍五入保留两位小数）"

    def formula_2021(person, period, parameters):
        p = parameters(period.start).pension_adjustment.chongqing
        return person("cq_pa_in_scope", period) * round_fen(person("pension_base", period) * p.rate)


class cq_pa_revolution(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.YEAR
    unit = "currency-CNY"
    end = "2021-12-31"
    label = "重庆2021 企业：1953年年底及以前参加革命工作"

    def formula_2021(person, period, parameters):
        p = parameters(period.start).pension_adjustment.chongqing
        enterprise = person("pension_scheme", period) == PensionScheme.enterprise
        early = person("work_start_date", period) <= to_date(p.revolution_by)
        return person("cq_pa_in_scope", period) * enterprise * early * p.revolution


class cq_pa_hardship(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.YEAR
    unit = "currency-CNY"
    end = "2021-12-31"
    label = "重庆2021 艰苦边远地区（企业、机关事业单位各20元）"

    def formula_2021(person, period, parameters):
        p = parameters(period.start).pension_adjustment.chongqing
        enterprise = person("pension_scheme", period) == PensionScheme.enterprise
        amount = np.where(enterprise, p.hardship_enterprise, p.hardship_institution)
        return person("cq_pa_in_scope", period) * person("in_hardship_area", period) * amount


class cq_pa_early_retiree(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.YEAR
    unit = "currency-CNY"
    end = "2021-12-31"
    label = "重庆2021 企业：2005年12月31日前退休、缴费年限超过20年的部分每年3元"

    def formula_2021(person, period, parameters):
        p = parameters(period.start).pension_adjustment.chongqing
        enterprise = person("pension_scheme", period) == PensionScheme.enterprise
        early = person("retirement_date", period) <= to_date(p.early_retired_by)
        years = years_rounded_up(person("contribution_months", period))
        over = np.maximum(years - p.early_years_threshold, 0)
        return person("cq_pa_in_scope", period) * enterprise * early * over * p.early_per_year


class cq_pa_age75(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.YEAR
    unit = "currency-CNY"
    end = "2021-12-31"
    label = "重庆2021 机关事业单位：2020年12月31日及以前年满75周岁"

    def formula_2021(person, period, parameters):
        p = parameters(period.start).pension_adjustment.chongqing
        institution = person("pension_scheme", period) == PensionScheme.institution
        aged = turned_age_by(person("birth_date", period), int(p.age_75_from), p.age_cutoff)
        return person("cq_pa_in_scope", period) * institution * aged * p.age_75_institution


class pension_adjustment_chongqing(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.YEAR
    unit = "currency-CNY"
    end = "2021-12-31"
    label = "重庆2021年退休人员月基本养老金增加额"

    def formula_2021(person, period, parameters):
        parts = (
            "cq_pa_flat",
            "cq_pa_years",
            "cq_pa_pct",
            "cq_pa_revolution",
            "cq_pa_hardship",
            "cq_pa_early_retiree",
            "cq_pa_age75",
        )
        return round_fen(sum(person(name, period) for name in parts))


class pension_adjustment(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.YEAR
    unit = "currency-CNY"
    label = "退休人员月基本养老金增加额（按参保地该年调整通知）"

    def formula(person, period, parameters):
        region = person("region", period)
        hunan = np.where(region == Region.hunan, person("pension_adjustment_hunan", period), 0.0)
        return np.where(region == Region.chongqing, person("pension_adjustment_chongqing", period), hunan)
