"""创业担保贷款 (business_loan): limits, terms, rate caps, 贴息 and the small-firm hiring test.

National terms of 财金〔2020〕21号 (from 2020-04-15), with 山东 (鲁人社字〔2020〕27号, 鲁财金〔2020〕25号),
天津 (津政办规〔2020〕7号), 湖南 (湘人社规〔2020〕5号) and 上海 (沪府规〔2020〕10号) figures where they print their
own. The period is the day the loan contract is signed: the texts keep contracts signed before a notice on
their old terms, and the LPR that sets the caps is the one of the signing day (an input: no text prints it).
"""

from __future__ import annotations

import numpy as np
from openfisca_core.indexed_enums import Enum as EnumType
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Person
from kuaiban.rules.enums import BorrowerKind, LoanArea
from kuaiban.rules.formulas import leaf, parameter_or_none, regional_nodes, round_fen

REFERENCES = [
    "nat_loan_amount_21", "nat_loan_rate_21", "nat_loan_sharing_21", "nat_loan_firm_test_21",
    "sd_loan_individual_27", "sd_loan_firm_27", "sd_loan_individual_25", "sd_loan_rate_25",
    "sd_loan_firm_test_25", "tj_loan", "hn_loan_firm_test", "sh_loan_firm_test", "nat_loan_old_contracts_21",
    "nat_loan_local_21",
]
UNKNOWN = -1.0  # a figure no text in force prints for this region and day


class loan_borrower(Variable):
    value_type = EnumType
    possible_values = BorrowerKind
    default_value = BorrowerKind.individual
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "借款人类别"


class loan_area(Variable):
    value_type = EnumType
    possible_values = LoanArea
    default_value = LoanArea.east
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "创业地的地区类别（财金〔2020〕21号 四）"


class loan_partners(Variable):
    value_type = int
    default_value = 1
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "合伙人（组织成员）人数，均符合借款人条件"


