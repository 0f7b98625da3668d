"""An official figure's note sits beside the figure it qualifies (docs/rules.md, “Official figures”; ux s21 item 5).

遗属待遇's 本省上一年度城镇居民月人均可支配收入 is an official figure like any other (a province's statistic the
compilations do not print): its step says so. The framework used to append that step after every rule step, so it
followed 第六条's ceiling note, which is meant to close the explanation. Now the note stands just before the first
step that shows the figure; a figure no step shows keeps its note after the rule's steps.
"""

from __future__ import annotations

from kuaiban.rules.calculators import get

NOTE = "（官方数字由使用者提供，汇编未载明）"
EMPLOYED_UNDER_FIVE_YEARS = {"death_date": "2021-10-10", "status": "employed", "contribution_months": 40,
                             "base_income": 3000}


def texts(name: str, case: dict) -> list[str]:
    return [step["text"] for step in get(name).run(case)["explanation"]]


def test_the_survivor_base_income_is_marked_as_an_official_figure() -> None:
    calc = get("survivor_benefit")
    steps = calc.run(EMPLOYED_UNDER_FIVE_YEARS)["explanation"]
    note = next(step for step in steps if step["text"].endswith(NOTE))
    assert note["text"] == f"死亡时本省上一年度城镇居民月人均可支配收入：3000元/月{NOTE}"  # 元/月, not CNY/month
    assert (note["source"]["doc_no"], note["source"]["article"]) == ("人社部发〔2021〕18号", "第四条")
    assert any(n.startswith("官方数字由使用者提供：死亡时本省上一年度城镇居民月人均可支配收入") for n in calc.notes)


def test_the_survivor_note_comes_before_the_funeral_grant_and_the_ceiling_note_stays_last() -> None:
    steps = texts("survivor_benefit", EMPLOYED_UNDER_FIVE_YEARS)
    assert steps[0].endswith(NOTE)
    assert steps[1] == "丧葬补助金 = 3000 × 2 = 6000 元"
    assert steps[-1].startswith("累计缴费不足5年，遗属待遇不得超过个人缴费之和")
    assert sum(text.endswith(NOTE) for text in steps) == 1


def test_a_retiree_case_reads_the_same_way() -> None:
    case = {"death_date": "2022-01-01", "status": "retired", "contribution_months": 246, "pension_months": 30,
            "base_income": 2500}
    steps = texts("survivor_benefit", case)
    assert [s.endswith(NOTE) for s in steps[:2]] == [True, False] and steps[1].startswith("丧葬补助金 = 2500")
    assert steps[-1] == "抚恤金 = 12 × 2500 = 30000 元"


def test_another_calculator_places_its_figure_before_the_step_that_uses_it() -> None:
    """失业保险基金划转: the 转出地失业保险金月标准 note precedes the total it multiplies, not the 50% step after it."""
    steps = texts("unemployment_fund_transfer", get("unemployment_fund_transfer").examples[0]["input"])
    at = next(i for i, text in enumerate(steps) if text.endswith(NOTE))
    assert steps[at].startswith("转出地失业保险金月标准：")
    assert steps[at + 1].startswith("应享受失业保险金总额：月标准")


def test_a_figure_no_step_shows_keeps_its_note_after_the_rule_steps() -> None:
    """价格临时补贴: no step writes the current standard out, so its note stays last."""
    steps = texts("price_subsidy", {"month": "2020-04", "drawing_unemployment_benefit": True,
                                    "price_subsidy_standard": 50})
    assert steps[-1] == f"当地价格临时补贴现行标准：50元/月{NOTE}"
    assert not any(text.endswith(NOTE) for text in steps[:-1])
