"""A held month's amount decided with a month not written as one (review2, session 16): refused naming the
field, asked by example (请按 2021-11 这样的格式填写), never by a pattern (年-月), nothing changed."""

from __future__ import annotations

import pytest

from kuaiban.platform.errors import Invalid
from kuaiban.programs import held
from tests.programs.helpers import DECIDED, build_flex, corrected_after_decision, schedule


def test_a_bad_month_is_asked_by_example_and_changes_nothing(town) -> None:
    claim_id = corrected_after_decision(town)
    build_flex(town, "2021-11")
    # (2021年11月 is read as 2021-11 since session 20: one reader of typed months, kuaiban.platform.dates)
    for month in ("2021年13月", "2021-13", "", "11"):
        with pytest.raises(Invalid) as caught, town.session() as s:
            held.confirm(s, town.hunan_reviewer, claim_id, month, choice="decided", reason="理由")
        assert caught.value.field == "month"
        assert "请按 2021-11 这样的格式填写" in caught.value.message and "年-月" not in caught.value.message
    assert schedule(town, claim_id)[0] == ("2021-11", DECIDED, "held")
