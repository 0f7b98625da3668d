"""A share (a rate, a ratio) may be typed as people write it — 27%, ３.８５％ — in the JSON, the CLI and the forms
(one converter, kuaiban.rules.calculators.base.parse_value); other text is still refused naming the field (rules
audit s14 and usability review s14: “27%” in 适用费率合计 came back as 应为数字)."""

from __future__ import annotations

import pytest

from kuaiban.rules.calculators import CalculatorError, get
from kuaiban.rules.calculators.base import parse_value


def share_field():
    return next(f for f in get("social_insurance_relief").fields if f.name == "employer_rate")


@pytest.mark.parametrize(("typed", "value"), [("27%", 0.27), ("２７％", 0.27), ("3.85 %", 0.0385), (0.16, 0.16)])
def test_a_percentage_reads_as_its_fraction(typed, value):
    assert parse_value(share_field(), typed) == pytest.approx(value)


@pytest.mark.parametrize(("typed", "why"), [("abc", "应为数字"), ("270%", "0 到 1"), ("27", "应为数字")])
def test_other_text_and_shares_above_one_are_refused_at_the_field(typed, why):
    with pytest.raises(CalculatorError) as refused:
        parse_value(share_field(), typed)
    assert refused.value.field == "employer_rate" and why in str(refused.value)


def test_population_mode_reads_percentages_as_single_mode_does():
    """Review s14: a CSV cell “0.5%” was refused in population mode while single mode took it."""
    import numpy as np
    import pyarrow as pa

    from kuaiban.rules.population import RowErrors, _shares_from_text

    column = pa.chunked_array([["27%", "0.5", "２７％", "abc", " 3.85 % "]])
    errors = RowErrors(5)
    values = _shares_from_text(column, errors, np.ones(5, dtype=bool), "employer_rate").to_pylist()
    assert values[0] == pytest.approx(0.27) and values[1] == 0.5 and values[2] == pytest.approx(0.27)
    assert values[4] == pytest.approx(0.0385)
    assert [m is not None for m in errors.as_objects()] == [False, False, False, True, False]
