"""Throughput of the rules over a population, beside the same arithmetic written directly in NumPy.

    .venv/bin/python benchmarks/rules_throughput.py [--rows 1000000] [--repeat 5] [--end-to-end]

For `pension_adjustment` and `contribution_base` it builds a synthetic population, writes it to
Parquet and reads it back with `population.read_table` (strings for region, scheme and county come
back dictionary-encoded, dates as date32), then times:

- kuaiban: `population.run_table`, the population path of `kuaiban calc NAME --population`
  (validation of every column, gap checks, OpenFisca simulations in chunks), without file I/O;
- openfisca: the OpenFisca simulation alone, on already converted input arrays;
- numpy: the same arithmetic written directly in NumPy on already converted arrays (the near-limit
  baseline), checked equal to kuaiban's values.

Each is run `--repeat` times in the same process; medians are reported. With --end-to-end it also
times the CLI path once, Parquet in and out.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa

from kuaiban.rules.calculators import get
from kuaiban.rules.calculators.base import simulate
from kuaiban.rules.population import prepare, read_table, run_population, run_table

HUNAN_HARDSHIP = ["吉首市", "凤凰县", "龙山县"]
CHONGQING_HARDSHIP = ["城口县", "巫溪县", "黔江区"]
OTHER_COUNTIES = ["岳麓区", "渝中区", "芙蓉区", "江北区"]
COUNTIES = np.array(HUNAN_HARDSHIP + CHONGQING_HARDSHIP + OTHER_COUNTIES)


def pension_population(rows: int, rng: np.random.Generator) -> pa.Table:
    hunan = rng.random(rows) < 0.5
    return pa.table({
        "region": np.where(hunan, "湖南", "重庆"),
        "year": np.where(hunan, 2020, 2021),
        "scheme": np.where(rng.random(rows) < 0.8, "enterprise", "institution"),
        "contribution_months": rng.integers(0, 540, rows),
        "pension_base": np.round(rng.uniform(800, 9000, rows), 2),
        "birth_date": pa.array(np.datetime64("1925-01-01") + rng.integers(0, 13000, rows)),
        "retirement_date": pa.array(np.datetime64("1985-01-01") + rng.integers(0, 13000, rows)),
        "county": COUNTIES[rng.integers(0, len(COUNTIES), rows)],
        "work_start_date": pa.array(np.datetime64("1945-01-01") + rng.integers(0, 13000, rows)),
    })


def contribution_population(rows: int, rng: np.random.Generator) -> pa.Table:
    names = np.array(["湖南", "重庆", "上海", "天津"])
    region = names[rng.integers(0, 4, rows)]
    return pa.table({
        "region": region,
        "year": np.where(region == "重庆", 2021, 2020),
        "monthly_wage": np.round(rng.uniform(0, 40000, rows), 2),
    })


# ---- the NumPy baselines: the arithmetic only, on converted arrays ----


def numpy_arrays_pension(table: pa.Table) -> dict[str, np.ndarray]:
    county = table.column("county").to_numpy(zero_copy_only=False)
    codes = np.searchsorted(np.sort(COUNTIES), county)
    return {
        "hunan": table.column("region").to_numpy(zero_copy_only=False) == "湖南",
        "enterprise": table.column("scheme").to_numpy(zero_copy_only=False) == "enterprise",
        "months": table.column("contribution_months").to_numpy(),
        "base": table.column("pension_base").to_numpy(),
        "birth": table.column("birth_date").to_numpy().astype("datetime64[D]"),
        "retired": table.column("retirement_date").to_numpy().astype("datetime64[D]"),
        "work_start": table.column("work_start_date").to_numpy().astype("datetime64[D]"),
        "county_code": codes,
        "hunan_listed": np.isin(np.sort(COUNTIES), HUNAN_HARDSHIP),
        "chongqing_listed": np.isin(np.sort(COUNTIES), CHONGQING_HARDSHIP),
    }


def fen(x: np.ndarray) -> np.ndarray:
    return np.floor(x * 100 + 0.5 + 1e-9) / 100


def numpy_pension(a: dict[str, np.ndarray]) -> np.ndarray:
    years = -(-a["months"] // 12)
    hn_scope = a["retired"] <= np.datetime64("2019-12-31")
    hn_age = np.where(a["birth"] <= np.datetime64("1939-12-31"), 34.0,
                      np.where(a["birth"] <= np.datetime64("1949-12-31"), 23.0, 0.0))
    hunan = 50 + years * 1.4 + a["base"] * 0.015 + hn_age + a["hunan_listed"][a["county_code"]] * 8.0
    cq_scope = a["retired"] <= np.datetime64("2020-12-31")
    cq_hard = a["chongqing_listed"][a["county_code"]] * 20.0
    early = (a["retired"] <= np.datetime64("2005-12-31")) * np.maximum(years - 20, 0) * 3.0
    revolution = (a["work_start"] <= np.datetime64("1953-12-31")) * 20.0
    age75 = (a["birth"] <= np.datetime64("1945-12-31")) * 50.0
    tilt = np.where(a["enterprise"], revolution + cq_hard + early, cq_hard + age75)
    chongqing = 42 + np.maximum(years, 15) * 2.0 + fen(a["base"] * 0.007) + tilt
    return np.where(a["hunan"], fen(hunan * hn_scope), fen(chongqing * cq_scope))


def numpy_arrays_contribution(table: pa.Table) -> dict[str, np.ndarray]:
    region = table.column("region").to_numpy(zero_copy_only=False)
    names = np.array(["上海", "天津", "湖南", "重庆"])
    return {"code": np.searchsorted(names, region), "wage": table.column("monthly_wage").to_numpy()}


def numpy_contribution(a: dict[str, np.ndarray]) -> np.ndarray:
    floors = np.array([4927.0, 3364.0, 2859.0, 3699.0])
    caps = np.array([28017.0, 18969.0, 15162.0, 18495.0])
    return np.minimum(np.maximum(a["wage"], floors[a["code"]]), caps[a["code"]])


# ---- timing ----


def median_seconds(run: Callable[[], object], repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def openfisca_only(name: str, table: pa.Table) -> Callable[[], None]:
    """The OpenFisca simulation alone, one per period, on inputs converted beforehand."""
    calc = get(name)
    prep = prepare(calc, table)
    year = prep.columns["year"]
    groups = []
    for period in np.unique(year):
        rows = np.flatnonzero(year == period)
        columns = {key: (value[rows] if isinstance(value, np.ndarray) else value.take(pa.array(rows)))
                   for key, value in prep.columns.items()}
        groups.append((str(period), calc.to_variables(columns, str(period)), len(rows)))

    def run() -> None:
        for period, variables, count in groups:
            simulate(variables, period, (calc.variable,), count)

    return run


def through_parquet(table: pa.Table) -> tuple[pa.Table, float]:
    """The table as `kuaiban calc --population FILE.parquet` reads it, and the read time."""
    import pyarrow.parquet as pq

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "population.parquet"
        pq.write_table(table, path)
        start = time.perf_counter()
        read = read_table(path)
        return read, time.perf_counter() - start


def bench(name: str, generated: pa.Table, baseline_arrays: Callable, baseline: Callable, repeat: int) -> dict:
    calc = get(name)
    table, read_s = through_parquet(generated)
    arrays = baseline_arrays(generated)
    kuaiban_s, (values, errors) = median_seconds(lambda: run_table(calc, table), repeat)
    numpy_s, expected = median_seconds(lambda: baseline(arrays), repeat)
    openfisca_s, _ = median_seconds(openfisca_only(name, table), repeat)
    assert not np.any(~np.equal(errors, None)), "synthetic rows must all be valid"
    max_diff = float(np.max(np.abs(values - expected)))
    assert max_diff < 0.005, f"{name}: kuaiban and numpy disagree by {max_diff}"
    rows = table.num_rows
    return {
        "calculator": name,
        "rows": rows,
        "kuaiban_s": round(kuaiban_s, 3),
        "openfisca_only_s": round(openfisca_s, 3),
        "numpy_s": round(numpy_s, 3),
        "ratio_kuaiban_to_numpy": round(kuaiban_s / numpy_s, 1),
        "kuaiban_rows_per_s": round(rows / kuaiban_s),
        "max_abs_difference": max_diff,
        "parquet_read_s": round(read_s, 3),
    }


def end_to_end(name: str, table: pa.Table) -> float:
    import pyarrow.parquet as pq

    with tempfile.TemporaryDirectory() as tmp:
        source, out = Path(tmp) / "in.parquet", Path(tmp) / "out.parquet"
        pq.write_table(table, source)
        start = time.perf_counter()
        run_population(name, source, out, progress=False)
        return round(time.perf_counter() - start, 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--end-to-end", action="store_true", help="also time the CLI path with Parquet I/O")
    args = parser.parse_args()
    rng = np.random.default_rng(20201231)
    get("pension_adjustment").run({  # build the tax-benefit system before timing
        "region": "湖南", "year": 2020, "scheme": "enterprise", "contribution_months": 1, "pension_base": 1,
        "birth_date": "1950-01-01", "retirement_date": "2010-01-01", "county": "x"})
    results = []
    pension = pension_population(args.rows, rng)
    results.append(bench("pension_adjustment", pension, numpy_arrays_pension, numpy_pension, args.repeat))
    contribution = contribution_population(args.rows, rng)
    results.append(bench("contribution_base", contribution, numpy_arrays_contribution, numpy_contribution,
                         args.repeat))
    if args.end_to_end:
        results[0]["end_to_end_parquet_s"] = end_to_end("pension_adjustment", pension)
        results[1]["end_to_end_parquet_s"] = end_to_end("contribution_base", contribution)
    print(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
