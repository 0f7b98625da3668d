"""Population mode checks a date input that the refusals compare only with fixed days (a literal such as
'2020-01-01' or a parameter's day) once per span between those days, not once per distinct date: the
messages are the same as when each date was checked by value (tests/rules/data/s15_injury_gap_before.json was
written by population mode before this change, on the mixed file made below)."""

from __future__ import annotations

import itertools
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from kuaiban.rules.calculators import get
from kuaiban.rules.population import run_table

BEFORE = Path(__file__).parent / "data" / "s15_injury_gap_before.json"
KINDS = ["disability_allowance", "disability_pension_before_2004", "survivor_pension"]
DAYS = ["2019-12-30", "2019-12-31", "2020-01-01", "2020-01-02", "2005-05-05", "2021-03-01", None, "2020-02-30"]


def injury_mixed() -> pa.Table:
    """Both parts below, one after the other."""
    return pa.concat_tables([injury_combinations(), injury_random(3000)])


def injury_random(count: int) -> pa.Table:
    """湖南 and 重庆 rows with start dates spread over 2000–2021 (most rows a date of their own)."""
    rng = np.random.default_rng(20201231)
    hunan = rng.random(count) < 0.5
    kind = rng.integers(0, 3, count)
    days = np.datetime64("2000-01-01") + rng.integers(0, 8000, count)
    return pa.table({
        "region": np.where(hunan, "湖南", "重庆"), "month": np.where(hunan, "2020-03", "2021-01"),
        "work_injury_benefit_kind": np.array(KINDS)[kind],
        "disability_grade": pa.array(rng.integers(1, 9, count), mask=rng.random(count) < 0.2),
        "survivor_relation": pa.array(np.where(rng.random(count) < 0.5, "spouse", "other"),
                                      mask=rng.random(count) < 0.2),
        "monthly_benefit_before": np.round(rng.uniform(800, 5000, count), 2),
        "benefit_start_date": pa.array([str(day) for day in days], pa.string()),
        "work_assigned": rng.random(count) < 0.5,
        "drawing_basic_pension": pa.array(rng.random(count) < 0.3, mask=rng.random(count) < 0.2),
        "local_minimum_wage": pa.array(np.round(rng.uniform(1220, 1700, count), 0), mask=rng.random(count) < 0.5),
    })


def injury_combinations() -> pa.Table:
    """Every combination of the inputs the work-injury refusals read, the start dates on both sides of
    2020-01-01 and on it, missing, or not a date; values that are wrong in other ways too."""
    rows = list(itertools.product(
        ["湖南", "重庆", "北京", "火星"], ["2020-03", "2021-01", "2019-06", "2023-05"],
        KINDS, [None, 3, 6, 8],
        [None, "spouse"], DAYS, [None, True, False], [None, 1500.0]))
    columns = list(zip(*rows, strict=True))
    count = len(rows)
    return pa.table({
        "region": columns[0], "month": columns[1], "work_injury_benefit_kind": columns[2],
        "disability_grade": pa.array(columns[3], pa.int64()), "survivor_relation": pa.array(columns[4], pa.string()),
        "monthly_benefit_before": [-1.0 if i % 17 == 0 else [1500.0, 3000.0][i % 2] for i in range(count)],
        "benefit_start_date": pa.array(columns[5], pa.string()),
        "work_assigned": [i % 2 == 0 for i in range(count)],
        "drawing_basic_pension": pa.array(columns[6], pa.bool_()),
        "local_minimum_wage": pa.array(columns[7], pa.float64()),
    })


def _errors(table: pa.Table) -> list[str | None]:
    _, errors = run_table(get("work_injury_benefit_adjustment"), table)
    return list(errors)


def _as_dates(table: pa.Table) -> pa.Table:
    """The same rows with the start date as a date column (the invalid day missing instead)."""
    days = [None if day == "2020-02-30" else day for day in table.column("benefit_start_date").to_pylist()]
    index = table.column_names.index("benefit_start_date")
    return table.set_column(index, "benefit_start_date", pa.array(days, pa.string()).cast(pa.date32()))


