"""城乡居民养老保险代缴 for people who cannot pay: 湖南 the 100 元 tier in full for the severely disabled and the like,
part or all of it for other hardship groups (湘政发〔2020〕19号 四（三）3); 重庆 the lowest tier in full for 特困 and
重度残疾, at least 70 % of it for the other groups (渝人社发〔2021〕39号 一; the tier is a required input)."""

from __future__ import annotations

import numpy as np
from openfisca_core.indexed_enums import Enum
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Person
from kuaiban.rules.enums import Region
from kuaiban.rules.formulas import parameter_or_none


class ProxyGroup(Enum):
    severe = "特别困难群体（重度残疾人、特困人员等）"
    other = "其他缴费困难群体（低保对象、返贫致贫人口等）"
    none = "不属于代缴对象"


class proxy_group(Variable):
    value_type = Enum
    possible_values = ProxyGroup
    default_value = ProxyGroup.none
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "代缴对象类别"


class lowest_tier(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "（重庆）城乡居民养老保险最低缴费档次标准（元/年；官方数字，汇编未载）"
    unit = "currency-CNY"


class residents_contribution_proxy(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "政府代缴的城乡居民养老保险费（元/年）"
    unit = "currency-CNY"
    reference = ("hn_rp_proxy", "cq_rp_proxy", "cq_rp_proxy_groups")

    def formula(person, period, parameters):
        region = person("region", period)
        group = person("proxy_group", period)
        hunan_tier = parameter_or_none(parameters, period.start, "residents_contribution_proxy.r430000.tier")
        hunan = np.where((region == Region.hunan) & (group != ProxyGroup.none), hunan_tier or 0.0, 0.0)
        full = parameter_or_none(parameters, period.start, "residents_contribution_proxy.r500000.full_share")
        chongqing = np.zeros(person.count)
        if full is not None:
            other = parameters(period.start).residents_contribution_proxy.r500000.other_minimum_share
            share = np.select([group == ProxyGroup.severe, group == ProxyGroup.other], [full, other], 0.0)
            chongqing = np.where(region == Region.chongqing, share * person("lowest_tier", period), 0.0)
        return hunan + chongqing


class residents_contribution_proxy_is_ceiling(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.MONTH
    label = "答案为上限（湖南其他缴费困难群体“部分或全部补贴”）"
    reference = ("hn_rp_proxy",)

    def formula(person, period, parameters):
        return ((person("region", period) == Region.hunan) & (person("proxy_group", period) == ProxyGroup.other)
                & (person("residents_contribution_proxy", period) > 0))


class residents_contribution_proxy_is_minimum(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.MONTH
    label = "答案为下限（重庆其余代缴对象“不低于最低档次标准的70%”）"
    reference = ("cq_rp_proxy",)

    def formula(person, period, parameters):
        return ((person("region", period) == Region.chongqing) & (person("proxy_group", period) == ProxyGroup.other)
                & (person("residents_contribution_proxy", period) > 0))
