"""Population mode: one calculator over every row of a Parquet or CSV file, vectorised.

Rows are validated column by column (the same checks as single mode, giving the same messages),
gaps are found once per distinct combination of the fields they depend on, and the valid rows run
through OpenFisca in chunks, one simulation per chunk and period.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kuaiban.rules.calculators import Calculator, CalculatorError, get
from kuaiban.rules.calculators.base import REGION_BY_NAME, Columns, simulate
from kuaiban.rules.enums import Region

CHUNK_ROWS = 250_000

# Values an absent optional field takes in the simulation (the variables' "not given" values).
ABSENT = {
    "work_start_date": np.datetime64("9999-12-31", "D"),
    "personal_contributions": -1.0,
    "current_rate": -1.0,
    "pension_months": 0,
    "payroll": 0.0,
    "employer_rate": 0.0,
    "back_paid": False,
    "industry_class": 1,
    "contract_total": 0.0,
    "contributions_last_year": 0.0,
    "loss_months": 0,
    "net_profit_drop": 0.0,
    "monthly_unemployment_benefit": 0.0,
    "avg_insured_oct_to_mar": 0.0,
}


@dataclass
class Prepared:
    """Validated columns (numpy, or pyarrow for free strings), presence masks and per-row errors."""

    columns: dict[str, Any]
    present: dict[str, np.ndarray]
    errors: np.ndarray  # object array: None or the first error message of the row


def read_table(path: Path) -> pa.Table:
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        return pq.read_table(path)
    if suffix == ".csv":
        import pyarrow.csv as pcsv

        return pcsv.read_csv(path)
    raise CalculatorError(f"population: expected a .parquet or .csv file, got {path.name}")


def write_table(table: pa.Table, path: Path) -> None:
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        pq.write_table(table, path)
    elif suffix == ".csv":
        import pyarrow.csv as pcsv

        pcsv.write_csv(table, path)
    else:
        raise CalculatorError(f"out: expected a .parquet or .csv file, got {path.name}")


def _flag(errors: np.ndarray, bad: np.ndarray, message: str) -> None:
    """Record `message` on rows that are bad and have no earlier error."""
    target = bad & np.equal(errors, None)
    errors[target] = message


def _codes(column: pa.ChunkedArray, table: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """Map a string column through `table` via its dictionary: (codes, known mask)."""
    encoded = pc.dictionary_encode(column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column)
    words = encoded.dictionary.to_pylist()
    lookup = np.array([table.get(str(word).strip(), -1) for word in words] + [-1], dtype=np.int32)
    indices = encoded.indices.fill_null(len(words)).to_numpy(zero_copy_only=False)
    codes = lookup[indices]
    return codes, codes >= 0


def _convert(spec, column, n: int, errors: np.ndarray, present: np.ndarray) -> Any:
    name = spec.name
    kind = spec.type
    if kind == "region":
        table = {key: member.index for key, member in REGION_BY_NAME.items() if member is not Region.unknown}
        codes, known = _codes(column.cast(pa.string()), table)
        _flag(errors, present & ~known, f"{name}: unknown region; expected one of {', '.join(spec.choices)}")
        return np.where(known, codes, 0).astype(np.int16)
    if kind == "choice":
        table = {choice: i for i, choice in enumerate(spec.choices)}
        codes, known = _codes(column.cast(pa.string()), table)
        _flag(errors, present & ~known, f"{name}: expected one of {', '.join(spec.choices)}")
        return np.array(spec.choices)[np.where(known, codes, 0)]
    if kind == "boolean":
        if not pa.types.is_boolean(column.type):
            _flag(errors, present, f"{name}: expected true or false")
            return np.zeros(n, dtype=bool)
        return column.fill_null(False).to_numpy(zero_copy_only=False).astype(bool)
    if kind in ("number", "share", "integer", "year"):
        if not (pa.types.is_integer(column.type) or pa.types.is_floating(column.type)):
            _flag(errors, present, f"{name}: expected a number")
            return np.zeros(n, dtype=np.int64 if kind in ("integer", "year") else np.float64)
        values = column.cast(pa.float64()).fill_null(0).to_numpy(zero_copy_only=False)
        _flag(errors, present & ~np.isfinite(values), f"{name}: expected a finite number")
        _flag(errors, present & (values < 0), f"{name}: must not be negative")
        if kind == "share":
            _flag(errors, present & (values > 1), f"{name}: expected a fraction between 0 and 1")
        if kind in ("integer", "year"):
            _flag(errors, present & (np.floor(values) != values), f"{name}: expected a whole number")
            return np.nan_to_num(values).astype(np.int64)
        return values
    if kind == "date":
        if pa.types.is_date(column.type) or pa.types.is_timestamp(column.type):
            days = column.cast(pa.date32())
        else:
            text = column.cast(pa.string())
            parsed = pc.strptime(text, format="%Y-%m-%d", unit="s", error_is_null=True)
            days = parsed.cast(pa.date32())
            # strptime rolls 1953-02-29 over to 03-01 and accepts 2020-1-5: require the exact round trip
            exact = pc.equal(pc.strftime(parsed, format="%Y-%m-%d"), text).fill_null(False)
            _flag(errors, present & ~exact.to_numpy(zero_copy_only=False), f"{name}: not a valid date YYYY-MM-DD")
        return days.fill_null(0).to_numpy(zero_copy_only=False).astype("datetime64[D]")
    if kind == "month":
        text = column.cast(pa.string())
        ok = pc.match_substring_regex(text, r"^\d{4}-(0[1-9]|1[0-2])$").fill_null(False)
        _flag(errors, present & ~ok.to_numpy(zero_copy_only=False), f"{name}: expected a month YYYY-MM")
        return text.fill_null("0000-00").to_numpy(zero_copy_only=False).astype("U7")
    return column.cast(pa.string()).fill_null("")  # free text stays in Arrow (county lists use pc.is_in)


def prepare(calc: Calculator, table: pa.Table) -> Prepared:
    n = table.num_rows
    errors = np.full(n, None, dtype=object)
    columns: dict[str, Any] = {}
    present: dict[str, np.ndarray] = {}
    for spec in calc.fields:
        if spec.name not in table.column_names:
            if spec.required:
                raise CalculatorError(f"{spec.name}: missing column")
            continue
        column = table.column(spec.name)
        present[spec.name] = column.is_valid().to_numpy(zero_copy_only=False) if column.null_count else np.ones(
            n, dtype=bool)
        if spec.required:
            _flag(errors, ~present[spec.name], f"{spec.name}: missing")
        columns[spec.name] = _convert(spec, column, n, errors, present[spec.name])
    return Prepared(columns, present, errors)


def _python_value(spec, array: Any, i: int) -> Any:
    value = array[i]
    if spec.type == "region":
        return next(member for member in Region if member.index == int(value))
    if spec.type == "date":
        return date.fromisoformat(str(value))
    if spec.type in ("integer", "year"):
        return int(value)
    if spec.type in ("number", "share"):
        return float(value)
    if spec.type == "boolean":
        return bool(value)
    if spec.type == "string":
        return array[i].as_py()
    return str(value)


def find_gaps(calc: Calculator, prep: Prepared) -> None:
    """Call the calculator's scalar gap check once per distinct combination of the fields it reads."""
    valid = np.equal(prep.errors, None)
    if not valid.any():
        return
    specs = {spec.name: spec for spec in calc.fields}
    keys = []
    for entry in calc.gap_fields:
        name = entry.lstrip("?")
        if name not in prep.columns:
            continue
        if entry.startswith("?"):
            keys.append(prep.present[name].astype(np.int64))
        else:
            codes = np.unique(prep.columns[name], return_inverse=True)[1].reshape(-1)
            keys.append(codes * 2 + prep.present[name])
    rows = np.flatnonzero(valid)
    if keys:
        _, first, inverse = np.unique(np.stack(keys, axis=1)[valid], axis=0, return_index=True,
                                      return_inverse=True)
    else:
        first, inverse = np.array([0]), np.zeros(len(rows), dtype=np.int64)
    messages = np.full(len(first), None, dtype=object)
    for c, i in enumerate(rows[first]):
        values = {name: _python_value(spec, prep.columns[name], i) for name, spec in specs.items()
                  if name in prep.columns and spec.type != "string" and prep.present[name][i]}
        messages[c] = calc.gap(values)
    prep.errors[rows] = messages[inverse.reshape(-1)]