def write_before() -> None:
    """Run once with the code before the change: the error column of both files."""
    table = injury_mixed()
    columns = {"text": _errors(table), "dates": _errors(_as_dates(table))}
    messages = sorted({message for column in columns.values() for message in column if message is not None})
    number = {message: i for i, message in enumerate(messages)}
    coded = {kind: [-1 if m is None else number[m] for m in column] for kind, column in columns.items()}
    BEFORE.write_text(json.dumps({"messages": messages} | coded, ensure_ascii=False, separators=(",", ":")) + "\n",
                      encoding="utf-8")


def before(kind: str) -> list[str | None]:
    stored = json.loads(BEFORE.read_text(encoding="utf-8"))
    return [None if code < 0 else stored["messages"][code] for code in stored[kind]]


@pytest.mark.parametrize("kind", ["text", "dates"])
def test_injury_errors_equal_those_before_the_change(kind: str) -> None:
    table = injury_mixed()
    table = table if kind == "text" else _as_dates(table)
    assert _errors(table) == before(kind)


if __name__ == "__main__":
    write_before()


def test_which_dates_are_checked_by_span() -> None:
    """Dates the refusals compare only with fixed days; those a message names (the check refusing the date
    itself) are checked again by value where their span fails."""
    assert get("work_injury_benefit_adjustment").gap_date_bounds == {"benefit_start_date": ("2020-01-01", "2020-01-02")}
    assert set(get("hiring_subsidy").gap_date_bounds) == {"hiring_date"}
    assert set(get("funeral_grant").gap_date_bounds_shown) == {"injury_date", "work_injury_retirement_date"}
    assert set(get("contribution_deferral").gap_date_bounds_shown) == {"deferral_start"}
    # compared with another date of the row (arbitration_limitation's cause_removed), or read through
    # months_between (social_insurance_subsidy): by value
    assert not get("arbitration_limitation").gap_date_bounds_shown and not get("social_insurance_subsidy").gap_date_bounds


def _around_bounds(name: str, count: int) -> pa.Table:
    """`count` rows cycled from the calculator's examples, each date the spans read set to a day just before,
    on or just after one of its bounds, or missing."""
    calc = get(name)
    examples = [example["input"] for example in calc.examples]
    keys = [spec.name for spec in calc.fields if any(spec.name in example for example in examples)]
    columns = {key: [examples[i % len(examples)].get(key) for i in range(count)] for key in keys}
    bounds = calc.gap_date_bounds | calc.gap_date_bounds_shown
    for offset, (field, days) in enumerate(bounds.items()):
        near = [None] + [str(np.datetime64(day) + shift) for day in days for shift in (-1, 0, 1)
                         if day > "0002"]  # (a parameter's 0001-01-01: no day before it)
        columns[field] = [near[(i // (offset + 1) + offset) % len(near)] for i in range(count)]
    return pa.table({key: pa.array([None if v is None else str(v) if not isinstance(v, bool | int | float) else v
                                    for v in values]) for key, values in columns.items()})


@pytest.mark.parametrize("name", ["funeral_grant", "hiring_subsidy", "contribution_deferral", "pension_back_payment",
                                  "work_injury_benefit_adjustment"])
def test_span_checks_equal_the_checks_by_value(name: str) -> None:
    calc = get(name)
    table = _around_bounds(name, 600)
    by_value = replace(calc, gap_date_bounds={}, gap_date_bounds_shown={})
    values, errors = run_table(calc, table)
    expected_values, expected = run_table(by_value, table)
    assert list(errors) == list(expected)
    assert np.array_equal(values, expected_values, equal_nan=True)


def test_a_day_of_year_zero_is_refused_as_in_single_mode() -> None:
    """0000-12-31 passes the text's format but is no date: refused on its row (population mode crashed)."""
    calc = get("contribution_deferral")
    row = dict(calc.examples[0]["input"])
    table = pa.table({key: [value, "0000-12-31" if key == "deferral_start" else value] for key, value in row.items()})
    _, errors = run_table(calc, table)
    assert errors[1] == "deferral_start：不是有效的日期，请按 2021-05-20 这样的格式填写" and errors[0] != errors[1]
