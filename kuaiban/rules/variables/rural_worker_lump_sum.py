"""农民合同制工人一次性生活补助 = monthly standard × months. 北京: the standard 1,652 元 from 2020-07
(京人社发[2020]8号 二) × the months the user supplies (set by 《北京市失业保险规定》, not printed in the compilation).
山东: the standard is the local 失业保险金, one month per full year of contributions, at most 24 months together with
any 失业保险金 after conversion to an urban contract (鲁人社函〔2020〕41号 三). The months earlier claims received
(``earlier_lump_sum_months``) come off what the cumulative contribution time and the 24 months allow: the 期限
最长不超过24个月 counts across claims, and the time already counted is not counted again (41号 prints “领取期限不核减参保
缴费年限” only for 失业补助金 and 临时生活补助: a reading, docs/programs.md)."""

from __future__ import annotations

import numpy as np
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Person
from kuaiban.rules.enums import Region
from kuaiban.rules.formulas import MONTHS_PER_YEAR, parameter_or_none

SHANDONG = "rural_worker_lump_sum.r370000"


class continuous_work_months(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "在参保单位连续工作的月数"
    unit = "month"


class unemployment_benefit_months(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "转招为城镇合同制工人后享受失业保险金的月数"
    unit = "month"


class earlier_lump_sum_months(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "此前已领取的一次性生活补助金月数（山东：领取期限最长24个月，累计计算）"
    unit = "month"


class rural_lump_sum_official_months(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "（北京）一次性生活补助费领取月数：按《北京市失业保险规定》确定，汇编未载，由使用者提供"
    unit = "month"


class rural_worker_lump_sum_standard(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "农民合同制工人一次性生活补助月标准：北京为京人社发[2020]8号的标准，山东为当地失业保险金月标准"
    unit = "currency-CNY"
    reference = ("bj_rural_lump_sum", "bj_ub_in_force", "sd_rural_lump_sum_amount", "sd_ub_90_2020_07")

    def formula(person, period, parameters):
        region = person("region", period)
        beijing = parameter_or_none(parameters, period.start, "rural_worker_lump_sum.r110000.standard")
        shandong_in_force = parameter_or_none(parameters, period.start, f"{SHANDONG}.max_months") is not None
        eligible = person("rural_worker_lump_sum_eligible", period)
        shandong = np.where(shandong_in_force, person("unemployment_benefit", period), 0.0)
        by_region = np.where(region == Region.beijing, beijing or 0.0,
                             np.where(region == Region.shandong, shandong, 0.0))
        return np.where(eligible, by_region, 0.0)


class rural_worker_lump_sum_eligible(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.MONTH
    label = "属于农民合同制工人一次性生活补助的对象（山东另须连续工作满1年）"
    reference = ("nat_rural_lump_sum", "sd_rural_lump_sum_conditions")

    def formula(person, period, parameters):
        region = person("region", period)
        qualifying = parameter_or_none(parameters, period.start, f"{SHANDONG}.qualifying_months")
        shandong_ok = (qualifying is not None) & (person("continuous_work_months", period) >= (qualifying or 0))
        return person("rural_contract_worker", period) & ((region == Region.beijing) | ((region == Region.shandong)
                                                                                       & shandong_ok))


class rural_worker_lump_sum_months(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.MONTH
    label = ("一次性生活补助金月数（山东：每满1年1个月，与失业保险金合计最长24个月，减去此前已领取的月数；"
             "北京：使用者提供的月数）")
    unit = "month"
    reference = ("sd_rural_lump_sum_amount", "sd_rural_lump_sum_combined", "bj_rural_lump_sum")

    def formula(person, period, parameters):
        region = person("region", period)
        eligible = person("rural_worker_lump_sum_eligible", period)
        beijing = np.where((region == Region.beijing) & eligible, person("rural_lump_sum_official_months", period), 0)
        max_months = parameter_or_none(parameters, period.start, f"{SHANDONG}.max_months")
        if max_months is None:
            return beijing
        per_year = parameters(period.start).rural_worker_lump_sum.r370000.months_per_full_year
        by_years = person("contribution_months", period) // MONTHS_PER_YEAR * per_year
        room = np.maximum(max_months - person("unemployment_benefit_months", period), 0)
        # the months earlier claims received come off what the cumulative time and the 24 months allow
        left = np.maximum(np.minimum(by_years, room) - person("earlier_lump_sum_months", period), 0)
        shandong = (region == Region.shandong) & eligible
        return np.where(shandong, left, beijing)


class rural_worker_lump_sum(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "农民合同制工人一次性生活补助金合计＝月标准×月数（北京的月数由使用者提供）"
    unit = "currency-CNY"
    reference = ("bj_rural_lump_sum", "sd_rural_lump_sum_amount", "sd_rural_lump_sum_combined")

    def formula(person, period, parameters):
        return person("rural_worker_lump_sum_standard", period) * person("rural_worker_lump_sum_months", period)
