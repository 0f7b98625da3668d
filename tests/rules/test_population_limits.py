"""`kuaiban calc --population`: column and row caps with a Chinese error; CSV output runs no formula."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from kuaiban.rules.calculators import CalculatorError, get
from kuaiban.rules.population import EXTRA_COLUMNS, check_shape, run_population


def test_a_csv_wider_than_the_calculator_plus_a_few_columns_is_refused(tmp_path: Path) -> None:
    calc = get("unemployment_benefit")
    header = [f.name for f in calc.fields] + [f"x{i}" for i in range(EXTRA_COLUMNS + 1)]
    source = tmp_path / "wide.csv"
    source.write_text(",".join(header) + "\n", encoding="utf-8")
    with pytest.raises(CalculatorError, match="列数过多"):
        run_population("unemployment_benefit", source, tmp_path / "out.csv", progress=False)


def test_a_parquet_file_is_checked_from_its_metadata(tmp_path: Path) -> None:
    calc = get("unemployment_benefit")
    source = tmp_path / "wide.parquet"
    pq.write_table(pa.table({f"c{i}": [1] for i in range(len(calc.fields) + EXTRA_COLUMNS + 1)}), source)
    with pytest.raises(CalculatorError, match="列数过多"):
        run_population("unemployment_benefit", source, tmp_path / "out.parquet", progress=False)


def test_too_many_rows_are_refused_in_chinese() -> None:
    with pytest.raises(CalculatorError, match="行数过多：上限 10 行"):
        check_shape(get("unemployment_benefit"), 4, 11, max_rows=10)


def test_the_csv_result_quotes_formulas(tmp_path: Path) -> None:
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text("region,month,contribution_months,benefit_month,note\n"
                      "北京,2020-08,60,1,=1+1\n=cmd,2020-08,60,1,x\n", encoding="utf-8")
    run_population("unemployment_benefit", source, out, progress=False)
    assert out.read_text(encoding="utf-8").splitlines()[1:] == [
        '"北京","2020-08",60,1,"\'=1+1",1843,,',
        '"\'=cmd","2020-08",60,1,"x",,"参保地：未知地区，可选：湖南、重庆、北京、山东","region"',
    ]
