"""What a calculator tells about its inputs says each thing once: the description a field list gives
(``calc --list``, the API), the hint a calculator page shows, and the notes.

A month that also reads a day was described 待遇所属月份（2020-12-31 至 2025-12-30；该月内政策有变化的填写具体日期；
年月，或该月内的具体日期）, and the official figures a user supplies were named by a spec's own note and again by the
generated one (制度在当地实施的日期…汇编未载，须由使用者提供 / 官方数字由使用者提供：…). The composition now leaves out
what is already said; these tests hold every calculator to it.
"""

from __future__ import annotations

import re

import pytest

from kuaiban.rules.calculators import CALCULATORS
from kuaiban.rules.calculators.base import DAY_WORDS, OFFICIAL_NOTE, official_figures_note
from kuaiban.web.calc_forms import form_field

SPLIT = re.compile(r"[；;。，,（）()、：:|｜\s]+")


def clauses(text: str) -> list[str]:
    """A text's clauses of 4 characters or more, choice codes (micro, large) left out."""
    return [c for c in SPLIT.split(re.sub(r"[A-Za-z_]+", " ", text)) if len(c) >= 4]


def repeated(text: str) -> list[str]:
    seen: set[str] = set()
    twice = []
    for clause in clauses(text):
        if clause in seen:
            twice.append(clause)
        seen.add(clause)
    return twice


@pytest.mark.parametrize("name", sorted(CALCULATORS))
def test_no_input_description_or_page_hint_says_a_clause_twice(name: str) -> None:
    for spec in CALCULATORS[name].fields:
        told = spec.describe()["description"]
        hint = form_field(spec, name).hint
        assert not repeated(told), (spec.name, told)
        assert not repeated(hint), (spec.name, hint)
        # that a day may be given is said once, in the field list and on the page
        assert told.count("具体日期") <= 1, (spec.name, told)
        assert hint.count("具体日期") <= 1, (spec.name, hint)


@pytest.mark.parametrize("name", sorted(CALCULATORS))
def test_the_composed_note_says_nothing_twice_and_each_supplied_figure_is_named_once(name: str) -> None:
    notes = CALCULATORS[name].notes
    generated = [n for n in notes if n.startswith(OFFICIAL_NOTE)]
    assert len(generated) <= 1, generated
    for note in generated:  # the composed note (a written note may name 稳岗返还 twice: two calculators)
        assert not repeated(note) and note.count("汇编未载") <= 1, note
    spec = CALCULATORS[name].spec
    figures = [entry["label"] for entry in (spec.inputs.values() if spec else ()) if entry.get("official_figure")]
    for label in figures:  # each figure the user supplies is said to be theirs by one note, not two
        saying = [n for n in notes if n not in generated and re.search("使用者提供|用户提供|须提供", n)
                  and official_figures_note([(label, "number")], [n]) is None]
        in_generated = [n for n in generated if label.split("（")[0] in n]
        assert len(saying) + len(in_generated) <= 1 or not in_generated, (label, saying, in_generated)


def test_the_month_of_the_residents_pension_says_the_day_once() -> None:
    month = next(f for f in CALCULATORS["residents_pension"].fields if f.name == "month")
    assert month.describe()["description"] == f"待遇所属月份（2020-12-31 至 2025-12-30；{DAY_WORDS}）"
    hint = form_field(month, "residents_pension").hint
    assert hint.startswith("2020年12月31日至2025年12月30日；填写月份") and hint.count("该月内政策有变化") == 1


def test_a_figure_a_note_already_names_as_the_users_is_not_named_again() -> None:
    notes = CALCULATORS["residents_pension_required_years"].notes
    assert sum("在当地实施的日期" in n and "使用者提供" in n for n in notes) == 1, notes
    # composed for the residents pension too (no other note names the date there), and a date is a date
    pension = CALCULATORS["residents_pension"].notes
    assert pension[-1] == ("官方数字由使用者提供：原新农保或城居保制度在当地实施的日期（汇编未载明，须按当地公布的日期填写）。")


def test_the_official_figures_note_names_only_what_is_left_and_says_not_printed_once() -> None:
    assert official_figures_note([("当地最低工资标准", "number")], ["最低工资标准汇编未载，须由使用者提供。"]) is None
    assert official_figures_note([("当地最低工资标准", "number")], ["其他说明。"]) == (
        "官方数字由使用者提供：当地最低工资标准（汇编未载明，须按当地公布的数字填写）。")
    both = official_figures_note([("领取月数（按规定确定，汇编未载）", "integer"), ("额度上限（汇编未载明额度时填写）", "number")], [])
    assert both is not None and both.count("汇编未载") == 1 and "领取月数（按规定确定）" in both
