"""丧葬费 / 丧葬补助金 at a death: 湖南 staff of government bodies and public institutions (湘人社规〔2020〕9号 三:
7,000 元 illness, 9,000 元 duty) and 重庆 grade 1–4 enterprise work-injury retirees of the old scheme (渝人社发〔2021〕5号:
6 months of the in-post average wage, and 24 months as 抚恤金 under option (二)). The period is the day of death (a rule dated within a month applies from that day)."""

from __future__ import annotations

from datetime import date

import numpy as np
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Person
from kuaiban.rules.enums import Region
from kuaiban.rules.formulas import parameter_or_none, to_date
from kuaiban.rules.variables.inputs import UNKNOWN_DATE

HUNAN = "funeral_grant.r430000"
CHONGQING = "funeral_grant.r500000"


class public_institution_staff(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "机关事业单位工作人员"


class injury_date(Variable):
    value_type = date
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "受伤（或诊断、鉴定为职业病）日期；未知时为 9999-12-31"
    default_value = UNKNOWN_DATE


class work_injury_retirement_date(Variable):
    value_type = date
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "按国发〔1978〕104号文件办理工伤退休的日期；未知时为 9999-12-31"
    default_value = UNKNOWN_DATE


class lump_sum_pension_chosen(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "近亲属选择第（二）种待遇（丧葬补助金＋24个月抚恤金），否则第（一）种（供养亲属抚恤金按《工伤保险条例》）"


class average_monthly_wage(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "死亡当年度计发企业职工养老保险待遇适用的在岗职工月平均工资（元/月；汇编未载的年度须提供）"
    unit = "currency-CNY"


class chongqing_old_work_injury_retiree(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.DAY
    label = "重庆企业一至四级老工伤退休人员，2019年6月26日（含）以后死亡（渝人社发〔2021〕5号 一）"
    reference = ("cq_wir_scope",)

    def formula(person, period, parameters):
        # 渝人社发〔2021〕5号 一：1996年10月1日(不含)以前受伤；一至四级；2004年1月1日以前(不含)办理了工伤退休
        if parameter_or_none(parameters, period.start, f"{CHONGQING}.funeral_months") is None:
            return np.zeros(person.count, dtype=bool)
        p = parameters(period.start).funeral_grant.r500000
        grade = person("disability_grade", period)
        return ((person("region", period) == Region.chongqing)
                & (person("injury_date", period) < to_date(p.injured_before))
                & (((grade >= 1) & (grade <= p.highest_grade)) | person("fully_disabled", period))
                & (person("work_injury_retirement_date", period) < to_date(p.retired_before)))


class funeral_wage_base(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.DAY
    label = "计算丧葬补助金的在岗职工月平均工资（2021年为汇编所载计发基数，其他年度为提供的数字）"
    unit = "currency-CNY"
    reference = ("cq_wir_wage", "cq_2021_base")

    def formula(person, period, parameters):
        printed = parameter_or_none(parameters, period.start, f"{CHONGQING}.average_monthly_wage")
        supplied = person("average_monthly_wage", period)
        return np.full(person.count, printed) if printed is not None else supplied


class funeral_grant(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.DAY
    label = "丧葬费（湖南机关事业单位）或丧葬补助金（重庆老工伤退休人员）"
    unit = "currency-CNY"
    reference = ("hn_funeral", "hn_sha_work_injury_scope", "cq_wir_scope", "cq_wir_options", "cq_wir_wage",
                 "cq_2021_base")

    def formula(person, period, parameters):
        hunan = np.zeros(person.count)
        if parameter_or_none(parameters, period.start, f"{HUNAN}.illness") is not None:
            p = parameters(period.start).funeral_grant.r430000
            staff = ((person("region", period) == Region.hunan) & person("public_institution_staff", period)
                     & ~person("covered_by_work_injury_insurance", period))
            hunan = np.where(staff, np.where(person("death_on_duty", period), p.duty, p.illness), 0.0)
        chongqing = np.zeros(person.count)
        months = parameter_or_none(parameters, period.start, f"{CHONGQING}.funeral_months")
        if months is not None:
            chongqing = np.where(person("chongqing_old_work_injury_retiree", period),
                                 months * person("funeral_wage_base", period), 0.0)
        return hunan + chongqing


class work_injury_retiree_lump_sum_pension(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.DAY
    label = "抚恤金（重庆老工伤退休人员近亲属选择第（二）种待遇时，24个月在岗职工月平均工资）"
    unit = "currency-CNY"
    reference = ("cq_wir_options", "cq_wir_no_other")

    def formula(person, period, parameters):
        months = parameter_or_none(parameters, period.start, f"{CHONGQING}.lump_sum_pension_months")
        if months is None:
            return np.zeros(person.count)
        chosen = person("chongqing_old_work_injury_retiree", period) & person("lump_sum_pension_chosen", period)
        return np.where(chosen, months * person("funeral_wage_base", period), 0.0)
