"""Calculators written as specs (kuaiban/rules/specs/*.yaml): found by directory, same contract as Python ones."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kuaiban.rules import messages as msg
from kuaiban.rules.calculators import CALCULATORS, CalculatorError, get
from kuaiban.rules.calculators.declarative import SPECS_DIR, load_spec
from kuaiban.rules.enums import Region
from kuaiban.rules.expressions import SpecError, holes, literal_text
from kuaiban.rules.sources import source

SPECS = sorted(path.stem for path in SPECS_DIR.glob("*.yaml"))
FIGURE = re.compile(r"[0-9０-９]")
BEIJING = {"region": "北京", "month": "2020-07", "contribution_months": 240, "benefit_month": 1}


def test_every_spec_file_is_a_calculator_without_editing_a_list() -> None:
    assert SPECS
    assert set(SPECS) <= set(CALCULATORS)
    assert all(CALCULATORS[name].spec is not None for name in SPECS)


@pytest.mark.parametrize("name", SPECS)
def test_every_worked_example_of_a_spec_gives_its_value(name: str) -> None:
    calc = get(name)
    assert calc.examples, "a spec carries at least one worked example"
    for example in calc.examples:
        assert calc.run(example["input"])["value"] == pytest.approx(example["value"], abs=0.005), example


@pytest.mark.parametrize("name", SPECS)
def test_explanation_templates_write_no_figure_themselves(name: str) -> None:
    spec = get(name).spec
    templates = [step["text"] for step in spec.steps]
    templates += [text for step in spec.steps for text in (step.get("detail") or {}).values() if isinstance(text, str)]
    written = [t for t in templates if FIGURE.search(literal_text(t))]
    assert written == [], "figures come from parameters, inputs or computed values: {p.…} or {name}"


def test_a_region_is_a_name_a_full_name_or_a_gbt2260_code() -> None:
    calc = get("unemployment_benefit")
    expected = calc.run(BEIJING)["value"]
    for region in ("北京", "北京市", "beijing", "110000", 110000, "110105"):
        assert calc.run(BEIJING | {"region": region})["value"] == expected, region
    with pytest.raises(CalculatorError, match="未知地区「119999」") as caught:
        calc.run(BEIJING | {"region": "119999"})
    assert caught.value.field == "region"


def test_coverage_and_gaps_come_from_the_parameters_in_force() -> None:
    calc = get("unemployment_benefit")
    # rules-benefits added 湖南, 山东 and 重庆 (90 % of the minimum wage) beside Beijing's table
    assert {"region": "北京", "dates": "2020-07-01 起", "doc_no": "京人社发[2020]8号"} in calc.coverage
    # 湘人社规〔2020〕2号 “自2020年2月21日起施行，有效期5年” (hunan-hrss-2020.txt:4147); the year of contributions
    # the benefit needs is 人社部发〔2020〕40号 二's (hunan-hrss-2020.txt:5151), so that notice is listed too
    assert {"region": "湖南", "dates": "2020-03-01 至 2025-02-20",
            "doc_no": "湘人社规〔2020〕2号、人社部发〔2020〕40号"} in calc.coverage
    assert [set(f.choices) for f in calc.fields if f.name == "region"] == [{"北京", "湖南", "山东", "重庆"}]
    with pytest.raises(CalculatorError) as before:
        calc.run(BEIJING | {"month": "2020-06"})
    assert before.value.field == "month"
    assert str(before.value) == "领取月份：所收政策文件对 北京 2020-06 没有规定，无法计算（已有规定：北京 2020-07-01 起，京人社发[2020]8号）"
    with pytest.raises(CalculatorError) as elsewhere:
        calc.run(BEIJING | {"region": "120000"})
    assert elsewhere.value.field == "region" and "天津" in str(elsewhere.value) and "湖南" in str(elsewhere.value)


def test_a_check_of_the_spec_names_its_field() -> None:
    with pytest.raises(CalculatorError) as caught:
        get("unemployment_benefit").run(BEIJING | {"benefit_month": 0})
    assert caught.value.field == "benefit_month"
    assert str(caught.value) == "领取失业保险金的第几个月：应从 1 起算，首月为 1（您填写的是 0）"


def test_steps_cite_registered_clauses_and_dates_come_from_the_parameters() -> None:
    result = get("unemployment_benefit").run(BEIJING)
    first = result["explanation"][0]
    assert first["text"] == "调整后的标准自2020年7月1日起执行"
    assert first["source"] == source("bj_ub_start").as_json()
    assert result["details"] == {"tier": "满20年以上"}


def variant(tmp_path: Path, name: str, change) -> Path:
    """A copy of the unemployment_benefit spec under another name, changed by `change(text)`."""
    text = (SPECS_DIR / "unemployment_benefit.yaml").read_text(encoding="utf-8")
    path = tmp_path / f"{name}.yaml"
    path.write_text(change(text.replace("name: unemployment_benefit", f"name: {name}\nparameters: unemployment_benefit")), encoding="utf-8")
    return path


def test_an_official_figure_is_required_and_named_in_the_explanation(tmp_path: Path) -> None:
    path = variant(tmp_path, "with_figure", lambda text: text.replace(
        "  - {name: benefit_month,",
        "  - {name: local_benefit, type: number, label: 当地失业保险金标准, unit: 元/月, official_figure: true, published: 以当地公布的标准为准,"
        " clause: bj_ub_eligibility}\n  - {name: benefit_month,"))
    calc = load_spec(path)
    with pytest.raises(CalculatorError, match="当地失业保险金标准：缺少此字段"):
        calc.run(BEIJING)
    steps = calc.run(BEIJING | {"local_benefit": 1700})["explanation"]
    assert steps[-1]["text"] == "当地失业保险金标准：1700元/月（官方数字由使用者提供，汇编未载明）"
    assert steps[-1]["value"] == 1700
    assert any("官方数字由使用者提供：当地失业保险金标准" in note for note in calc.notes)


def test_an_official_figure_only_some_cases_need_is_asked_by_a_check(tmp_path: Path) -> None:
    """``required: false`` on an official figure: a check must refuse the cases that need it without it (北京's
    months of 农民合同制工人一次性生活补助, which 山东 computes), else the spec is refused when it loads. A check's
    message may show figures through holes, as a step does."""
    figure = ("  - {name: local_benefit, type: number, label: 当地失业保险金标准, unit: 元/月, official_figure: true, published: 以当地公布的标准为准,"
              " required: false}\n  - {name: benefit_month,")
    with pytest.raises(SpecError, match="official figure local_benefit is optional"):
        load_spec(variant(tmp_path, "figure_unasked", lambda text: text.replace("  - {name: benefit_month,", figure)))
    asked = ("checks:\n  - {when: \"contribution_months >= 240 and local_benefit == None\", field: local_benefit,"
             " message: \"满{b.tier_5_from_years}年的须填写\"}\n")
    calc = load_spec(variant(tmp_path, "figure_asked", lambda text: text.replace(
        "  - {name: benefit_month,", figure).replace("checks:\n", asked)))
    with pytest.raises(CalculatorError) as caught:
        calc.run(BEIJING)
    assert caught.value.field == "local_benefit" and caught.value.reason == "满20年的须填写"
    assert calc.run(BEIJING | {"contribution_months": 12})["value"] == get("unemployment_benefit").run(
        BEIJING | {"contribution_months": 12})["value"]
    assert calc.run(BEIJING | {"local_benefit": 1700})["explanation"][-1]["value"] == 1700


def test_a_ceiling_is_marked_in_the_details(tmp_path: Path) -> None:
    calc = load_spec(variant(tmp_path, "as_ceiling", lambda text: text.replace("ceiling: false", "ceiling: true")))
    assert calc.run(BEIJING)["details"]["is_ceiling"] is True
    assert "is_ceiling" not in get("unemployment_benefit").run(BEIJING)["details"]


@pytest.mark.parametrize(("change", "problem"), [
    (lambda t: t.replace("{contribution_months} 个月（满{b.tier_5", "{contributon_months} 个月（满{b.tier_5"),
     "unknown names"),
    (lambda t: t.replace("clause: bj_ub_20\n", "clause: no_such_clause\n", 1), "not in data/clauses"),
    (lambda t: t.replace("audience: citizens", "audience: everyone"), "audience"),
    (lambda t: t.replace("clause: bj_ub_20\n", "clause: {火星: bj_ub_20}\n", 1), "clause by region"),
    (lambda t: t.replace("text: 调整后的标准自{since(b.amount_1_to_5)}起执行",
                         "text: 调整后的标准自{__import__('os')}起执行"), "may be called"),
])
def test_a_malformed_spec_is_refused_when_loaded(tmp_path: Path, change, problem: str) -> None:
    with pytest.raises(SpecError, match=problem):
        load_spec(variant(tmp_path, "broken", change))


def test_a_clause_by_choice_names_every_choice_of_a_choice_input(tmp_path: Path) -> None:
    """``clause: {by: input, choice: key, …}``: the input must be a choice and each of its choices must have
    a clause (or 其他), so no case cites a clause picked by position."""
    text = (SPECS_DIR / "placement_subsidy.yaml").read_text(encoding="utf-8")
    for change, problem in [
        (lambda t: t.replace("by: placement_kind", "by: placement_count"), "not a choice input"),
        (lambda t: t.replace("      跨市州有组织劳务输出（湖南）: hn_placement_export\n", ""), "choices without a clause"),
        (lambda t: t.replace("跨市州有组织劳务输出（湖南）: hn", "跨省劳务输出: hn"), "not choices of placement_kind"),
    ]:
        path = tmp_path / "placement_variant.yaml"
        path.write_text(change(text).replace("name: placement_subsidy", "name: placement_variant\n"
                                             "parameters: placement_subsidy"), encoding="utf-8")
        with pytest.raises(SpecError, match=problem):
            load_spec(path)


def test_a_step_cites_the_clause_of_the_case_choice() -> None:
    """职业介绍补贴: one step for every kind of placement, citing the kind's own clause, paid or not."""
    calc = get("placement_subsidy")
    case = {"enterprise_region": "湖南", "application_date": "2020-09-01", "placement_count": 40,
            "placement_employed_months": 6}
    paid = calc.run(case | {"placement_kind": "跨市州有组织劳务输出（湖南）"})
    assert paid["value"] == 12000 and paid["explanation"][-1]["source"] == source("hn_placement_export").as_json()
    other = calc.run(case | {"placement_kind": "向重点缺工企业一次性输送30人以上（天津）"})  # another province's kind
    assert other["value"] == 0 and other["explanation"][-1]["source"] == source("tj_placement_bulk").as_json()


