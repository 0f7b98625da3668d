"""A refused calculator input names the value it received as the user wrote it (ux review s21, item 2).

Before, a spec's own check saw the parsed value and printed its Python form: “（您填写的是 0.0）”, “（您填写的是 200000.0）”
for an amount typed 200000, “（您填写的是 false）” for a 否. Every refusal path builds its text with
``messages.error`` → ``messages.shown``, so these cover them all: the per-type checks of ``parse_value`` (a web
form's text, a JSON number), a spec's checks (``gap``) and the population checks' per-row messages.
"""

from __future__ import annotations

from enum import Enum

import numpy as np
import pytest

from kuaiban.rules import messages as msg
from kuaiban.rules.calculators import CalculatorError, get, parse_value
from kuaiban.web import calc_forms

SURVIVOR = {"death_date": "2021-09-01", "status": "employed", "contribution_months": "59"}


@pytest.mark.parametrize(("received", "written"), [
    (0, "0"), (0.0, "0"), (3000.0, "3000"), (-3000.0, "-3000"), (2.5, "2.5"), (0.1, "0.1"),
    (1e-05, "0.00001"), (123456789.125, "123456789.125"), (np.int64(5), "5"), (np.float64(7.0), "7"),
    (True, "是"), (False, "否"), (np.bool_(False), "否"), (None, "空值"), ("三十年", "「三十年」"),
])
def test_a_received_value_reads_as_written(received, written) -> None:
    assert msg.shown(received) == written


def test_a_choice_is_shown_by_its_word_not_its_python_form() -> None:
    class Place(Enum):
        hunan = "湖南"

    assert msg.shown(Place.hunan) == "「湖南」"
    assert "Place" not in msg.error("region", "未覆盖", Place.hunan)


def test_an_amount_typed_zero_on_the_form_is_refused_with_a_clean_zero() -> None:
    calc = get("survivor_benefit")
    for typed in ("0", "0.00", "０"):
        _, errors = calc_forms.read_form(calc, SURVIVOR | {"base_income": typed})
        assert errors["base_income"].endswith("（您填写的是 0）"), errors
    # and the page shows the message without the field's English key
    assert calc_forms.error_text(errors["base_income"]).startswith("不能为0")


@pytest.mark.parametrize(("field_type", "received", "message"), [
    ("number", -3000.0, "不能为负数（您填写的是 -3000）"),
    ("share", 1.5, "应为 0 到 1 之间的比例，如 0.2 表示 20%（您填写的是 1.5）"),
    ("integer", 2.5, "应为整数（您填写的是 2.5）"),
    ("number", True, "应为数字（您选择的是“是”）"),
])
def test_the_per_type_checks_show_the_number_as_written(field_type, received, message) -> None:
    from kuaiban.rules.calculators.base import Field

    with pytest.raises(CalculatorError) as refused:
        parse_value(Field("x", field_type, "某数"), received)
    assert str(refused.value) == f"x：{message}"


def test_a_spec_check_shows_an_amount_without_a_trailing_point_zero() -> None:
    """business_loan refuses a local limit where the texts print the amount; the limit was typed 200000."""
    case = {"region": "山东", "contract_date": "2020-04-01", "loan_borrower": "个人", "loan_lpr": 0.0405,
            "loan_rate": 0.05, "loan_amount": 150000, "loan_local_limit": 200000}
    with pytest.raises(CalculatorError) as refused:
        get("business_loan").run(case)
    assert str(refused.value).endswith("请不要填写此项（您填写的是 200000）")


def test_a_spec_check_on_a_yes_no_answer_shows_it_in_chinese() -> None:
    case = {"query_date": "2020-07-01", "region": "湖南", "enterprise_size": "micro", "deferral_start": "2020-03-01",
            "serious_difficulty": False}
    with pytest.raises(CalculatorError) as refused:
        get("contribution_deferral").run(case)
    assert str(refused.value).endswith("（您选择的是“否”）")
    assert "false" not in str(refused.value)
