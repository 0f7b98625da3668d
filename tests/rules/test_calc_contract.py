"""`kuaiban calc`: the contract other tools rely on (output shape, errors, batch, listing)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from kuaiban.cli import app

runner = CliRunner()

HUNAN_RETIREE = {
    "region": "湖南",
    "year": 2020,
    "scheme": "enterprise",
    "contribution_months": 361,
    "pension_base": 2000,
    "birth_date": "1949-12-31",
    "retirement_date": "2009-12-31",
    "county": "吉首市",
}


def calc(*args: str, stdin: str = "") -> tuple[int, str]:
    result = runner.invoke(app, ["calc", *args], input=stdin)
    return result.exit_code, result.stdout


def test_single_mode_prints_value_details_and_cited_steps() -> None:
    code, out = calc("pension_adjustment", "--json", stdin=json.dumps(HUNAN_RETIREE))
    assert code == 0
    result = json.loads(out)
    assert set(result) == {"calculator", "value", "unit", "details", "explanation"}
    assert result["value"] == 154.4
    assert result["unit"] == "CNY/month"
    for item in result["explanation"]:
        assert set(item) == {"text", "value", "source"}
        assert set(item["source"]) == {"doc_no", "article", "quote"}
        assert item["source"]["doc_no"].startswith("湘人社规〔2020〕11号")


def test_without_json_flag_output_is_still_the_same_json_object() -> None:
    code, out = calc("pension_adjustment", stdin=json.dumps(HUNAN_RETIREE))
    assert code == 0
    assert json.loads(out)["value"] == 154.4


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"contribution_months": None}, "缴费月数：缺少此字段"),
        ({"pension_base": "2000"}, "本人上年12月基本养老金：应为数字（您填写的是「2000」）"),
        ({"pension_base": -1}, "本人上年12月基本养老金：不能为负数（您填写的是 -1）"),
        ({"contribution_months": 12.5}, "缴费月数：应为整数（您填写的是 12.5）"),
        ({"birth_date": "1949/12/31"}, "出生日期：不是有效的日期，请按 2021-05-20 这样的格式填写（您填写的是「1949/12/31」）"),
        ({"birth_date": "1953-02-29"}, "出生日期：不是有效的日期，请按 2021-05-20 这样的格式填写（您填写的是「1953-02-29」）"),
        ({"region": "火星"}, "参保地：未知地区「火星」，可选：湖南、重庆"),
        ({"scheme": "army"}, "养老保险类别：取值「army」无效，可选：企业职工、机关事业单位"),
        ({"year": 2019}, "调整年度：所收政策文件对 湖南 2019 年 没有规定，无法计算（已有规定：2020 年，湘人社规〔2020〕11号）"),
        ({"region": "重庆"}, "调整年度：所收政策文件对 重庆 2020 年 没有规定，无法计算（已有规定：2021 年，渝人社发〔2021〕22号）"),
        ({"region": "北京"}, "参保地：所收政策文件对 北京 没有规定，无法计算（已有规定：湖南 2020 年，湘人社规〔2020〕11号；"
                             "重庆 2021 年，渝人社发〔2021〕22号）"),
        ({"contributon_months": 5}, "contributon_months：计算器 pension_adjustment 没有此字段（是否拼写有误？），"
                                    "可用字段：birth_date、contribution_months、"),
    ],
)
def test_bad_input_or_gap_gives_chinese_error_naming_field_and_exit_2(change: dict, message: str) -> None:
    raw = {**HUNAN_RETIREE, **change}
    raw = {key: value for key, value in raw.items() if value is not None}
    code, out = calc("pension_adjustment", "--json", stdin=json.dumps(raw, ensure_ascii=False))
    assert code == 2
    result = json.loads(out)
    assert list(result) == ["error"]
    assert result["error"].startswith(message)


def test_unknown_calculator_and_non_json_input_are_errors() -> None:
    code, out = calc("no_such_thing", stdin="{}")
    assert code == 2
    assert json.loads(out)["error"].startswith("calculator：取值「no_such_thing」无效，可选：pension_adjustment、")
    code, out = calc("contribution_base", stdin="not json")
    assert code == 2 and json.loads(out) == {"error": "input：不是有效的 JSON（第 1 行第 1 列有误）"}
    code, out = calc("contribution_base", stdin="[1]")
    assert code == 2 and json.loads(out) == {"error": "输入：应为 JSON 对象 {...}"}


def test_retiree_after_cut_off_gets_zero_with_the_reason() -> None:
    raw = {**HUNAN_RETIREE, "retirement_date": "2020-01-01"}
    code, out = calc("pension_adjustment", "--json", stdin=json.dumps(raw))
    result = json.loads(out)
    assert code == 0 and result["value"] == 0
    assert "不在本次调整范围" in result["explanation"][0]["text"]


def test_batch_answers_each_line_in_order_errors_included() -> None:
    lines = [
        {"calculator": "contribution_base", "input": {"region": "重庆", "year": 2021, "monthly_wage": 1}},
        {"calculator": "contribution_base", "input": {"region": "北京", "year": 2020, "monthly_wage": 1}},
        {"calculator": "unemployment_benefit",
         "input": {"region": "北京", "month": "2020-07", "contribution_months": 240, "benefit_month": 1}},
    ]
    stdin = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\nnot json\n"
    code, out = calc("--batch", stdin=stdin)
    results = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert [r.get("value") for r in results] == [3699.0, None, 1925.0, None]
    assert results[1]["error"].startswith("参保地：汇编未给出北京的缴费基数上下限数额（京人社保字〔2020〕68号")
    assert results[3] == {"error": "line：不是有效的 JSON（第 1 行第 1 列有误）"}


def test_list_describes_inputs_coverage_and_sources() -> None:
    code, out = calc("--list", "--json")
    listing = json.loads(out)["calculators"]
    assert code == 0
    by_name = {entry["name"]: entry for entry in listing}
    assert {"pension_adjustment", "contribution_base", "survivor_benefit", "unemployment_benefit"} <= set(by_name)
    for entry in listing:
        assert entry["inputs"] and entry["coverage"] and entry["sources"]
        for field in entry["inputs"]:
            assert {"name", "type", "required"} <= set(field)
    wage = next(f for f in by_name["contribution_base"]["inputs"] if f["name"] == "monthly_wage")
    assert wage["unit"] == "CNY/month"


def test_survivor_benefit_details_and_ceiling_note() -> None:
    raw = {"death_date": "2021-09-01", "status": "employed", "contribution_months": 59, "base_income": 3000}
    code, out = calc("survivor_benefit", "--json", stdin=json.dumps(raw))
    result = json.loads(out)
    assert code == 0
    assert result["details"]["funeral_grant"] == 6000 and result["details"]["pension_months"] == 3
    assert result["value"] == 15000 and result["details"]["is_ceiling"] is True
    assert "上限" in result["explanation"][-1]["text"]


def test_survivor_benefit_before_the_rule_is_a_gap() -> None:
    raw = {"death_date": "2021-08-31", "status": "employed", "contribution_months": 59, "base_income": 3000}
    code, out = calc("survivor_benefit", "--json", stdin=json.dumps(raw))
    assert code == 2
    assert json.loads(out)["error"].startswith("死亡日期：所收政策文件对 2021-08-31 没有规定，无法计算（已有规定：2021-09-01 起，人社部发〔2021〕18号；")


def test_a_whole_number_too_large_for_the_rules_is_a_chinese_error_not_a_crash():
    """An integer beyond what the simulation holds (2^64 − 1 months) is refused naming the field."""
    from kuaiban.rules.calculators import CalculatorError, get

    calc = get("unemployment_benefit")
    case = {"region": "北京", "month": "2020-08", "contribution_months": 60, "benefit_month": 2**64 - 1}
    with pytest.raises(CalculatorError) as refused:
        calc.run(case)
    assert refused.value.field == "benefit_month" and "数值过大" in str(refused.value)


def test_an_error_names_the_field_by_its_label_and_keeps_the_key_as_data() -> None:
    # a caseworker sees 月工资, the form's word; a program reads .field (the API's "field")
    from kuaiban.rules.calculators import CalculatorError, get

    with pytest.raises(CalculatorError) as caught:
        get("contribution_base").run({"region": "湖南", "year": 2020})
    assert caught.value.field == "monthly_wage"
    assert str(caught.value) == "月工资：缺少此字段" and caught.value.reason == "缺少此字段"


def test_every_worked_example_prints_through_the_cli() -> None:
    # the CLI writes plain JSON: a date in an answer or a step (a scheme's start the user gives) is a string
    from kuaiban.rules.calculators import CALCULATORS

    for name, calc in CALCULATORS.items():
        for example in calc.examples:
            result = runner.invoke(app, ["calc", name, "--json"], input=json.dumps(example["input"], ensure_ascii=False))
            assert result.exit_code == 0, (name, result.output, result.exception)
            assert "error" not in json.loads(result.output), (name, result.output)
