"""Population mode evaluates the refusals of a spec column-wise over inputs it reads by value (an amount, a
date compared with another input of the row), once per combination of the other inputs, instead of calling
the scalar check once per distinct value: the values and messages are the same as before.
tests/rules/data/s16_gap_columns_before.json was written by population mode before this change (main 0ed05fa),
on the mixed files made below (`python tests/rules/test_s16_gap_columns.py` writes it again)."""

from __future__ import annotations

import json
import zlib
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from kuaiban.rules.calculators import get
from kuaiban.rules.population import run_table

BEFORE = Path(__file__).parent / "data" / "s16_gap_columns_before.json"
NAMES = ["pension_back_payment", "social_insurance_subsidy", "unemployment_benefit_to_retirement"]
ROWS = 4000


def _days(rng: np.random.Generator, count: int, start: str, stop: str) -> list[str]:
    first = date.fromisoformat(start)
    span = (date.fromisoformat(stop) - first).days
    return [str(first + timedelta(days=int(d))) for d in rng.integers(0, span, count)]


def _maybe(rng: np.random.Generator, values: list, share: float) -> list:
    """`values` with about `share` of them missing."""
    gone = rng.random(len(values)) < share
    return [None if g else v for v, g in zip(values, gone, strict=True)]


def _pick(rng: np.random.Generator, choices, count: int) -> list:
    return [choices[i] for i in rng.integers(0, len(choices), count)]


def pension_rows(count: int) -> pa.Table:
    """重庆 back payments: both cases, each optional input often missing, insured dates on both sides of
    2011-06-30, chosen bases at, just inside and just outside the bounds (60 % and 300 % of the monthly average
    wage), some amounts negative or regions unknown."""
    rng = np.random.default_rng(zlib.crc32(b"pension_back_payment"))
    wages = np.round(rng.uniform(50000, 130000, count), 2)
    fixed = rng.random(count) < 0.3
    wages[fixed] = rng.choice([84000.0, 100000.0, 123456.78, 99999.99], int(fixed.sum()))
    average = wages / 12
    edge = rng.integers(0, 8, count)
    floor, ceiling = np.round(average * 0.6, 2), np.round(average * 3, 2)
    bases = np.select([edge == 0, edge == 1, edge == 2, edge == 3, edge == 4, edge == 5],
                      [floor, floor - 0.01, ceiling, ceiling + 0.01, floor + 0.01, ceiling - 0.01],
                      np.round(rng.uniform(1000, 40000, count), 2))
    insured = _days(rng, count, "1995-01-01", "2022-01-01")
    insured = [["2011-06-30", "2011-07-01", "2011-06-29"][i % 3] if i % 5 == 0 else d for i, d in enumerate(insured)]
    regions = ["火星" if i % 97 == 0 else "重庆" for i in range(count)]
    wages_out = [-1.0 if i % 89 == 0 else float(w) for i, w in enumerate(wages)]
    return pa.table({
        "region": regions,
        "month": _pick(rng, ["2022-01", "2022-03", "2021-12", "2023-07", "2022-01-15"], count),
        "pension_payment_case": _pick(rng, ["用人单位职工补缴", "延长缴费后一次性缴费", "延长缴费后一次性缴费"], count),
        "average_wage_last_year": wages_out,
        "back_payment_kind": pa.array(_maybe(rng, _pick(rng, ["headcount_or_months", "base"], count), 0.5)),
        "index_sum_until_2019_04": pa.array(_maybe(rng, np.round(rng.uniform(0, 5, count), 2).tolist(), 0.4)),
        "index_sum_from_2019_05": pa.array(_maybe(rng, np.round(rng.uniform(0, 5, count), 2).tolist(), 0.4)),
        "back_paid_years": pa.array(_maybe(rng, np.round(rng.uniform(0, 10, count), 1).tolist(), 0.3)),
        "pension_insured_since": pa.array(_maybe(rng, insured, 0.15), pa.string()),
        "contribution_months": pa.array(_maybe(rng, rng.integers(100, 200, count).tolist(), 0.15), pa.int64()),
        "extended_months_paid": pa.array(_maybe(rng, rng.integers(40, 80, count).tolist(), 0.15), pa.int64()),
        "chosen_contribution_base": pa.array(_maybe(rng, bases.tolist(), 0.2), pa.float64()),
    })


