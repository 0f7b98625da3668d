"""婚假、产假、护理假、育儿假 (重庆, from 2021-11-25). The national 产假 (国家规定产假) the 80 extra days add to is
not printed in the compilations: an input. The text prints the 育儿假 pay floor as “四分之七十五”; we read it as
75 % (七十五 per hundred) of the basic wage before the leave, and at least the local minimum wage (input).
"""

from __future__ import annotations

from datetime import date

import numpy as np
from openfisca_core.indexed_enums import Enum
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.deadlines import shift_months
from kuaiban.rules.entities import Person
from kuaiban.rules.formulas import MONTHS_PER_YEAR, round_fen
from kuaiban.rules.region_keys import by_region

CALCULATOR = "leave_entitlement"
REFS = ("cq_leave_marriage", "cq_leave_maternity", "cq_leave_paternity", "cq_leave_parental")


class LeaveKind(Enum):
    marriage = "婚假"
    maternity = "产假"
    paternity = "护理假"
    parental_yearly = "育儿假（夫妻双方每年各累计休）"
    parental_to_first_birthday = "育儿假（夫妻一方至子女一周岁止）"


class leave_kind(Variable):
    value_type = Enum
    possible_values = LeaveKind
    default_value = LeaveKind.marriage
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "假期种类"


class national_maternity_days(Variable):
    value_type = int
    default_value = -1
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "国家规定的产假天数（汇编未载；-1 为未提供）"


class child_birth_date(Variable):
    value_type = date
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "子女出生日期"


class basic_wage_before_leave(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "休假前本人基本工资（元/月）"


class leave_days(Variable):
    value_type = int
    default_value = -1
    entity = Person
    definition_period = DateUnit.DAY
    label = ("假期天数（每年累计休的育儿假为最多天数；一方休至子女一周岁的为休假日期至一周岁生日前一日的天数；"
             "-1 为缺少国家产假天数或无适用规定）")
    reference = REFS

    def formula_2021_11_25(person, period, parameters):
        kind = person("leave_kind", period)
        national = person("national_maternity_days", period)
        # 至子女一周岁止: the days from the leave date up to the first birthday (none once the child is one)
        until = person("parental_leave_until", period).astype("datetime64[D]")
        day = np.datetime64(str(period.start), "D")
        to_birthday = np.maximum((until - day).astype(int), 0)
        before_six = day <= until  # 每年累计休的: “在子女六周岁前”, none from the sixth birthday on

        def days(node):
            maternity = np.where(national >= 0, national + node.extra_maternity_days, -1)
            return np.select(
                [kind == LeaveKind.marriage, kind == LeaveKind.maternity, kind == LeaveKind.paternity,
                 kind == LeaveKind.parental_yearly, kind == LeaveKind.parental_to_first_birthday],
                [node.marriage_days, maternity, node.paternity_days, np.where(before_six, node.parental_days_max, 0),
                 to_birthday], -1)

        return by_region(person, period, parameters, CALCULATOR, "marriage_days", days, -1, "region_code")


class parental_leave_days_min(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.DAY
    label = "每年育儿假的最少天数"
    reference = ("cq_leave_parental",)

    def formula_2021_11_25(person, period, parameters):
        return by_region(person, period, parameters, CALCULATOR, "marriage_days",
                         lambda node: node.parental_days_min, 0, "region_code")


class parental_leave_until(Variable):
    value_type = date
    default_value = date(1, 1, 1)
    entity = Person
    definition_period = DateUnit.DAY
    label = "育儿假可休至之日（一方至子女一周岁；每年累计休的至子女六周岁前）"
    reference = ("cq_leave_parental",)

    def formula_2021_11_25(person, period, parameters):
        kind = person("leave_kind", period)
        births = person("child_birth_date", period).astype("datetime64[D]")

        def until(node):
            years = np.where(kind == LeaveKind.parental_to_first_birthday, node.parental_leave_until_age,
                             node.parental_days_until_age)
            ends = [np.datetime64(shift_months(b.astype(object), int(y) * MONTHS_PER_YEAR).isoformat(), "D")
                    for b, y in zip(births, years, strict=True)]
            ends = np.array(ends, dtype="datetime64[D]")
            # 六周岁前: the last day before the sixth birthday
            return np.where(kind == LeaveKind.parental_yearly, ends - np.timedelta64(1, "D"), ends)

        return by_region(person, period, parameters, CALCULATOR, "marriage_days", until,
                         np.datetime64("0001-01-01", "D"), "region_code")


class parental_leave_pay_floor(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.DAY
    label = "一方休育儿假至子女一周岁期间的月工资下限（基本工资 × 75%，不低于当地最低工资标准）"
    unit = "currency-CNY"
    reference = ("cq_leave_parental",)

    def formula_2021_11_25(person, period, parameters):
        basic = person("basic_wage_before_leave", period)
        minimum = person("local_minimum_wage", period)
        return by_region(person, period, parameters, CALCULATOR, "marriage_days",
                         lambda node: np.maximum(round_fen(node.parental_pay_share * basic), minimum), 0.0,
                         "region_code")
