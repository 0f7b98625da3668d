"""Input variables of a person: identity, region, career and pension facts."""

from __future__ import annotations

from datetime import date

from openfisca_core.indexed_enums import Enum as EnumType
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Person
from kuaiban.rules.enums import EmploymentStatus, PensionScheme, Region

UNKNOWN_DATE = date(9999, 12, 31)


class region(Variable):
    value_type = EnumType
    possible_values = Region
    default_value = Region.unknown
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "参保地（省级统筹地区）"


class birth_date(Variable):
    value_type = date
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "出生日期"


class retirement_date(Variable):
    value_type = date
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "办理退休（含退职）手续的日期"
    default_value = UNKNOWN_DATE


class work_start_date(Variable):
    value_type = date
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "参加工作（参加革命工作）的日期；未知时为 9999-12-31"
    default_value = UNKNOWN_DATE


class contribution_months(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "缴费月数（含视同缴费年限，不含折算工龄）"


class pension_base(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "本人上年12月基本养老金（元/月）"
    unit = "currency-CNY"


class pension_scheme(Variable):
    value_type = EnumType
    possible_values = PensionScheme
    default_value = PensionScheme.enterprise
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "养老保险类别（企业/机关事业单位）"


class county(Variable):
    value_type = str
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "所在区县（行政区划代码或名称，用于艰苦边远地区名单）"


class monthly_wage(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "月工资（元/月）"
    unit = "currency-CNY"


class employment_status(Variable):
    value_type = EnumType
    possible_values = EmploymentStatus
    default_value = EmploymentStatus.employed
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "死亡时在职或退休"


class pension_months(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "已领取基本养老金的月数（退休人员）"


class base_income(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "死亡时本省上一年度城镇居民月人均可支配收入（元/月）"
    unit = "currency-CNY"


class personal_contributions(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "个人缴费之和（元）；未提供时为 -1"
    default_value = -1.0
    unit = "currency-CNY"


class death_date(Variable):
    value_type = date
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "死亡日期"


class benefit_month(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "领取失业保险金的第几个月（首月为1）"
    default_value = 1