SI_GROUPS = list(get("social_insurance_subsidy").spec.by_name["si_group"].choices)
SI_TYPES = list(get("social_insurance_subsidy").spec.by_name["si_employer_type"].choices)


def subsidy_rows(count: int) -> pa.Table:
    """湖南, 天津 and 山东 social insurance subsidies: every mode, group and employer type, months on both sides
    of the rules' starts, births and first approvals spread so that the age tests (months between them) fall
    either way, received months around the limits, optional inputs often missing."""
    rng = np.random.default_rng(zlib.crc32(b"social_insurance_subsidy"))
    months = ["2020-05", "2020-09", "2020-12", "2021-01", "2021-05", "2021-07", "2022-03", "2020-06-10"]
    return pa.table({
        "region": _pick(rng, ["湖南", "天津", "山东", "湖南", "天津", "北京"], count),
        "month": _pick(rng, months, count),
        "si_mode": _pick(rng, ["灵活就业（个人申领）", "单位招用或公益性岗位安排（单位申领）"], count),
        "si_group": _pick(rng, SI_GROUPS, count),
        "si_first_approval_date": _days(rng, count, "2018-01-01", "2022-01-01"),
        "si_months_received": [-1 if i % 101 == 0 else int(m) for i, m in enumerate(rng.integers(0, 72, count))],
        "sex": pa.array(_maybe(rng, _pick(rng, ["女", "男"], count), 0.2)),
        "birth_date": pa.array(_maybe(rng, _days(rng, count, "1955-01-01", "2000-01-01"), 0.2), pa.string()),
        "si_retirement_date": pa.array(_maybe(rng, _days(rng, count, "2020-01-01", "2035-01-01"), 0.5), pa.string()),
        "graduation_date": pa.array(_maybe(rng, _days(rng, count, "2017-01-01", "2022-01-01"), 0.3), pa.string()),
        "si_dual_hardship": pa.array(_maybe(rng, (rng.random(count) < 0.5).tolist(), 0.5), pa.bool_()),
        "si_employer_type": pa.array(_maybe(rng, _pick(rng, SI_TYPES, count), 0.3)),
        "si_employer_paid": pa.array(_maybe(rng, np.round(rng.uniform(300, 2000, count), 2).tolist(), 0.3)),
        "si_all_three_paid": pa.array(_maybe(rng, (rng.random(count) < 0.7).tolist(), 0.3), pa.bool_()),
        "si_personal_paid": pa.array(_maybe(rng, np.round(rng.uniform(300, 2000, count), 2).tolist(), 0.3)),
        "si_rate": pa.array(_maybe(rng, np.round(rng.uniform(0.1, 0.3, count), 3).tolist(), 0.3)),
        "si_injury_rate": pa.array(_maybe(rng, np.round(rng.uniform(0.002, 0.01, count), 4).tolist(), 0.5)),
        "si_average_wage": pa.array(_maybe(rng, np.round(rng.uniform(4000, 9000, count), 2).tolist(), 0.3)),
        "si_minimum_base": pa.array(_maybe(rng, np.round(rng.uniform(2000, 4000, count), 2).tolist(), 0.5)),
    })


