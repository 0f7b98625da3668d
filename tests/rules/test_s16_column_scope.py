"""Column-wise evaluation of spec expressions (expressions.ColumnScope, used by population mode's gap checks):
per row, the same value as `Scope` gives that row alone, or `Unsupported`."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from kuaiban.rules.calculators import get
from kuaiban.rules.enums import Region
from kuaiban.rules.expressions import ColumnScope, Scope, Unsupported, render, render_rows, round_column

INSTANT = "2021-03-01"


def test_round_column_is_pythons_round() -> None:
    rng = np.random.default_rng(7)
    values = np.concatenate([
        rng.uniform(-1e4, 1e5, 20000), np.round(rng.uniform(0, 1e5, 5000), 3), rng.uniform(0, 1, 5000),
        (np.arange(-2000, 2000) + 0.5) / 100, (np.arange(-2000, 2000) + 0.5) / 1000,  # halves, as near as floats get
        [2.675, 1.005, 0.125, 0.375, -0.0, 0.0, 1e12 + 0.5, 123456789.125, 5e-7, -2.5, 2.5, 3.5],
    ])
    for digits in (0, 1, 2, 3, 6):
        got = round_column(values, digits)
        expected = [round(value, digits) for value in values.tolist()]
        assert got.tolist() == expected, digits
        assert [str(v) for v in got.tolist()] == [str(v) for v in expected]  # the sign of a zero too


DAYS = ["2019-02-28", "2020-02-29", "2019-11-30", "2019-12-01", "2020-05-28", "2020-05-29", "2021-12-31",
        "2000-01-31", "2024-02-29", "1999-12-31"]
EXPRESSIONS = [
    "years_after(d, 1)", "years_after(d, 2)", "day_after(d)", "months_between(d, e)", "months_between(d, '2021-05')",
    "d < e", "d <= '2020-05-29'", "'2019-12-01' <= d < e", "d == e", "d != None", "d == None",
    "x / 12", "round(x / 12 * 0.6, 2)", "round(x, 2) < y", "x < y or d > e", "not (x < y) and d < e",
    "x if d < e else y", "abs(x - y)", "min(x, y)", "max(x, 3)", "x // 7", "x % 7", "-x", "n * 12 >= 7",
    "n < 60 and x > y", "day(d) < years_after(e, 1)", "months_between(d, e) > 12 * 45",
]


@pytest.mark.parametrize("expression", EXPRESSIONS)
def test_column_scope_equals_scope_row_by_row(expression: str) -> None:
    rng = np.random.default_rng(11)
    count = 400
    d = np.array(DAYS, dtype="datetime64[D]")[rng.integers(0, len(DAYS), count)] + rng.integers(-2, 3, count)
    e = np.array(DAYS, dtype="datetime64[D]")[rng.integers(0, len(DAYS), count)]
    x = np.round(rng.uniform(1000, 90000, count), 2)
    y = np.where(rng.random(count) < 0.3, x, np.round(rng.uniform(1000, 90000, count), 2))
    n = rng.integers(0, 100, count)
    columns = {"d": d, "e": e, "x": x, "y": y, "n": n}
    got = ColumnScope(dict(columns), INSTANT, None, count).evaluate(expression)
    for i in range(count):
        row = {"d": d[i].item(), "e": e[i].item(), "x": float(x[i]), "y": float(y[i]), "n": int(n[i])}
        expected = Scope(row, INSTANT).evaluate(expression)
        value = got[i].item() if isinstance(got, np.ndarray) else got
        assert (value == expected and type(value) is type(expected)) or \
            (isinstance(value, bool) and isinstance(expected, bool) and value == expected), (expression, row)


def test_what_a_column_cannot_do_is_unsupported() -> None:
    days = np.array(["2020-01-01", "2021-01-01"], dtype="datetime64[D]")
    amounts = np.array([1.0, 0.0])
    scope = ColumnScope({"d": days, "x": amounts}, INSTANT, None, 2)
    for expression in ("d + 1", "d < 3", "1 / x", "d in ('2020-01-01',)", "d < None", "(x, 1)"):
        with pytest.raises(Unsupported):
            scope.evaluate(expression)


def test_render_rows_shows_each_rows_value_as_render_does() -> None:
    x = np.array([84000.0, 100000.0, 123456.78, 99999.99])
    template = "{round(x / 12 * 0.6, 2)}元至{round(x / 12 * 3, 2)}元（{round(x / 12, 2)}元的{0.6:%}）"
    got = render_rows(template, ColumnScope({"x": x}, INSTANT, None, 4), np.array([True, False, True, True]))
    assert got == [render(template, Scope({"x": float(value)}, INSTANT)) for value in x[[0, 2, 3]].tolist()]
    assert render_rows("{0.6:%}", ColumnScope({"x": x}, INSTANT, None, 4), np.ones(4, bool)) == "60%"


def test_which_inputs_are_checked_as_columns() -> None:
    assert get("pension_back_payment").gap_column_fields == (
        "average_wage_last_year", "chosen_contribution_base", "contribution_months", "extended_months_paid")
    assert get("social_insurance_subsidy").gap_column_fields == (
        "birth_date", "si_first_approval_date", "si_months_received")
    assert get("unemployment_benefit_to_retirement").gap_column_fields == (
        "benefit_end_date", "statutory_retirement_date")
    # dates read only against fixed days stay grouped by span (work injury's start date)
    assert "benefit_start_date" not in get("work_injury_benefit_adjustment").gap_column_fields


def test_gap_columns_gives_gap_row_by_row() -> None:
    """unemployment_benefit_to_retirement's 上海 check (dates against one another and anniversaries) on every
    day around its bounds: each row's message is `gap`'s for that row."""
    calc = get("unemployment_benefit_to_retirement")
    ends = [date(2019, 11, 25) + timedelta(days=k) for k in range(0, 200, 3)]
    retire = [date(2020, 7, 25) + timedelta(days=k) for k in range(0, 800, 9)]
    pairs = [(end, day) for end in ends for day in retire]
    shared = {"region": Region("上海"), "month": "2020-08", "unemployment_benefit_exhausted": True}
    columns = {"benefit_end_date": np.array([p[0] for p in pairs], dtype="datetime64[D]"),
               "statutory_retirement_date": np.array([p[1] for p in pairs], dtype="datetime64[D]")}
    codes, messages = calc.gap_columns(shared, columns, len(pairs))
    expected = [calc.gap(shared | {"benefit_end_date": end, "statutory_retirement_date": day}) for end, day in pairs]
    assert [None if code < 0 else messages[code] for code in codes.tolist()] == expected
    assert 0 < sum(message is not None for message in expected) < len(pairs)
