"""A case of one province cites that province's documents or national ones, never another province's.

The provincial documents are told apart by the abbreviation their number starts with (湘人社规, 渝人社发,
京人社发, 津政办规, 鲁人社字 …). The cases are every worked example of the specs and the cases of the outside
review of 2026-12-03 (hand-worked from the compilations), each of which once cited another region's text."""

from __future__ import annotations

import pytest

from kuaiban.rules.calculators import CALCULATORS, CalculatorError, get
from kuaiban.rules.enums import Region
from kuaiban.rules.regions import region_of

PROVINCE_OF_PREFIX = {"湘": Region.hunan, "渝": Region.chongqing, "京": Region.beijing, "津": Region.tianjin,
                      "鲁": Region.shandong, "沪": Region.shanghai, "鄂": Region.hubei}

REVIEW_CASES = [
    ("funeral_grant", {"region": "重庆", "death_date": "2021-03-01", "disability_grade": 2, "injury_date": "1996-09-30",
                       "work_injury_retirement_date": "2000-01-01", "lump_sum_pension_chosen": True}),
    ("temporary_living_allowance", {"region": "北京", "month": "2020-05", "rural_contract_worker": True,
                                    "contribution_months": 6, "last_contribution_date": "2019-01-01"}),
    ("temporary_living_allowance", {"region": "北京", "month": "2020-05", "rural_contract_worker": True,
                                    "contribution_months": 16, "last_contribution_date": "2019-01-01"}),
    ("business_loan", {"region": "天津", "contract_date": "2020-06-01", "loan_borrower": "个人", "loan_lpr": 0.0385,
                       "loan_rate": 0.0485, "loan_priority_group": True, "loan_area": "东部地区"}),
    ("work_injury_benefit_adjustment", {"region": "重庆", "month": "2021-01", "work_injury_benefit_kind": "disability_allowance",
                                        "disability_grade": 3, "monthly_benefit_before": 3000,
                                        "benefit_start_date": "2016-01-01"}),
    ("work_injury_benefit_adjustment", {"region": "重庆", "month": "2021-01", "work_injury_benefit_kind": "survivor_pension",
                                        "survivor_relation": "other", "monthly_benefit_before": 1000,
                                        "benefit_start_date": "2016-01-01"}),
]

# (calculator, case, the (doc_no, article) the value's step must cite: the clause printing the number used)
VALUE_CLAUSES = [
    (*REVIEW_CASES[0], ("渝人社发〔2021〕5号", "二")),
    (*REVIEW_CASES[1], ("京人社发[2020]8号", "二（二）")),
    (*REVIEW_CASES[3], ("津政办规〔2020〕7号", "（十七）加大创业担保贷款支持力度")),
    (*REVIEW_CASES[4], ("渝人社发〔2021〕11号", "三（一）")),
    (*REVIEW_CASES[5], ("渝人社发〔2021〕11号", "三（二）")),
    ("work_injury_benefit_adjustment", {"region": "湖南", "month": "2020-03", "work_injury_benefit_kind": "survivor_pension",
                                        "survivor_relation": "spouse", "monthly_benefit_before": 1000,
                                        "benefit_start_date": "2019-12-31"}, ("湘人社规〔2020〕15号", "二（二）")),
    ("work_injury_benefit_adjustment", {"region": "湖南", "month": "2020-03", "work_injury_benefit_kind": "survivor_pension",
                                        "survivor_relation": "spouse", "monthly_benefit_before": 1000,
                                        "benefit_start_date": "2020-01-01"}, ("湘人社规〔2020〕15号", "二（一）")),
    ("unemployment_subsidy", {"region": "北京", "month": "2020-03", "contribution_months": 12,
                              "unemployment_benefit_exhausted": True}, ("京人社发[2020]8号", "一（二）")),
    ("employer_pension_contribution", {"month": "2022-01", "region": "重庆", "enterprise_size": "small",
                                       "monthly_wage": 5000, "individual_contribution_base": 5000},
     ("渝人社发〔2021〕43号", "一")),
    ("minimum_wage", {"month": "2022-04", "region": "重庆", "region_code": "500229"}, ("渝人社发〔2021〕52号", "一（二）")),
    ("fisher_pension_subsidy", {"region": "重庆", "month": "2021-03", "fisher_scheme": "enterprise",
                                "fisher_subsidy_case": "annual", "contribution_year": 2021, "months_paid_in_year": 7},
     ("渝人社发〔2021〕9号", "一（一）2")),
    ("survivor_hardship_allowance", {"region": "湖南", "month": "2020-07", "dependant_relation": "mother",
                                     "dependant_age": 50, "lives_in_changsha": True}, ("湘人社规〔2020〕9号", "一（一）1")),
    ("survivor_hardship_allowance", {"region": "湖南", "month": "2020-07", "dependant_relation": "wife", "dependant_age": 50,
                                     "lives_in_changsha": False, "death_on_duty": True, "red_army_family": True},
     ("湘人社规〔2020〕9号", "一（一）2")),
]


def _examples() -> list[tuple[str, dict]]:
    found = [(name, example["input"]) for name, calc in sorted(CALCULATORS.items()) for example in calc.examples]
    return found + REVIEW_CASES + [(name, case) for name, case, _ in VALUE_CLAUSES]


def _region(calc, case: dict) -> Region | None:
    field = next((f.name for f in calc.fields if f.type == "region"), None)
    return region_of(case[field]) if field and field in case else None


@pytest.mark.parametrize(("name", "case"), _examples(), ids=lambda item: item if isinstance(item, str) else "")
def test_a_case_cites_no_other_provinces_document(name: str, case: dict) -> None:
    calc = get(name)
    region = _region(calc, case)
    if region is None:
        pytest.skip("no region input")
    try:
        steps = calc.run(case)["explanation"]
    except CalculatorError as error:
        pytest.fail(f"the case is refused: {error}")
    foreign = [(s["text"], s["source"]["doc_no"]) for s in steps
               if PROVINCE_OF_PREFIX.get(s["source"]["doc_no"][:1], region) is not region]
    assert foreign == [], f"{region.value} case cites another province's document"


@pytest.mark.parametrize(("name", "case", "clause"), VALUE_CLAUSES, ids=lambda item: item if isinstance(item, str) else "")
def test_the_value_cites_the_clause_printing_its_number(name: str, case: dict, clause: tuple[str, str]) -> None:
    result = get(name).run(case)
    cited = [(s["source"]["doc_no"], s["source"]["article"]) for s in result["explanation"]
             if s["value"] == result["value"]]
    assert cited and cited[-1] == clause, cited