def retirement_rows(count: int) -> pa.Table:
    """Benefits to retirement in 上海 and elsewhere: end dates around 2019-11-30 / 2020-05-29, retirement
    dates around the month's start plus one and two years (29 February included), exhausted or not."""
    rng = np.random.default_rng(zlib.crc32(b"unemployment_benefit_to_retirement"))
    months = _pick(rng, ["2020-08", "2020-05", "2020-06", "2019-12", "2021-02", "2020-05-29", "2024-02"], count)
    ends = _days(rng, count, "2018-06-01", "2021-06-01")
    fixed_ends = ["2019-11-29", "2019-11-30", "2019-12-01", "2020-05-27", "2020-05-28", "2020-05-29", "2016-02-29"]
    ends = [fixed_ends[i % 7] if i % 4 == 0 else d for i, d in enumerate(ends)]
    retire = _days(rng, count, "2019-01-01", "2024-01-01")
    for i in range(0, count, 3):  # a day around an anniversary of the month's start or of the end date
        base = date.fromisoformat(f"{months[i][:7]}-01") if i % 2 else date.fromisoformat(ends[i])
        years = 1 + (i // 3) % 2
        try:
            anniversary = base.replace(year=base.year + years)
        except ValueError:
            anniversary = date(base.year + years, 3, 1)
        retire[i] = str(anniversary + timedelta(days=int(rng.integers(-1, 2))))
    regions = _pick(rng, ["上海", "上海", "上海", "湖南", "北京", "火星"], count)
    ends = [None if i % 53 == 0 else ("2020-02-30" if i % 211 == 0 else d) for i, d in enumerate(ends)]
    return pa.table({
        "region": regions, "month": months,
        "unemployment_benefit_exhausted": pa.array(_maybe(rng, (rng.random(count) < 0.8).tolist(), 0.02), pa.bool_()),
        "benefit_end_date": pa.array(ends, pa.string()),
        "statutory_retirement_date": retire,
    })


TABLES = {"pension_back_payment": pension_rows, "social_insurance_subsidy": subsidy_rows,
          "unemployment_benefit_to_retirement": retirement_rows}


def _as_dates(table: pa.Table) -> pa.Table:
    """The same rows with each date input as a date column (an impossible day missing instead)."""
    calc = get(table.schema.metadata[b"calculator"].decode()) if table.schema.metadata else None
    assert calc is not None
    for spec in calc.fields:
        if spec.type != "date" or spec.name not in table.column_names:
            continue
        days = []
        for day in table.column(spec.name).to_pylist():
            try:
                days.append(None if day is None else str(date.fromisoformat(day)))
            except ValueError:
                days.append(None)
        index = table.column_names.index(spec.name)
        table = table.set_column(index, spec.name, pa.array(days, pa.string()).cast(pa.date32()))
    return table


def mixed(name: str, dates: bool = False) -> pa.Table:
    table = TABLES[name](ROWS).replace_schema_metadata({"calculator": name})
    return _as_dates(table) if dates else table


def outcome(name: str, dates: bool = False) -> dict[str, list]:
    values, errors = run_table(get(name), mixed(name, dates))
    return {"values": [None if np.isnan(v) else round(float(v), 6) for v in values], "errors": list(errors)}


def write_before() -> None:
    """Run once with the code before the change: values and error column of each file."""
    stored: dict = {"messages": []}
    number: dict[str, int] = {}
    for name in NAMES:
        for kind in ("text", "dates"):
            result = outcome(name, kind == "dates")
            for message in result["errors"]:
                if message is not None and message not in number:
                    number[message] = len(stored["messages"])
                    stored["messages"].append(message)
            stored[f"{name}/{kind}"] = {"values": result["values"],
                                        "errors": [-1 if m is None else number[m] for m in result["errors"]]}
    BEFORE.write_text(json.dumps(stored, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")


def before(name: str, kind: str) -> dict[str, list]:
    stored = json.loads(BEFORE.read_text(encoding="utf-8"))
    part = stored[f"{name}/{kind}"]
    return {"values": part["values"],
            "errors": [None if code < 0 else stored["messages"][code] for code in part["errors"]]}


@pytest.mark.parametrize("kind", ["text", "dates"])
@pytest.mark.parametrize("name", NAMES)
def test_values_and_errors_equal_those_before_the_change(name: str, kind: str) -> None:
    got, expected = outcome(name, kind == "dates"), before(name, kind)
    assert got["errors"] == expected["errors"]
    assert got["values"] == expected["values"]


def test_the_mixed_files_reach_the_checks() -> None:
    """The stored files hold rows without an error, gap refusals of several checks and validation refusals."""
    stored = json.loads(BEFORE.read_text(encoding="utf-8"))
    for name in NAMES:
        errors = before(name, "text")["errors"]
        distinct = {message for message in errors if message is not None}
        assert errors.count(None) > ROWS // 20, name
        assert len(distinct) > 20, name
    assert len(stored["messages"]) > 100


if __name__ == "__main__":
    write_before()
