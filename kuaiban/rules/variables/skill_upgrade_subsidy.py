"""失业保险支持参保职工提升技能: who may claim 技能提升补贴 in 2021 (全国 人社部发〔2021〕29号 四; 重庆 渝人社发〔2021〕27号
三; once a calendar year from 2021-01-01, 渝人社办[2021]179号 二) and 学历/职称提升补贴 in 天津 2020 (津人社办发〔2020〕84号:
36 months, within 12 months of the certificate; a skill certificate there is refused by the spec, the skill rule
人社部发〔2019〕23号 not being in the compilations). The amounts are not printed: the answer is eligibility."""

from __future__ import annotations

from datetime import date

import numpy as np
from openfisca_core.indexed_enums import Enum
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Person
from kuaiban.rules.enums import Region
from kuaiban.rules.formulas import parameter_or_none, regional
from kuaiban.rules.variables.inputs import UNKNOWN_DATE
from kuaiban.rules.variables.unemployment_benefit_extensions import started_months_between

NODE = "skill_upgrade_subsidy"


class CertificateKind(Enum):
    skill = "职业资格证书或职业技能等级证书"
    education = "大学专科及以上学历证书"
    title = "对应职称的职业资格考试合格证书"


class certificate_kind(Variable):
    value_type = Enum
    possible_values = CertificateKind
    default_value = CertificateKind.skill
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "取得的证书"


class certificate_date(Variable):
    value_type = date
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "证书核发日期（只到月的按该月最后一天）；未知时为 9999-12-31"
    default_value = UNKNOWN_DATE


class ui_contribution_months(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "累计缴纳失业保险费月数"


class in_service_employee(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "在职参保职工"
    default_value = True


class skill_subsidy_claimed_this_year(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "本自然年度已享受过技能提升补贴"


class higher_level_subsidised(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "同一职业（工种）已享受过更高级别证书的补贴"


class skill_upgrade_qualifying_months(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "申领时累计缴纳失业保险费须满的月数（参保地有此规定时）"
    reference = ("nat_sus_2021", "cq_sus_2021", "tj_eus_conditions")

    def formula(person, period, parameters):
        national = parameter_or_none(parameters, period.start, f"{NODE}.qualifying_months.national")
        by_province = regional(person, period, parameters, f"{NODE}.qualifying_months")
        national_value = np.nan if national is None else national
        return np.where(np.isnan(by_province), national_value, by_province)


class skill_upgrade_subsidy_eligible(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.MONTH
    label = "本月可以申领（技能提升补贴；天津为学历或职称提升补贴）"
    reference = ("nat_sus_2021", "cq_sus_2021", "cq_sus_179_count", "tj_eus_conditions", "tj_eus_term")

    def formula(person, period, parameters):
        months = person("skill_upgrade_qualifying_months", period)
        enough = ~np.isnan(months) & (person("ui_contribution_months", period) >= np.nan_to_num(months, nan=0.0))
        region = person("region", period)
        kind = person("certificate_kind", period)
        window_param = parameter_or_none(parameters, period.start, f"{NODE}.r120000.claim_window_months")
        tianjin = (region == Region.tianjin) & (window_param is not None)
        # 天津 2020: 学历或职称证书, claimed within 12 months of the certificate (a month counts when its first day
        # is still inside the window); elsewhere: 技能证书
        window = window_param or 0
        month_start = np.datetime64(str(period.start), "D")
        month_end = np.datetime64(str(period.stop), "D")
        since_certificate = started_months_between(person("certificate_date", period),
                                                   np.full(person.count, month_start))
        in_window = (person("certificate_date", period) <= month_end) & (since_certificate <= window)
        tianjin_ok = (kind != CertificateKind.skill) & in_window
        skill_ok = kind == CertificateKind.skill
        once = parameter_or_none(parameters, period.start, f"{NODE}.r500000.claims_per_year") is not None
        chongqing_limits = (region == Region.chongqing) & (
            (once & person("skill_subsidy_claimed_this_year", period)) | person("higher_level_subsidised", period))
        return (enough & person("in_service_employee", period) & np.where(tianjin, tianjin_ok, skill_ok)
                & ~chongqing_limits)
