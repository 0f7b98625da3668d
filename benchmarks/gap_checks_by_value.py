"""Time of population mode's phases for every calculator with worked examples, on a file that reads inputs by value.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/gap_checks_by_value.py [ROWS] [NAME ...]

ROWS rows (default 100 000) cycled from the calculator's examples, each date input other than the period moved by
up to ±2000 days and each amount by ±10 % (seeded by the calculator's name), so that a gap check reading a date or
an amount by value runs about once per row. Prints, per calculator, the seconds of `prepare`, `find_gaps` and
`compute`, the CPU seconds of `find_gaps` (this process; a fairer figure on a shared machine), how many times
`gap` ran and how many rows were refused. To time another tree with this script, set PYTHONPATH to that tree. With SAVE=DIR in the environment, each
calculator's error column is written to DIR/NAME.json (to compare two versions of the code).
"""

from __future__ import annotations

import json
import os
import sys
import time
import zlib
from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pyarrow as pa

from kuaiban.rules import population
from kuaiban.rules.calculators import CALCULATORS


def table_for(calc, rows: int) -> pa.Table | None:
    examples = [example["input"] for example in calc.examples]
    if not examples:
        return None
    rng = np.random.default_rng(zlib.crc32(calc.name.encode()))
    types = {spec.name: spec.type for spec in calc.fields}
    pick = np.arange(rows) % len(examples)
    columns = {}
    for name in [spec.name for spec in calc.fields if any(spec.name in example for example in examples)]:
        values = [example.get(name) for example in examples]
        column = [values[i] for i in pick]
        if types[name] == "date" and name != calc.period_field:
            shifts = rng.integers(-2000, 2000, rows)
            column = [None if v is None else str(date.fromisoformat(str(v)) + timedelta(days=int(s)))
                      for v, s in zip(column, shifts, strict=True)]
        elif types[name] == "number" and all(isinstance(v, int | float) or v is None for v in values):
            factors = rng.uniform(0.9, 1.1, rows)
            column = [None if v is None else round(float(v) * f, 2) for v, f in zip(column, factors, strict=True)]
        elif types[name] in ("date", "month"):
            column = [None if v is None else str(v) for v in column]
        columns[name] = column
    return pa.table(columns)


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    only = sys.argv[2:]
    save = os.environ.get("SAVE")
    for name, calc in sorted(CALCULATORS.items()):
        if only and name not in only:
            continue
        table = table_for(calc, rows)
        if table is None:
            continue
        calls = [0]

        def counting(values, gap=calc.gap, calls=calls):
            calls[0] += 1
            return gap(values)

        counted = replace(calc, gap=counting)
        start = time.perf_counter()
        prep = population.prepare(counted, table)
        prepared = time.perf_counter()
        cpu = time.process_time()
        population.find_gaps(counted, prep)
        cpu = time.process_time() - cpu
        checked = time.perf_counter()
        population.compute(counted, prep)
        done = time.perf_counter()
        if save:
            with open(f"{save}/{name}.json", "w", encoding="utf-8") as f:
                json.dump(prep.errors.as_objects().tolist(), f, ensure_ascii=False)
        print(name, {"prepare": round(prepared - start, 3), "gaps": round(checked - prepared, 3),
                     "compute": round(done - checked, 3), "gaps_cpu": round(cpu, 3), "gap_calls": calls[0], "errors": prep.errors.count()},
              flush=True)


if __name__ == "__main__":
    main()
