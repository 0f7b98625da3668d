"""失业补助金: 北京 2020 fixed standards (京人社发[2020]8号 一) and the national ceiling of 80 % of the local
失业保险金 (人社部发〔2020〕40号 三, restated by 湘/鄂/鲁; continued for 2021 by 人社部发〔2021〕29号 六); for a poor
worker (贫困劳动力) made unemployed by the epidemic, 2020: not above the local 失业保险金 itself (人社部发〔2020〕12号 七,
鲁人社字〔2020〕41号 一（八）)."""

from __future__ import annotations

import numpy as np
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Person
from kuaiban.rules.enums import Region
from kuaiban.rules.formulas import parameter_or_none, to_date

# 人社部发〔2021〕29号 六：保障范围为2021年1月1日之后新发生的参保失业人员
COVERED_FROM_2021 = to_date("2021-01-01")
REFERENCES_NATIONAL = ("nat_us_2020", "nat_us_stop", "hn_us_2020", "hb_us_2020", "sd_us_standard", "sd_us_once",
                       "nat_us_2021", "nat_2021_deadline", "nat_us_poverty", "sd_us_poverty")


def _beijing_2020(person, period, parameters):
    """True where 京人社发[2020]8号's fixed standards apply (Beijing, claimed 2020-03…12)."""
    node = parameter_or_none(parameters, period.start, "unemployment_subsidy.r110000.amount_insured_full_year")
    return (person("region", period) == Region.beijing) & (node is not None)


def _eligible(person, period, parameters):
    """The conditions common to 2020 and 2021: claim month in force, target group, once only, not concurrent."""
    qualifying = parameter_or_none(parameters, period.start, "unemployment_subsidy.benefit_qualifying_months")
    if qualifying is None:
        return np.zeros(person.count, dtype=bool)
    months = person("contribution_months", period)
    not_entitled_to_benefit = (months < qualifying) | person("left_job_voluntarily", period)
    target = person("unemployment_benefit_exhausted", period) | not_entitled_to_benefit
    # “参保失业人员” (40号 三)、“在京参保缴费不足1年” (京 一（一）): no month paid is not insured at all
    insured = months > 0
    return (target & insured & ~person("unemployment_subsidy_received_before", period)
            & ~person("drawing_unemployment_benefit", period) & ~person("stop_condition_met", period))


class unemployment_subsidy_eligible(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.MONTH
    label = "可以申领失业补助金（申领月份在执行期内、属于适用对象、未领过、未同时领失业保险金、无停发情形）"
    reference = ("bj_us_conditions", "bj_us_once", "bj_us_not_concurrent", *REFERENCES_NATIONAL)

    def formula_2020_03(person, period, parameters):
        return _eligible(person, period, parameters)

    def formula_2021_01(person, period, parameters):
        newly_unemployed = person("unemployment_start_date", period) >= COVERED_FROM_2021
        return _eligible(person, period, parameters) & newly_unemployed


class unemployed_poor_labour(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "受疫情影响失业的参保贫困劳动力"


def _share_ceiling(person, period, parameters) -> np.ndarray:
    """The ceiling as a share of the local 失业保险金: 80 % (40号 三), or the whole standard for a poor worker
    made unemployed by the epidemic (人社部发〔2020〕12号 七 “按照不高于当地失业保险金标准”; 鲁 41号 一（八）)."""
    share = parameter_or_none(parameters, period.start, "unemployment_subsidy.share_ceiling") or 0.0
    poverty = parameter_or_none(parameters, period.start, "unemployment_subsidy.poverty_share_ceiling")
    if poverty is None:
        return np.full(person.count, share)
    return np.where(person("unemployed_poor_labour", period), poverty, share)


class unemployment_subsidy_share_ceiling(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "失业补助金标准不超过当地失业保险金的比例"
    reference = ("nat_us_2020", "nat_us_poverty", "sd_us_poverty", "nat_us_2021")

    def formula_2020_03(person, period, parameters):
        return _share_ceiling(person, period, parameters)


class unemployment_subsidy_is_ceiling(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.MONTH
    label = "答案为上限（“不超过当地失业保险金的80%”，具体标准由统筹地区确定）"
    reference = ("nat_us_2020", "sd_us_standard")

    def formula(person, period, parameters):
        return person("unemployment_subsidy_eligible", period) & ~_beijing_2020(person, period, parameters)


class unemployment_subsidy(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "失业补助金月标准（北京2020年为定额；其他为不超过当地失业保险金80%的上限，受疫情影响失业的参保贫困劳动力为不高于当地失业保险金标准）"
    unit = "currency-CNY"
    reference = ("bj_us_amount", *REFERENCES_NATIONAL)

    def formula_2020_03(person, period, parameters):
        eligible = person("unemployment_subsidy_eligible", period)
        beijing = _beijing_2020(person, period, parameters)
        amount = person("unemployment_subsidy_share_ceiling", period) * person("local_unemployment_benefit", period)
        if beijing.any():  # Beijing's fixed standards replace the ceiling (no pass over the rows otherwise)
            bj = parameters(period.start).unemployment_subsidy.r110000
            full_year = person("contribution_months", period) >= bj.full_year_months
            amount = np.where(beijing, np.where(full_year, bj.amount_insured_full_year, bj.amount_insured_under_a_year),
                              amount)
        return np.where(eligible, amount, 0.0)


class unemployment_subsidy_months(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.MONTH
    label = "失业补助金领取月数（最长）"
    unit = "month"
    reference = ("bj_us_amount", "nat_us_2020", "sd_us_standard", "nat_us_2021")

    def formula_2020_03(person, period, parameters):
        months = parameter_or_none(parameters, period.start, "unemployment_subsidy.months") or 0
        return np.where(person("unemployment_subsidy_eligible", period), months, 0)


class unemployment_subsidy_total(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "失业补助金合计（月标准×领取月数；月标准为上限时合计亦为上限）"
    unit = "currency-CNY"
    reference = ("bj_us_amount", "nat_us_2020")

    def formula(person, period, parameters):
        return person("unemployment_subsidy", period) * person("unemployment_subsidy_months", period)


class unemployment_insurance_transfer_on_hold(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.MONTH
    label = "领取失业补助金期间不办理失业保险关系转出（转入）"
    reference = ("bj_us_once", "sd_us_once", "bj_us_period")

    def formula_2020_03(person, period, parameters):
        # 山东：申请人承诺同意停发并在转入地不再申领的，可按规定办理转移
        region = person("region", period)
        waived = (region == Region.shandong) & person("commits_to_stop_subsidy", period)
        listed = (region == Region.beijing) | (region == Region.shandong)
        return person("unemployment_subsidy_eligible", period) & listed & ~waived

    def formula_2021_01(person, period, parameters):
        # 京人社发[2020]8号 一（五） and 鲁人社函〔2020〕41号 二（二） run for claims of 2020 only; 人社部发〔2021〕29号 六
        # says nothing of transfers
        return np.zeros(person.count, dtype=bool)


class commits_to_stop_subsidy(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "（山东）因异地就业等申请转移，承诺同意停发并在转入地不再申领失业补助金"
