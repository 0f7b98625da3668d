"""一次性求职创业补贴 (job_search_subsidy): 湖南 2020, 山东 2020 (2021届困难毕业生; 湖北籍2020届), 天津 2020 (湖北籍).

The period is the application day. A student in the graduating year (毕业学年) who meets several conditions gets
one subsidy (the highest); a subsidy already received is not paid again, except Shandong's 400 元 top-up.
"""

from __future__ import annotations

import numpy as np
from openfisca_core.indexed_enums import Enum as EnumType
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Person
from kuaiban.rules.enums import HardshipCategory, SchoolKind
from kuaiban.rules.formulas import leaf, regional_nodes

REFERENCES = ("hn_job_search", "sd_job_search_groups", "sd_job_search_amounts", "sd_job_search_hubei",
              "tj_job_search_hubei", "tj_job_search_deadline")


class js_category(Variable):
    value_type = EnumType
    possible_values = HardshipCategory
    default_value = HardshipCategory.none
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "困难类别"


class js_hubei(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "湖北籍（生源地或毕业前户籍地为湖北）"


class js_school(Variable):
    value_type = EnumType
    possible_values = SchoolKind
    default_value = SchoolKind.university
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "毕业院校类别"


class js_graduation_year(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "毕业届别（年）"


class js_graduating_year(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "申请时在毕业学年内，有就业创业意愿并积极求职"


class js_previous_amount(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "已领取的求职创业补贴金额（元，未领为0）"


class js_previous_loan_category(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "已领的补贴是按国家助学贷款类别领取的"


def _hardship_amounts(hardship, category, count: int) -> np.ndarray:
    """The amount of each person's hardship category in one region's scheme (0 where the category is not listed)."""
    amounts = np.zeros(count)
    for cat in HardshipCategory:
        value = leaf(leaf(hardship, "amounts"), cat.name)
        if value is not None:
            amounts = np.where(category == cat, float(value), amounts)
    return amounts


def _hardship_schemes(parameters, instant):
    """(Region member, hardship node) for each region whose hardship scheme is in force."""
    for member, node in regional_nodes(parameters, instant, "job_search_subsidy"):
        hardship = leaf(node, "hardship")
        if hardship is not None and leaf(hardship, "amounts") is not None:
            yield member, hardship


class js_category_listed(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.DAY
    label = "困难类别在院校所在地所列的补贴对象之内"
    reference = ("hn_job_search", "sd_job_search_groups")

    def formula_2020_02_22(person, period, parameters):
        region = person("region", period)
        category = person("js_category", period)
        listed = np.zeros(person.count, dtype=bool)
        for member, hardship in _hardship_schemes(parameters, period.start):
            listed |= (region == member) & (_hardship_amounts(hardship, category, person.count) > 0)
        return listed


class job_search_subsidy(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.DAY
    label = "一次性求职创业补贴（元）"
    unit = "currency-CNY"
    reference = REFERENCES

    def formula_2020_02_22(person, period, parameters):
        region = person("region", period)
        category = person("js_category", period)
        university = person("js_school", period) == SchoolKind.university
        cohort_year = person("js_graduation_year", period)
        seeking = person("js_graduating_year", period)
        previous = person("js_previous_amount", period)
        loan_before = person("js_previous_loan_category", period)
        best = np.zeros(person.count)
        for member, hardship in _hardship_schemes(parameters, period.start):
            ok = (region == member) & seeking & (previous == 0)
            if leaf(hardship, "universities_only", False):
                ok &= university
            if leaf(hardship, "cohort") is not None:
                ok &= cohort_year == int(leaf(hardship, "cohort"))
            best = np.maximum(best, np.where(ok, _hardship_amounts(hardship, category, person.count), 0))
        for member, node in regional_nodes(parameters, period.start, "job_search_subsidy"):
            here = (region == member) & seeking
            hubei = leaf(node, "hubei")
            if hubei is not None and leaf(hubei, "amount") is not None:
                amount = float(leaf(hubei, "amount"))
                ok = here & person("js_hubei", period) & (cohort_year == int(leaf(hubei, "cohort")))
                if leaf(hubei, "universities_only", False):
                    ok &= university
                if leaf(hubei, "top_up_previous", False):
                    # 助学贷款类别领过的可再申报全额；其他已领的只补差额（600 → 400）
                    value = np.where(loan_before | (previous == 0), amount, np.maximum(amount - previous, 0))
                else:
                    value = np.where(previous == 0, amount, 0)
                best = np.maximum(best, np.where(ok, value, 0))
        return best
