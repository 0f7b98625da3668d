"""Population mode gives the single-mode answer for calculators dated to the day (以工代训, application days)
and for month inputs that set date variables (the month trained)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from kuaiban.rules.calculators import get
from kuaiban.rules.population import run_population

CASES = {
    "work_for_training_subsidy": [
        {"application_date": "2020-04-10", "region": "湖南", "enterprise_size": "small", "training_month": "2020-03",
         "wfts_trainees": 3, "wfts_city_period_months": 6},
        {"application_date": "2020-11-05", "region": "山东", "enterprise_size": "medium", "training_month": "2020-10",
         "wfts_trainees": 100, "work_for_training_kind": "distressed", "revenue_drop": 0.3, "wfts_received": 280000},
        {"application_date": "2020-10-27", "region": "山东", "enterprise_size": "small", "training_month": "2020-09",
         "wfts_trainees": 100, "work_for_training_kind": "distressed", "revenue_drop": 0.8, "wfts_received": 90000},
    ],
    "maternity_reserve": [{"month": "2020-07", "region": "天津", "pregnant_employees": 3}],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_population_rows_equal_single_mode(name: str, tmp_path: Path) -> None:
    rows = CASES[name]
    columns = sorted({key for row in rows for key in row})
    source, out = tmp_path / "in.parquet", tmp_path / "out.parquet"
    # absent optional inputs are nulls (Parquet), as in tests/rules/test_population.py
    pq.write_table(pa.table({key: [row.get(key) for row in rows] for key in columns}), source)
    summary = run_population(name, source, out, progress=False)
    assert summary["rows"] == len(rows) and summary["errors"] == 0
    results = pq.read_table(out).to_pylist()
    for row, got in zip(rows, results, strict=True):
        assert got["value"] == pytest.approx(get(name).run(row)["value"], abs=0.005), row
