"""工伤定期待遇调整: 湖南 2020 (湘人社规〔2020〕15号: 伤残津贴 +140 元 then topped up to the supplied 2020 minimum
wage; 供养亲属抚恤金 +56 元) and 重庆 2021 (渝人社发〔2021〕11号: 伤残津贴 +300/280/260/240 元 for grades 1–4, at least
+180 元 for grades 5–6 without work; 抚恤金 +120 元 for spouse, orphans and lone elderly, +100 元 for other kin)."""

from __future__ import annotations

from datetime import date

import numpy as np
from openfisca_core.indexed_enums import Enum
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Person
from kuaiban.rules.enums import Region
from kuaiban.rules.formulas import parameter_or_none, round_fen
from kuaiban.rules.variables.inputs import UNKNOWN_DATE

HUNAN = "work_injury_benefit_adjustment.r430000"
CHONGQING = "work_injury_benefit_adjustment.r500000"
REFERENCES = ("hn_wi_scope", "hn_wi_disability_increase", "hn_wi_survivor_scope", "hn_wi_survivor_increase",
              "hn_wi_pre2004", "hn_wi_pensioners_excluded", "cq_wi_date", "cq_wi_scope", "cq_wi_disability_increase",
              "cq_wi_survivor_increase", "cq_wi_grade_5_6")


class WorkInjuryBenefitKind(Enum):
    disability_allowance = "伤残津贴"
    disability_pension_before_2004 = "伤残抚恤金（2003年12月31日前发生的工伤）"
    survivor_pension = "供养亲属抚恤金"


class SurvivorRelation(Enum):
    spouse = "配偶"
    orphan = "孤儿"
    lone_elderly = "孤寡老人"
    other = "其他亲属"


class work_injury_benefit_kind(Variable):
    value_type = Enum
    possible_values = WorkInjuryBenefitKind
    default_value = WorkInjuryBenefitKind.disability_allowance
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "按月领取的工伤待遇项目"


class survivor_relation(Variable):
    value_type = Enum
    possible_values = SurvivorRelation
    default_value = SurvivorRelation.other
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "供养亲属与工亡职工的关系"