def _periods(calc: Calculator, prep: Prepared) -> np.ndarray:
    spec = next(spec for spec in calc.fields if spec.name == calc.period_field)
    array = prep.columns[spec.name]
    if spec.type == "year":
        return array.astype("U4")
    if spec.type == "date":
        return array.astype("datetime64[M]").astype("U7")
    return array


def _take(array: Any, index: np.ndarray) -> Any:
    if isinstance(array, np.ndarray):
        return array[index]
    return array.take(pa.array(index))


def compute(calc: Calculator, prep: Prepared, on_rows: Callable[[int], None] | None = None) -> np.ndarray:
    """The calculator's value for every valid row (NaN where the row has an error)."""
    n = len(prep.errors)
    values = np.full(n, np.nan)
    valid_rows = np.flatnonzero(np.equal(prep.errors, None))
    if len(valid_rows) == 0:
        return values
    periods = _periods(calc, prep)
    for period in np.unique(periods[valid_rows]):
        rows = valid_rows[periods[valid_rows] == period]
        for start in range(0, len(rows), CHUNK_ROWS):
            chunk = rows[start:start + CHUNK_ROWS]
            columns: Columns = {}
            for name, array in prep.columns.items():
                taken = _take(array, chunk)
                if name in ABSENT and not prep.present[name][chunk].all():
                    taken = np.where(prep.present[name][chunk], taken, ABSENT[name])
                if name in ABSENT or prep.present[name][chunk].all():
                    columns[name] = taken
            variables = calc.to_variables(columns, str(period))
            values[chunk] = simulate(variables, str(period), (calc.variable,), len(chunk))[calc.variable]
            if on_rows:
                on_rows(len(chunk))
    return values


