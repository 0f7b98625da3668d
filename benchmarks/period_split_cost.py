"""What the per-period split costs `contribution_base` in population mode, beside two NumPy baselines.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/period_split_cost.py [--rows 1000000] [--repeat 21]

The synthetic population of `rules_throughput.py` (重庆 rows of 2021, the others of 2020) is written to
Parquet and read back, then these are timed in turn, round by round (`rules_throughput.interleaved`):

- kuaiban: `population.evaluate` + the result columns (the single-process path, as in rules_throughput.py);
- one_period: the same path with every row simulated in 2020, in contiguous slices: no split, no gathers or
  scatters. Before session 15 its 重庆 answers were wrong (they took 2020's figures), so it was a probe, never
  a result: the lowest the path could cost if rows of several years shared one simulation. Since session 15
  the formulas read each row's own year (`contribution_base_year`) and population mode itself runs every year
  in one simulation: the probe's answers are right and it times what `kuaiban` does, less the period choice;
- numpy: rules_throughput.py's baseline (floor and cap by region alone: right only because each region's
  rows here have one year);
- numpy_by_year: the same clamp reading each row's year too (a region × year table), as a NumPy program
  must that answers any mix of regions and years.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rules_throughput import CASES, FAULTS, USER_CPU, interleaved, write_population

from kuaiban.rules.calculators import get
from kuaiban.rules.calculators.base import simulate
from kuaiban.rules.population import (
    CHUNK_ROWS,
    _columns,
    evaluate,
    find_gaps,
    prepare,
    read_table,
    result_table,
)

# 上海, 天津, 湖南, 重庆 (rules_throughput.CONTRIBUTION_REGIONS) × 2020, 2021; NaN: no figure in force
FLOORS = np.array([[4927.0, np.nan], [3364.0, np.nan], [2859.0, np.nan], [np.nan, 3699.0]]).ravel()
CAPS = np.array([[28017.0, np.nan], [18969.0, np.nan], [15162.0, np.nan], [np.nan, 18495.0]]).ravel()


def numpy_by_year(a: dict[str, np.ndarray]) -> np.ndarray:
    at = a["code"] * 2 + (a["year"] - 2020)
    return np.minimum(np.maximum(a["wage"], FLOORS.take(at)), CAPS.take(at))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=21)
    args = parser.parse_args()
    case, calc = CASES["contribution_base"], get("contribution_base")
    calc.run({"region": "湖南", "year": 2020, "monthly_wage": 1})  # build the system first
    with tempfile.TemporaryDirectory(prefix="period-split-") as tmp:
        whole, _ = write_population(case, args.rows, Path(tmp), seed=20201231)
        table = read_table(whole)
    arrays = case.arrays(table)
    with_year = arrays | {"year": table.column("year").to_numpy()}

    def kuaiban():
        values, errors = evaluate(calc, table)
        return values, result_table(calc, table, values, errors)

    def one_period():
        prep = prepare(calc, table)
        find_gaps(calc, prep)
        n = table.num_rows
        values = np.empty(n)
        for start in range(0, n, CHUNK_ROWS):
            part = slice(start, min(start + CHUNK_ROWS, n))
            variables = calc.to_variables(_columns(prep, part), "2020")
            values[part] = simulate(variables, "2020", (calc.variable,), part.stop - start)[calc.variable]
        return values, result_table(calc, table, values, prep.errors)

    load = os.getloadavg()[0]
    timings = interleaved({"kuaiban": kuaiban, "one_period": one_period, "numpy": lambda: case.arithmetic(arrays),
                           "numpy_by_year": lambda: numpy_by_year(with_year)}, args.repeat)
    values = timings["kuaiban"][2][0]
    assert np.array_equal(values, timings["numpy"][2]) and np.array_equal(values, timings["numpy_by_year"][2])
    wall = {name: timing[0] for name, timing in timings.items()}
    print(json.dumps({
        "rows": args.rows, "repeat": args.repeat, "load_average_at_start": load,
        **{f"{name}_s": round(seconds, 4) for name, seconds in wall.items()},
        "ratio_kuaiban_to_numpy": round(wall["kuaiban"] / wall["numpy"], 2),
        "ratio_kuaiban_to_numpy_by_year": round(wall["kuaiban"] / wall["numpy_by_year"], 2),
        "ratio_one_period_to_numpy": round(wall["one_period"] / wall["numpy"], 2),
        "ratio_one_period_to_numpy_by_year": round(wall["one_period"] / wall["numpy_by_year"], 2),
        "split_cost_s": round(wall["kuaiban"] - wall["one_period"], 4),
        # user-mode CPU (no page faults, no time waiting for a CPU on a shared machine), medians
        **{f"user_cpu_{name}_s": round(seconds, 4) for name, seconds in USER_CPU.items()},
        "user_cpu_ratio_kuaiban_to_numpy": round(USER_CPU["kuaiban"] / max(USER_CPU["numpy"], 1e-9), 2),
        "user_cpu_ratio_kuaiban_to_numpy_by_year": round(USER_CPU["kuaiban"] / max(USER_CPU["numpy_by_year"], 1e-9), 2),
        "page_faults_per_run": FAULTS,
        "load_average_at_end": os.getloadavg()[0],
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