class disability_grade(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "伤残等级（一级为1 … 十级为10）"


class monthly_benefit_before(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "调整前的月待遇（元/月）"
    unit = "currency-CNY"


class benefit_start_date(Variable):
    value_type = date
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "开始享受该待遇的日期（供养亲属：认定因工死亡的日期）；未知时为 9999-12-31"
    default_value = UNKNOWN_DATE


class work_assigned(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "用人单位已安排工作（五、六级）"


class drawing_basic_pension(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "已享受基本养老保险待遇"


def _entitled_before(person, period, parameters, node: str) -> np.ndarray:
    year = parameter_or_none(parameters, period.start, f"{node}.entitled_before_year")
    if year is None:
        return np.zeros(person.count, dtype=bool)
    cutoff = np.datetime64(f"{int(year):04d}-01-01", "D")
    days = person("benefit_start_date", period)  # days since 1970: an integer comparison (a date here is never NaT)
    return days.view(np.int64) < cutoff.astype(np.int64) if days.dtype == cutoff.dtype else days < cutoff


def _close_kin(person, period) -> np.ndarray:
    return person("survivor_relation", period) != SurvivorRelation.other


def _survivor_increase(person, period, p):
    """配偶、孤儿、孤寡老人 or other kin: one amount when the two are the same (湖南's 56 元), no per-row choice."""
    if p.survivor_increase_close_kin == p.survivor_increase_other:
        return p.survivor_increase_close_kin
    return np.where(_close_kin(person, period), p.survivor_increase_close_kin, p.survivor_increase_other)


def _hunan(person, period, parameters) -> np.ndarray:
    """湘人社规〔2020〕15号: +140 (then the minimum-wage top-up) or +56; not for people drawing a pension."""
    if parameter_or_none(parameters, period.start, f"{HUNAN}.disability_increase") is None:
        return np.zeros(person.count)
    p = parameters(period.start).work_injury_benefit_adjustment.r430000
    kind = person("work_injury_benefit_kind", period)
    grade = person("disability_grade", period)
    before = person("monthly_benefit_before", period)
    survivor = kind == WorkInjuryBenefitKind.survivor_pension
    disability = ~survivor & (grade >= 1) & (grade <= 6)  # 伤残津贴 or 伤残抚恤金: the two other kinds
    raised = before + p.disability_increase
    topped = np.maximum(raised, person("local_minimum_wage", period)) if p.top_up_to_minimum_wage else raised
    survivor_increase = _survivor_increase(person, period, p)
    increase = np.where(disability, topped - before, np.where(survivor, survivor_increase, 0.0))
    entitled = _entitled_before(person, period, parameters, HUNAN) & ~person("drawing_basic_pension", period)
    return np.where(entitled, increase, 0.0)


def _chongqing(person, period, parameters) -> np.ndarray:
    """渝人社发〔2021〕11号: by grade 1–4; grades 5–6 without work at least 180; survivors 120 / 100."""
    if parameter_or_none(parameters, period.start, f"{CHONGQING}.unassigned_grade_5_6_minimum_increase") is None:
        return np.zeros(person.count)
    p = parameters(period.start).work_injury_benefit_adjustment.r500000
    kind = person("work_injury_benefit_kind", period)
    grade = person("disability_grade", period)
    # by grade through a table (grades 1–6; any other grade 0): one gather, not a comparison per grade
    by_grade_table = np.array([0.0, p.disability_increase_by_grade.grade_1, p.disability_increase_by_grade.grade_2,
                               p.disability_increase_by_grade.grade_3, p.disability_increase_by_grade.grade_4,
                               p.unassigned_grade_5_6_minimum_increase, p.unassigned_grade_5_6_minimum_increase, 0.0])
    by_grade = by_grade_table.take(np.clip(grade, 0, 7))
    by_grade = np.where((grade >= 5) & person("work_assigned", period), 0.0, by_grade)  # 5–6 given work: none
    survivor = _survivor_increase(person, period, p)
    increase = np.where(kind == WorkInjuryBenefitKind.disability_allowance, by_grade,
                        np.where(kind == WorkInjuryBenefitKind.survivor_pension, survivor, 0.0))
    return np.where(_entitled_before(person, period, parameters, CHONGQING), increase, 0.0)


class work_injury_benefit_increase(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "工伤定期待遇每月增加额（含湖南补足到最低工资标准的部分）"
    unit = "currency-CNY"
    reference = REFERENCES

    def formula(person, period, parameters):
        region = person("region", period)
        out = None
        for rows, amount in ((region == Region.hunan, _hunan), (region == Region.chongqing, _chongqing)):
            if not rows.any():  # a region's rule is worked out only where the simulation holds its rows
                continue
            value = amount(person, period, parameters)
            if rows.all():  # every row of one region (the usual simulation of a period): no selection
                return round_fen(value)
            out = np.where(rows, value, 0.0 if out is None else out)  # the regions are disjoint
        return np.zeros(person.count) if out is None else round_fen(out)


class work_injury_benefit_adjusted(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "调整后的月待遇（调整前待遇＋增加额；未调整的为0）"
    unit = "currency-CNY"
    reference = REFERENCES

    def formula(person, period, parameters):
        increase = person("work_injury_benefit_increase", period)
        return np.where(increase > 0, person("monthly_benefit_before", period) + increase, 0.0)


class work_injury_increase_is_minimum(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.MONTH
    label = "增加额为下限（重庆五、六级“每人每月增加额不得低于180元”）"
    reference = ("cq_wi_grade_5_6",)

    def formula(person, period, parameters):
        grade = person("disability_grade", period)
        return ((person("region", period) == Region.chongqing) & ((grade == 5) | (grade == 6))
                & (person("work_injury_benefit_increase", period) > 0))
