"""The calculator forms ask for a place by its name and name every missing input (tryout s21 item 7).

最低工资 asked citizens for a “GB/T 2260 行政区划代码” and an empty one was answered with the bare “缺少此字段”. A
text input holding a region code (`region_picker` in its spec) is now a list of places by name, the code posted, as
the CLI and the API still take it; a missing input is named on the form by its label.
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from kuaiban.app import create_app
from kuaiban.rules.calculators import CALCULATORS, get
from kuaiban.web.calc_forms import error_text, form_fields, place_options, read_form
from tests.programs.conftest import make_town

PICKERS = {"minimum_wage": "region_code", "poverty_job_search_subsidy": "region_code",
           "training_provider_subsidy": "enterprise_region_code"}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('s21calc') / 'k.db'}"
    make_town(url)
    return TestClient(create_app(url))


def _field_html(page: str, name: str) -> str:
    """The form's block of one field, from its label to the next field."""
    start = page.index(f'for="f-{name}"')
    end = page.find('<div class="field', start)
    return page[start:end if end > 0 else None]


def test_the_minimum_wage_form_offers_chongqings_districts_by_name(client) -> None:
    page = client.get("/calc/minimum_wage").text
    block = _field_html(page, "region_code")
    assert "<select" in block and '<option value="500103">重庆市渝中区</option>' in block
    assert "工作所在区县" in block and "按名称选择" in block
    # no code and no standard asked of the citizen
    assert "GB/T" not in block and "行政区划代码" not in block
    # 江北区 and 渝北区, named by the rule's text, offered although python-stdnum's table ends them in 2025
    assert "重庆市江北区（至2025年的区划）" in block


def test_a_picked_district_is_computed_as_its_code_was(client) -> None:
    form = {"month": "2022-05", "region": "重庆", "region_code": "500103"}
    page = client.post("/calc/minimum_wage", data=form)
    assert page.status_code == 200
    assert get("minimum_wage").run(form)["value"] == 2100  # 渝中区: 第一档 (渝人社发〔2021〕52号 一（一）)
    assert "2100" in page.text or "2,100" in page.text


def test_an_empty_district_is_asked_for_by_name(client) -> None:
    page = client.post("/calc/minimum_wage", data={"month": "2022-05", "region": "重庆"})
    assert page.status_code == 422
    said = re.search(r'<p class="field-error" id="region_code-error">(.*?)</p>', page.text).group(1)
    assert said == "请填写“工作所在区县”"


def test_the_cli_and_api_contract_is_unchanged() -> None:
    """The input keeps its name and type (a text holding the code): ``--list --json`` and /api/calc say the same."""
    for name, field in PICKERS.items():
        described = next(f for f in get(name).describe()["inputs"] if f["name"] == field)
        assert described["type"] == "string" and set(described) == {"name", "type", "required", "description"}


@pytest.mark.parametrize(("name", "field"), sorted(PICKERS.items()))
def test_every_region_code_input_is_a_picker_by_name(name: str, field: str) -> None:
    form = next(f for f in form_fields(get(name)) if f.name == field)
    assert form.input_type == "select" and form.options
    assert all(not re.search(r"\d{6}", label) for _, label in form.options)  # names, not codes
    assert all(re.fullmatch(r"\d{6}", code) for code, _ in form.options)


def test_the_guangdong_picker_lists_guangzhou_and_its_districts() -> None:
    options = dict(place_options(("广东",)))
    assert options["440100"] == "广东省广州市" and options["440106"] == "广东省广州市天河区"


def test_no_missing_input_on_any_form_is_left_unnamed() -> None:
    """Every calculator, every required input left empty: the message under the field names it."""
    for name, calc in sorted(CALCULATORS.items()):
        labels = {f.name: f.label for f in form_fields(calc)}
        _, errors = read_form(calc, {})
        assert set(errors) == {f.name for f in calc.fields if f.required}, name
        for field, message in errors.items():
            shown = error_text(message, labels[field])
            assert "缺少此字段" not in shown and f"“{labels[field]}”" in shown, (name, field, shown)


def test_a_check_that_asks_for_an_input_names_it_on_the_form(client) -> None:
    """survivor_benefit's 退休人员 must give the months of pension drawn (a spec check, not the form's own)."""
    form = {"death_date": "2021-09-01", "status": "retired", "contribution_months": "246", "base_income": "2500"}
    page = client.post("/calc/survivor_benefit", data=form)
    said = re.search(r'<p class="field-error" id="pension_months-error">(.*?)</p>', page.text).group(1)
    assert said.startswith("请填写“") and said.endswith("”（退休人员必填）") and "缺少此字段" not in said