class loan_priority_group(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "属于天津重点创业人群"


class loan_previous_times(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "此前已享受创业担保贷款的次数"


class loan_lpr(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "贷款合同签订日的贷款市场报价利率（LPR，年利率，官方公布值）"


class loan_rate(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "合同约定的年利率"


class loan_amount(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "贷款本金（元）"


class loan_overdue(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "贷款已展期或逾期"


class loan_local_limit(Variable):
    value_type = float
    default_value = UNKNOWN
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "当地规定的贷款额度上限（元；汇编未载明额度时由使用者提供，财金〔2020〕21号 九）"


class firm_staff(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "小微企业现有在职职工人数"


class firm_new_hires(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "当年（申请资格审核前12个月内）新招用符合条件并签订1年以上劳动合同的人数"


def _figure(parameters, period, person, name: str) -> np.ndarray:
    """A figure per row: the region's own where its text prints one, else the national one, else UNKNOWN."""
    national = parameter_or_none(parameters, period.start, "business_loan.national")
    default = leaf(national, name) if national is not None else None
    out = np.full(person.count, UNKNOWN if default is None else float(default))
    region = person("region", period)
    for member, node in regional_nodes(parameters, period.start, "business_loan"):
        own = leaf(node, name)
        if own is not None:
            out = np.where(region == member, float(own), out)
    return out


def _kind(person, period) -> np.ndarray:
    return person("loan_borrower", period)


class business_loan_firm_eligible(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.DAY
    label = "小微企业满足当年新招用人员比例条件"
    reference = ("sd_loan_firm_test_27", "sd_loan_firm_test_25", "nat_loan_firm_test_21", "hn_loan_firm_test",
                 "sh_loan_firm_test")

    def formula_2020_03_11(person, period, parameters):
        staff = person("firm_staff", period)
        share = _figure(parameters, period, person, "firm_hire_share")
        share_large = _figure(parameters, period, person, "firm_hire_share_large")
        large_staff = _figure(parameters, period, person, "firm_large_staff")
        needed = np.where(staff > large_staff, share_large, share)
        hires = person("firm_new_hires", period)
        # 达到…以上: reaching the share exactly passes; compared in whole people to avoid float noise.
        return (needed != UNKNOWN) & (staff > 0) & (hires * 10000 >= np.round(needed * 10000) * staff)


class business_loan_limit(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.DAY
    label = "创业担保贷款最高额度（元，上限）；-1 为文件未印"
    unit = "currency-CNY"
    reference = REFERENCES

    def formula_2020_03_11(person, period, parameters):
        kind = _kind(person, period)
        individual = _figure(parameters, period, person, "individual_limit")
        priority = _figure(parameters, period, person, "priority_limit")
        individual = np.where(person("loan_priority_group", period) & (priority != UNKNOWN), priority, individual)
        partners = person("loan_partners", period)
        each = _figure(parameters, period, person, "partner_limit_each")
        max_partners = _figure(parameters, period, person, "max_partners")
        extra = _figure(parameters, period, person, "partnership_extra_share")
        counted = np.where(max_partners != UNKNOWN, np.minimum(partners, max_partners), partners)
        own_rule = (each != UNKNOWN) * counted * each
        national_rule = np.where((extra != UNKNOWN) & (individual != UNKNOWN),
                                 round_fen(partners * individual * (1 + extra)), UNKNOWN)
        partnership = np.where(each != UNKNOWN, own_rule, national_rule)
        firm = _figure(parameters, period, person, "firm_limit")
        firm = np.where(person("business_loan_firm_eligible", period), firm, 0)
        limit = np.select(
            [kind == BorrowerKind.individual, kind == BorrowerKind.partnership], [individual, partnership], firm)
        # no text prints this ceiling: the local one supplied (UNKNOWN, its default, where none is)
        limit = np.where(limit == UNKNOWN, person("loan_local_limit", period), limit)
        max_times = _figure(parameters, period, person, "max_times")
        used_up = (max_times != UNKNOWN) & (person("loan_previous_times", period) >= max_times)
        return np.where(used_up & (limit != UNKNOWN), 0, limit)


class business_loan_max_term_months(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.DAY
    label = "贷款期限一次最长（月）；-1 为文件未印"
    reference = ("sd_loan_individual_27", "sd_loan_firm_27", "tj_loan")

    def formula_2020_03_11(person, period, parameters):
        individual = _figure(parameters, period, person, "individual_max_term_months")
        firm = _figure(parameters, period, person, "firm_max_term_months")
        return np.where(_kind(person, period) == BorrowerKind.small_firm, firm, individual).astype(int)


class business_loan_rate_cap(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.DAY
    label = "贷款利率上限（年利率 = 合同签订日 LPR + 加点）；-1 为文件未印"
    reference = ("sd_loan_individual_27", "sd_loan_rate_25", "nat_loan_rate_21")

    def formula_2020_03_11(person, period, parameters):
        own = _figure(parameters, period, person, "rate_spread")
        area = person("loan_area", period)
        by_area = np.full(person.count, UNKNOWN)
        node = parameter_or_none(parameters, period.start, "business_loan.national.rate_spread_by_area")
        if node is not None:
            for member in LoanArea:
                spread = leaf(node, member.name)
                if spread is not None:
                    by_area = np.where(area == member, spread, by_area)
        spread = np.where(own != UNKNOWN, own, by_area)
        return np.where(spread != UNKNOWN, np.round(person("loan_lpr", period) + spread, 6), UNKNOWN)


class business_loan_subsidy_rate(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.DAY
    label = "财政贴息的年利率；-1 为文件未印"
    reference = ("sd_loan_individual_27", "sd_loan_firm_27", "sd_loan_no_subsidy_overdue_27", "tj_loan",
                 "nat_loan_sharing_21")

    def formula_2020_03_11(person, period, parameters):
        lpr = person("loan_lpr", period)
        cap = person("business_loan_rate_cap", period)
        rate = person("loan_rate", period)
        rate = np.where(cap != UNKNOWN, np.minimum(rate, cap), rate)
        full = _figure(parameters, period, person, "individual_full_subsidy")
        firm_share = _figure(parameters, period, person, "firm_subsidy_share_of_lpr")
        individual = np.where(full == 1, rate, UNKNOWN)
        firm = np.where(firm_share != UNKNOWN, np.round(lpr * firm_share, 6), UNKNOWN)
        subsidy = np.where(_kind(person, period) == BorrowerKind.small_firm, firm, individual)
        borne = _figure(parameters, period, person, "borrower_bears_below")
        # 2021 起：LPR-150BP 以下部分由借款人承担，剩余部分财政贴息（个人和小微企业）。
        shared = np.round(np.maximum(rate - (lpr - borne), 0), 6)
        subsidy = np.where(borne != UNKNOWN, shared, subsidy)
        stopped = (_figure(parameters, period, person, "no_subsidy_when_overdue") == 1) & person(
            "loan_overdue", period)
        return np.where(stopped, 0, subsidy)


class business_loan_yearly_subsidy(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.DAY
    label = "一年的财政贴息额（元，按全额本金计）；-1 为文件未印"
    unit = "currency-CNY"
    reference = REFERENCES

    def formula_2020_03_11(person, period, parameters):
        limit = person("business_loan_limit", period)
        principal = np.where(limit != UNKNOWN, np.minimum(person("loan_amount", period), limit),
                             person("loan_amount", period))
        rate = person("business_loan_subsidy_rate", period)
        return np.where(rate != UNKNOWN, round_fen(principal * rate), UNKNOWN)
