"""以工代训职业培训补贴: one month's subsidy to an enterprise (湖南 2020–2021, 山东 2020–2021).

The OpenFisca period is the application day (申领日期): the rules in force then decide, because 鲁人社函
〔2020〕78号 lets enterprises claim again under its higher caps and lower distress thresholds for months
already trained (四（五）“可按本通知规定申请补领”). The month trained is an input: 山东's distress test
depends on it. One call = one month of one kind (78号 三、四（三）: claims are monthly, one kind a month).

山东 also has the standing 以工代训 of 鲁人社字〔2020〕55号 第七条 (2020-05-21 to 2021-12-31): 生产经营主体 hiring
贫困劳动力, 参保企业 hiring 就业困难人员 or 零就业家庭成员, monthly for at most 6 months, at a standard each 设区的市 sets.
The standard is not printed, so it is the user's input (`wfts_city_standard`); the kind is `city_standard`.
"""

from __future__ import annotations

from datetime import date

import numpy as np
from openfisca_core.indexed_enums import Enum
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Enterprise
from kuaiban.rules.enums import EnterpriseSize
from kuaiban.rules.formulas import to_date
from kuaiban.rules.region_keys import optional, province_of, regional_nodes

CALCULATOR = "work_for_training_subsidy"
SME = [EnterpriseSize.micro.index, EnterpriseSize.small.index, EnterpriseSize.medium.index]
ENTERPRISES = [*SME, EnterpriseSize.large.index]
REFS_HN = ("hn_wfts_standard", "hn_wfts_poverty", "hn_wfts_city_period", "hn_wfts_validity")
REFS_SD = ("sd_wfts_hiring", "sd_wfts_distressed", "sd_wfts_monthly", "sd_wfts_78_hiring", "sd_wfts_78_distressed",
           "sd_wfts_78_large", "sd_wfts_78_test_early", "sd_wfts_78_test_late", "sd_wfts_78_one_kind",
           "sd_wfts_78_period", "sd_wfts_55", "sd_wfts_55_term")


class WorkForTrainingKind(Enum):
    hiring = "新吸纳就业以工代训"
    distressed = "受疫情影响困难企业以工代训"
    city_standard = "吸纳贫困劳动力、就业困难人员、零就业家庭成员以工代训（设区的市确定标准）"


class work_for_training_kind(Variable):
    value_type = Enum
    possible_values = WorkForTrainingKind
    default_value = WorkForTrainingKind.hiring
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "以工代训补贴种类（一个月只能申请一种）"
    reference = ("sd_wfts_78_one_kind",)