def test_template_holes_are_found_with_their_format_removed() -> None:
    assert holes("按 {p.a.b:%} 与 {x:.2f} 计，合计 {total}") == ["p.a.b", "x", "total"]
    assert literal_text("按 {p.a.b:%} 计") == "按  计"


def test_a_region_keyed_node_is_read_for_the_case_region() -> None:
    from kuaiban.rules.enums import Region
    from kuaiban.rules.expressions import Scope

    # parameters/stable_job_refund_regional has one child per region (r370000, r120000): read without naming it
    # (unemployment_benefit gained non-regional children in rules-benefits: minimum_wage_share, late_claim)
    scope = Scope({"region": Region.shandong}, "2020-08-01", Region.shandong)
    assert scope.evaluate("p.stable_job_refund_regional.general_share") == 0.5
    assert scope.evaluate("p.stable_job_refund_regional[region].general_share") == 0.5
    assert scope.evaluate("p.stable_job_refund_regional.r370000.general_share") == 0.5
    # a leaf-level region-keyed node too: 湖南 失业保险金 = 90 % of the minimum wage
    hunan = Scope({"region": Region.hunan}, "2020-08-01", Region.hunan)
    assert hunan.evaluate("p.unemployment_benefit.minimum_wage_share") == 0.9


DATED = [name for name in SPECS if get(name).spec.by_name[get(name).spec.period].type == "date"]


