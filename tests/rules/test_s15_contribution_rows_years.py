"""缴费基数 in one simulation for rows of several years (session 15, issue 12 item 6): each row's year is an
input (`contribution_base_year`) and its floor and cap are looked up per row, so population mode runs rows of
2020 and 2021 together; every answer, explanation and refusal stays what one simulation per year gave."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest

from kuaiban.rules.calculators import CalculatorError, get
from kuaiban.rules.calculators.base import simulate
from kuaiban.rules.enums import Region
from kuaiban.rules.population import evaluate, read_table, run_population

REGIONS = ("湖南", "重庆", "上海", "天津", "北京", "山东", "500103")  # 500103: a county code of 重庆
YEARS = (2019, 2020, 2021, 2022)
WAGES = (0.0, 2800.0, 3364.0, 3699.0, 5000.0, 15162.0, 18495.5, 30000.0)


def single(row: dict) -> tuple[float | None, str | None]:
    try:
        return get("contribution_base").run(row)["value"], None
    except CalculatorError as error:
        return None, error.message


def test_one_simulation_reads_each_rows_own_year() -> None:
    regions = np.array([Region.hunan.index, Region.chongqing.index, Region.shanghai.index, Region.chongqing.index])
    years = np.array([2020, 2021, 2021, 2020], dtype=np.int32)
    out = simulate({"region": regions, "contribution_base_year": years, "monthly_wage": np.full(4, 1000.0)},
                   "2020", ("contribution_floor", "contribution_cap", "contribution_base"), 4)
    # 湖南 2020 and 重庆 2021 with their own figures; 上海 2021 and 重庆 2020 have none in force (NaN)
    np.testing.assert_array_equal(out["contribution_floor"], [2859.0, 3699.0, np.nan, np.nan])
    np.testing.assert_array_equal(out["contribution_cap"], [15162.0, 18495.0, np.nan, np.nan])
    np.testing.assert_array_equal(out["contribution_base"][:2], [2859.0, 3699.0])


def test_without_the_year_input_the_simulations_year_is_used() -> None:
    out = simulate({"region": np.array([Region.chongqing.index]), "monthly_wage": np.array([50000.0])}, "2021",
                   ("contribution_base",), 1)
    assert out["contribution_base"][0] == 18495.0


def test_years_far_apart_are_looked_up_year_by_year() -> None:
    years = np.array([2020, 2400, 2021], dtype=np.int32)  # more than a table's span apart
    regions = np.array([Region.tianjin.index, Region.tianjin.index, Region.chongqing.index])
    out = simulate({"region": regions, "contribution_base_year": years, "monthly_wage": np.full(3, 1.0)}, "2020",
                   ("contribution_floor",), 3)
    np.testing.assert_array_equal(out["contribution_floor"], [3364.0, np.nan, 3699.0])


def test_chongqing_2021_explanation_keeps_the_unit_rules() -> None:
    result = get("contribution_base").run({"region": "重庆", "year": 2021, "monthly_wage": 2000})
    assert result["value"] == 3699.0
    values = [step["value"] for step in result["explanation"]]
    assert 2800.0 in values and 0.14 in values  # 困难行业单位缴费基数下限, 小微企业养老保险单位缴费比例


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])  # regions dictionary-encoded (Parquet) or plain text
def test_mixed_years_and_regions_equal_single_mode_row_by_row(suffix: str, tmp_path: Path) -> None:
    rows = [{"region": r, "year": y, "monthly_wage": w} for r, y, w in itertools.product(REGIONS, YEARS, WAGES)]
    rows.append({"region": "湖南", "year": 2020, "monthly_wage": -1.0})  # bad input: its own message, not a gap
    source, out = tmp_path / f"in{suffix}", tmp_path / "out.parquet"
    table = pa.table({key: [row[key] for row in rows] for key in ("region", "year", "monthly_wage")})
    if suffix == ".csv":
        pcsv.write_csv(table, source)
    else:
        pq.write_table(table, source, row_group_size=37)  # several row groups
    run_population("contribution_base", source, out, progress=False)
    results = pq.read_table(out).to_pylist()
    calc = get("contribution_base")
    # a bad input: single mode's message, without the value received (population mode never echoes it)
    assert results.pop()["error"] == "月工资：不能为负数"
    for row, got in zip(rows[:-1], results, strict=True):
        value, error = single(row)
        assert got["value"] == value, row
        assert got["error"] == (None if error is None else calc.label_message(error)), row
    assert {got["value"] for got in results if got["error"] is None} >= {3699.0, 2859.0, 4927.0, 3364.0, 18495.0}


def test_every_row_valid_two_years_one_pass_each(tmp_path: Path) -> None:
    rng = np.random.default_rng(15)
    region = np.array(["上海", "天津", "湖南", "重庆"])[rng.integers(0, 4, 5000)]
    year = np.where(region == "重庆", 2021, 2020)
    wage = np.round(rng.uniform(0, 40000, 5000), 2)
    source = tmp_path / "in.parquet"
    pq.write_table(pa.table({"region": region, "year": year, "monthly_wage": wage}), source, row_group_size=999)
    values, errors = evaluate(get("contribution_base"), read_table(source))
    assert errors.count() == 0
    floors = {"上海": 4927.0, "天津": 3364.0, "湖南": 2859.0, "重庆": 3699.0}
    caps = {"上海": 28017.0, "天津": 18969.0, "湖南": 15162.0, "重庆": 18495.0}
    expected = np.minimum(np.maximum(wage, [floors[r] for r in region]), [caps[r] for r in region])
    np.testing.assert_array_equal(values, expected)


def test_a_region_without_a_rule_in_a_covered_year_is_refused_per_row(tmp_path: Path) -> None:
    source, out = tmp_path / "in.parquet", tmp_path / "out.parquet"
    pq.write_table(pa.table({"region": ["湖南", "湖南", "重庆", "上海"], "year": [2020, 2021, 2021, 2021],
                             "monthly_wage": [1000.0, 1000.0, 1000.0, 1000.0]}), source)
    run_population("contribution_base", source, out, progress=False)
    got = pq.read_table(out).to_pylist()
    assert [row["value"] for row in got] == [2859.0, None, 3699.0, None]
    assert got[1]["error_field"] == "year" and "2020 年" in got[1]["error"]
    assert got[3]["error_field"] == "year" and "上海 2021 年" in got[3]["error"]


DECODABLE = ["contribution_base", "flexible_contribution_deadline", "pension_adjustment_ceiling", "phased_base_floor",
             "residents_contribution_subsidy"]  # every gap field a region, year, choice or integer


def _table_for(name: str, rows: int) -> pa.Table:
    """Valid inputs of every field, regions and years (the gap fields) varied across rows that cover and do not."""
    rng = np.random.default_rng(len(name))
    plain = {"number": 1000.0, "share": 0.1, "integer": 10, "boolean": False, "date": "2020-06-01",
             "month": "2020-06", "string": "甲"}
    columns = {}
    for spec in get(name).fields:
        if spec.type == "region":
            columns[spec.name] = np.array(["湖南", "重庆", "北京", "山东", "天津", "上海"])[rng.integers(0, 6, rows)]
        elif spec.type == "year":
            columns[spec.name] = rng.integers(2019, 2024, rows)
        elif spec.type == "choice":
            columns[spec.name] = np.array(spec.choices)[rng.integers(0, len(spec.choices), rows)]
        else:
            columns[spec.name] = [plain[spec.type]] * rows
    return pa.table(columns)


@pytest.mark.parametrize("name", DECODABLE)
def test_gap_checks_by_possible_combination_equal_the_grouped_checks(name: str, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import kuaiban.rules.population as population

    source = tmp_path / "in.parquet"
    pq.write_table(_table_for(name, 3000), source, row_group_size=700)
    table = read_table(source)
    taken: list[bool] = []
    check = population._check_decoded
    monkeypatch.setattr(population, "_check_decoded", lambda *args: taken.append(check(*args)) or taken[-1])
    _, fast = evaluate(get(name), table)
    monkeypatch.setattr(population, "_check_decoded", lambda calc, prep, rows: False)
    _, grouped = evaluate(get(name), table)
    assert taken == [True]  # the combination-first check ran
    assert fast.count() > 0  # some rows refused
    assert list(fast.as_objects()) == list(grouped.as_objects())