class hard_hit_sector(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "属外贸、住宿餐饮、文化旅游、交通运输、批发零售行业企业"
    reference = ("sd_wfts_hiring", "sd_wfts_78_large")


class training_month(Variable):
    value_type = date
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "以工代训的月份（该月第一天；该月内政策有变化的，填写的具体日期）"


class wfts_trainees(Variable):
    value_type = int
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "当月符合条件的以工代训人数（吸纳人数）"


class wfts_months_used(Variable):
    value_type = int
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "此前已享受以工代训补贴的月数（湖南和山东市定标准的按人员，山东63号、78号的按企业）"


class wfts_city_period_months(Variable):
    value_type = int
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "市州确定的以工代训补贴期限（月；湖南，0 为未提供）"
    reference = ("hn_wfts_city_period",)


class wfts_city_standard(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "设区的市确定的以工代训补贴标准（元/人·月，山东 鲁人社字〔2020〕55号 第七条；官方数字）"
    reference = ("sd_wfts_55",)


class wfts_poverty_hires(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "吸纳的是贫困劳动力（否：就业困难人员、零就业家庭成员）"
    reference = ("sd_wfts_55",)


class wfts_received(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "政策执行期内已获得的困难企业以工代训补贴（元）"


class revenue_drop(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "当月营业收入较2019年月平均值下降比例（0.5 为下降50%）"


class energy_drop(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "当月电费或其他能源消耗量较2019年月平均值下降比例（取较大者）"


def _per_region(enterprise, period, parameters, compute, default):
    """`compute(node, here)` for each region in force at the application day, merged into one array."""
    province = province_of(enterprise("enterprise_region_code", period))
    out = np.full(enterprise.count, default)
    for code, node in regional_nodes(parameters, period.start, CALCULATOR, "standard"):
        here = province == code
        if here.any():
            out = np.where(here, compute(node, here), out)
    return out


def _city_kind(enterprise, period) -> np.ndarray:
    return enterprise("work_for_training_kind", period) == WorkForTrainingKind.city_standard


def _city_route(enterprise, period, parameters, compute, out):
    """`out` with the rows of the city-standard kind replaced by `compute(route, rows)` where their province has a
    route in force at the application day (山东 55号 第七条)."""
    city = _city_kind(enterprise, period)
    if not city.any():
        return out
    province = province_of(enterprise("enterprise_region_code", period))
    for code, node in regional_nodes(parameters, period.start, CALCULATOR, "city_route.max_months"):
        rows = city & (province == code)
        if rows.any():
            out = np.where(rows, compute(node.city_route, rows), out)
    return out


def _day(period) -> np.datetime64:
    return np.datetime64(period.start.date, "D")


class work_for_training_subsidy_standard(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "以工代训补贴标准（元/人·月）；0 为申领日无规定"
    reference = REFS_HN + REFS_SD

    def formula_2020_02_21(enterprise, period, parameters):
        standard = _per_region(enterprise, period, parameters, lambda node, here: node.standard, 0.0)
        standard = np.where(_city_kind(enterprise, period), 0.0, standard)  # not the 500 of 63号/78号 or 湖南
        city = enterprise("wfts_city_standard", period)
        return _city_route(enterprise, period, parameters, lambda route, rows: city, standard)


class work_for_training_subsidy_period(Variable):
    value_type = int
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "适用的补贴期限（月）：文件规定的最长期限，湖南市州确定的期限更短的按其期限"
    reference = ("hn_wfts_standard", "hn_wfts_city_period", "sd_wfts_78_one_kind")

    def formula_2020_02_21(enterprise, period, parameters):
        city = enterprise("wfts_city_period_months", period)

        def months(node, here):
            longest = int(node.max_months)
            if optional(node, "city_sets_period", False):
                return np.where(city > 0, np.minimum(city, longest), longest)
            return np.full(enterprise.count, longest)

        longest = _per_region(enterprise, period, parameters, months, 0)
        longest = np.where(_city_kind(enterprise, period), 0, longest)
        return _city_route(enterprise, period, parameters, lambda route, rows: int(route.max_months), longest)


class work_for_training_subsidy_period_is_ceiling(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "期限由市州确定但未提供：按最长期限计算，结果为上限"
    reference = ("hn_wfts_city_period",)

    def formula_2020_02_21(enterprise, period, parameters):
        missing = enterprise("wfts_city_period_months", period) <= 0
        ceiling = _per_region(enterprise, period, parameters,
                              lambda node, here: missing & bool(optional(node, "city_sets_period", False)), False)
        return ceiling & ~_city_kind(enterprise, period)


class work_for_training_subsidy_distress_test(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "困难企业认定（营业收入或能源消耗下降达到当月适用的比例）"
    reference = ("sd_wfts_distressed", "sd_wfts_78_test_early", "sd_wfts_78_test_late")

    def formula_2020_02_21(enterprise, period, parameters):
        month = enterprise("training_month", period).astype("datetime64[D]")
        revenue = enterprise("revenue_drop", period)
        energy = enterprise("energy_drop", period)

        def passes(node, here):
            test = optional(node, "distress_test", None)
            if test is None or not optional(node, "distressed_kind", False):
                return np.zeros(enterprise.count, dtype=bool)
            late = month >= to_date(test.later_from)
            revenue_line = np.where(late, test.revenue_late, test.revenue_early)
            energy_line = np.where(late, test.energy_late, test.energy_early)
            return (revenue >= revenue_line) | (energy >= energy_line)

        return _per_region(enterprise, period, parameters, passes, False)


class work_for_training_subsidy_month_due(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "以工代训的月份已开始（不晚于申领日期）：补贴按月、先训后补"
    reference = ("hn_wfts_standard", "sd_wfts_monthly", "sd_wfts_78_monthly")

    def formula_2020_02_21(enterprise, period, parameters):
        # the month, not a day given within it, against the application day (a May day trained after a May claim
        # is still a month already begun)
        month = enterprise("training_month", period).astype("datetime64[M]").astype("datetime64[D]")
        return month <= _day(period)


class work_for_training_subsidy_month_in_period(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "以工代训的月份在政策执行期内（山东：2020年1月至12月，市定标准的自55号施行至2021年12月；湖南无此限）"
    reference = ("sd_wfts_78_hiring", "sd_wfts_78_period", "sd_wfts_55_term")

    def formula_2020_02_21(enterprise, period, parameters):
        month = enterprise("training_month", period).astype("datetime64[D]")

        def inside(node, here):
            start, end = optional(node, "training_from", None), optional(node, "training_until", None)
            if start is None:
                return np.ones(enterprise.count, dtype=bool)
            return (month >= to_date(start)) & (month <= to_date(end))

        within = _per_region(enterprise, period, parameters, inside, False)
        return _city_route(enterprise, period, parameters, inside, within)


class work_for_training_subsidy_size_ok(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = ("单位类型符合（山东：中小微企业，五类行业含大型企业；山东市定标准：吸纳贫困劳动力的生产经营主体、吸纳就业困难"
             "人员和零就业家庭成员的企业；湖南：机关事业单位以外）")
    reference = ("hn_wfts_standard", "hn_wfts_poverty", "sd_wfts_hiring", "sd_wfts_distressed", "sd_wfts_78_hiring",
                 "sd_wfts_78_distressed", "sd_wfts_78_large", "sd_wfts_55")

    def formula_2020_02_21(enterprise, period, parameters):
        size = enterprise("enterprise_size", period)
        sme = np.isin(size, SME)
        large_hard_hit = (size == EnterpriseSize.large) & enterprise("hard_hit_sector", period)

        def fits(node, here):
            if optional(node, "sme_only_except_hard_hit", False):
                return sme | large_hard_hit
            return size != EnterpriseSize.public_institution

        def city_fits(route, rows):
            # 生产经营主体 hiring 贫困劳动力; only 参保企业 hiring 就业困难人员、零就业家庭成员
            producer = size != EnterpriseSize.public_institution
            return producer & (np.isin(size, ENTERPRISES) | enterprise("wfts_poverty_hires", period))

        fitting = _per_region(enterprise, period, parameters, fits, False)
        return _city_route(enterprise, period, parameters, city_fits, fitting)


class work_for_training_subsidy_months_left(Variable):
    value_type = int
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "补贴期限内尚余的月数（期限减此前已享受的月数，不小于0）"
    reference = ("hn_wfts_standard", "hn_wfts_city_period", "sd_wfts_hiring", "sd_wfts_78_one_kind")

    def formula_2020_02_21(enterprise, period, parameters):
        left = enterprise("work_for_training_subsidy_period", period) - enterprise("wfts_months_used", period)
        return np.maximum(left, 0)


class work_for_training_subsidy_eligible(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "本月可获以工代训补贴（地区、月份、企业类型、种类与困难认定、剩余期限）"
    reference = REFS_HN + REFS_SD

    def formula_2020_02_21(enterprise, period, parameters):
        distressed = enterprise("work_for_training_kind", period) == WorkForTrainingKind.distressed
        tested = enterprise("work_for_training_subsidy_distress_test", period)
        # (& not &=: the arrays are the simulation's cached values of those variables)
        ok = (enterprise("work_for_training_subsidy_month_due", period)
              & enterprise("work_for_training_subsidy_month_in_period", period)
              & enterprise("work_for_training_subsidy_size_ok", period)
              & (enterprise("work_for_training_subsidy_months_left", period) > 0))

        def kind_ok(node, here):
            return ~distressed | (bool(optional(node, "distressed_kind", False)) & tested)

        # the city-standard kind: only where a province has that route at the application day
        kinds = np.where(_city_kind(enterprise, period), False, _per_region(enterprise, period, parameters, kind_ok, False))
        kinds = _city_route(enterprise, period, parameters, lambda route, rows: True, kinds)
        return ok & kinds


class work_for_training_subsidy_cap_left(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "困难企业以工代训在政策执行期内剩余的最高补贴额（元）；无此上限为 -1"
    reference = ("sd_wfts_distressed", "sd_wfts_78_distressed", "sd_wfts_78_large")

    def formula_2020_02_21(enterprise, period, parameters):
        distressed = enterprise("work_for_training_kind", period) == WorkForTrainingKind.distressed
        sme = np.isin(enterprise("enterprise_size", period), SME)
        received = enterprise("wfts_received", period)

        def left(node, here):
            sme_cap = optional(node, "distressed_cap_sme", None)
            if sme_cap is None:
                return np.full(enterprise.count, -1.0)
            cap = np.where(sme, sme_cap, node.distressed_cap_large)
            return np.where(distressed, np.maximum(cap - received, 0.0), -1.0)

        return _per_region(enterprise, period, parameters, left, -1.0)


class work_for_training_subsidy(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "以工代训职业培训补贴（当月）"
    unit = "currency-CNY"
    reference = REFS_HN + REFS_SD

    def formula_2020_02_21(enterprise, period, parameters):
        gross = enterprise("wfts_trainees", period) * enterprise("work_for_training_subsidy_standard", period)
        cap_left = enterprise("work_for_training_subsidy_cap_left", period)
        capped = np.where(cap_left >= 0, np.minimum(gross, cap_left), gross)
        return np.where(enterprise("work_for_training_subsidy_eligible", period), capped, 0.0)