@pytest.mark.parametrize("name", DATED)
def test_a_date_is_covered_from_the_very_day_its_rule_takes_effect(name: str) -> None:
    # 湘人社规〔2020〕9号 "自公布之日起执行" (2020-06-19): a death that day is covered, not refused with its
    # month (the rule in force on 2020-06-01 is none). Every date input is checked on its own day.
    from datetime import date

    spec = get(name).spec
    for span in [s for s in spec.spans if spec.region or s.region is None]:
        values = {spec.period: date.fromisoformat(span.start)}
        if spec.region:
            values[spec.region] = span.region or Region.hunan
        assert spec.instant(values) == span.start
        assert msg.field_of(spec.gap(values) or "") != spec.period, (span, spec.gap(values))


def test_a_month_within_which_its_rule_starts_asks_for_the_day() -> None:
    # 湘人社规〔2020〕9号 “本通知自公布之日起执行” (hunan-hrss-2020.txt:5743), 公布 2020-06-19: the month 2020-06 alone
    # cannot say which rule applies (session 15: it used to be refused as if no rule covered it)
    with pytest.raises(CalculatorError) as caught:
        get("survivor_hardship_allowance").run({"region": "湖南", "month": "2020-06", "dependant_relation": "mother",
                                                "dependant_age": 50, "lives_in_changsha": True})
    # s15 rules2: asked because the answer differs within the month (no rule before the 19th), as the question says
    assert caught.value.field == "month" and caught.value.reason.startswith("该月内政策于2020年6月19日起变化，")
    assert "请填写具体日期" in caught.value.reason and "6月1日起：无适用规定" in caught.value.reason


def test_a_condition_compares_a_choice_or_enum_with_one_of_its_values() -> None:
    # covid_wage compared its computed basis with English names while the explanation sees the Chinese values:
    # every step's condition was false and every explanation empty (found in the audit of 2026-12-04)
    import re

    import yaml

    from kuaiban.rules.calculators.declarative import SPECS_DIR
    from kuaiban.rules.system import tax_benefit_system

    variables = tax_benefit_system().variables
    wrong = []
    for path in sorted(SPECS_DIR.glob("*.yaml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        choices = {i["name"]: set(i["choices"]) for i in spec.get("inputs", []) if i.get("choices")}
        inputs = {i["name"] for i in spec.get("inputs", [])}
        conditions = [str(item.get("when", "")) for item in [*spec.get("explain", []), *(spec.get("checks") or [])]]
        for condition in [*conditions, str(spec.get("ceiling", ""))]:
            for name, literal in re.findall(r"(\w+)\s*[!=]=\s*'([^']*)'", condition):
                if name in choices:
                    allowed = choices[name]
                elif name not in inputs and name in variables and variables[name].value_type.__name__ == "Enum":
                    allowed = {member.value for member in variables[name].possible_values}
                else:
                    continue
                if literal not in allowed:
                    wrong.append((path.stem, name, literal))
    assert wrong == []