def run_table(calc: Calculator, table: pa.Table, on_rows: Callable[[int], None] | None = None):
    """(values, errors) for every row of `table`."""
    prep = prepare(calc, table)
    find_gaps(calc, prep)
    errors_before = int(np.count_nonzero(~np.equal(prep.errors, None)))
    if on_rows and errors_before:
        on_rows(errors_before)
    values = compute(calc, prep, on_rows)
    return values, prep.errors


def run_population(name: str, source: Path, out: Path, progress: bool = True) -> dict[str, Any]:
    """Compute calculator `name` for every row of `source` and write `out` (input columns + value + error)."""
    calc = get(name)
    started = time.perf_counter()
    table = read_table(source)
    if progress:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        with Progress(TextColumn(f"[bold]{name}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      transient=True) as bar:
            task = bar.add_task("rows", total=table.num_rows)
            values, errors = run_table(calc, table, lambda rows: bar.advance(task, rows))
    else:
        values, errors = run_table(calc, table)
    output = table.append_column("value", pa.array(values, mask=np.isnan(values)))
    output = output.append_column("error", pa.array(errors.tolist(), type=pa.string()))
    write_table(output, out)
    bad = int(np.count_nonzero(~np.equal(errors, None)))
    return {
        "calculator": name,
        "rows": table.num_rows,
        "computed": table.num_rows - bad,
        "errors": bad,
        "unit": calc.unit,
        "out": str(out),
        "seconds": round(time.perf_counter() - started, 3),
    }
