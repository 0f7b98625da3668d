"""Population mode: one calculator over every row of a Parquet or CSV file, vectorised.

Rows are validated column by column (the same checks as single mode, giving the same messages),
gaps are found once per distinct combination of the fields they depend on, and the valid rows run
through OpenFisca in chunks, one simulation per chunk and period.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kuaiban.rules import messages as msg
from kuaiban.rules.calculators import Calculator, CalculatorError, get
from kuaiban.rules.calculators.base import REGION_BY_NAME, Columns, simulate
from kuaiban.rules.enums import Region

CHUNK_ROWS = 250_000
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")

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


class RowErrors:
    """The first error of each row, kept as small integer codes (object arrays are slow to scan)."""

    def __init__(self, rows: int) -> None:
        self.codes = np.zeros(rows, dtype=np.int32)
        self.messages: list[str | None] = [None]

    def flag(self, bad: np.ndarray, message: str) -> None:
        """Record `message` on rows that are bad and have no earlier error."""
        target = bad & (self.codes == 0)
        if target.any():
            self.messages.append(message)
            self.codes[target] = len(self.messages) - 1

    def ok(self) -> np.ndarray:
        return self.codes == 0

    def as_objects(self) -> np.ndarray:
        return np.array(self.messages, dtype=object)[self.codes]


@dataclass
class Prepared:
    """Validated columns (numpy, or pyarrow for free strings), presence masks and per-row errors."""

    columns: dict[str, Any]
    present: dict[str, np.ndarray]
    errors: RowErrors


# Caps on what a population file may hold. Columns: the calculator's fields plus a few of the user's own
# (ids, notes, echoed into the result); a 0.9 MB CSV header with 100 000 columns otherwise costs ~2 GB of
# memory in the per-column work. Rows: well above the 1-million-row target of docs/BENCHMARKS.md.
EXTRA_COLUMNS = 20
MAX_ROWS = 20_000_000


def max_columns(calc: Calculator) -> int:
    return len(calc.fields) + EXTRA_COLUMNS


def check_shape(calc: Calculator, columns: int, rows: int | None, max_rows: int = MAX_ROWS) -> None:
    """CalculatorError (in Chinese) for a table with more columns or rows than allowed."""
    if columns > max_columns(calc):
        raise CalculatorError(msg.error("population", f"列数过多：上限 {max_columns(calc)} 列"
                                        f"（计算器的 {len(calc.fields)} 个字段，另加至多 {EXTRA_COLUMNS} 列）", columns))
    if rows is not None and rows > max_rows:
        raise CalculatorError(msg.error("population", f"行数过多：上限 {max_rows} 行", rows))


def csv_header(path: Path) -> list[str]:
    """The first record of a CSV file, read without loading the rest."""
    import csv

    with open(path, encoding="utf-8-sig", errors="replace", newline="") as f:
        return next(csv.reader(f), [])


def read_table(path: Path, calc: Calculator | None = None) -> pa.Table:
    """The file as a table; with ``calc``, its columns are checked before the data is read and its rows
    after (CalculatorError in Chinese)."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        # string columns come back dictionary-encoded, as Parquet stores them: no re-hashing
        schema = pq.read_schema(path)
        if calc is not None:
            check_shape(calc, len(schema.names), pq.ParquetFile(path).metadata.num_rows)
        strings = [field.name for field in schema if pa.types.is_string(field.type)]
        return pq.read_table(path, read_dictionary=strings)
    if suffix == ".csv":
        import pyarrow.csv as pcsv

        if calc is not None:
            check_shape(calc, len(csv_header(path)), None)
        table = pcsv.read_csv(path)
        if calc is not None:
            check_shape(calc, table.num_columns, table.num_rows)
        return table
    raise CalculatorError(msg.error("population", "文件应为 .parquet 或 .csv", path.name))


def write_table(table: pa.Table, path: Path) -> None:
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        pq.write_table(table, path)
    elif suffix == ".csv":
        import pyarrow.csv as pcsv

        from kuaiban.csvsafe import arrow_table

        pcsv.write_csv(arrow_table(table), path)  # no cell a spreadsheet would run as a formula
    else:
        raise CalculatorError(msg.error("out", "文件应为 .parquet 或 .csv", path.name))


def _codes(column: pa.ChunkedArray, table: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """Map a string column through `table` via its dictionary: (codes, known mask)."""
    column = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    encoded = column if pa.types.is_dictionary(column.type) else pc.dictionary_encode(column)
    words = encoded.dictionary.to_pylist()
    lookup = np.array([table.get(str(word).strip(), -1) for word in words] + [-1], dtype=np.int32)
    indices = encoded.indices.fill_null(len(words)).to_numpy(zero_copy_only=False)
    codes = lookup[indices]
    return codes, codes >= 0


def _as_text(column):
    """Strings, keeping a dictionary encoding when the column has one (Parquet string columns do)."""
    if pa.types.is_dictionary(column.type):
        return column
    return column.cast(pa.string())


_NUMBER = r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$"


def _numbers_from_text(column, errors: RowErrors, present: np.ndarray, name: str):
    """Numbers from a text column: a cell that is not a number flags its own row only."""
    text = column.cast(pa.string())
    ok = pc.match_substring_regex(text, _NUMBER).fill_null(False)
    errors.flag(present & ~ok.to_numpy(zero_copy_only=False), msg.not_number(name))
    return pc.if_else(ok, pc.utf8_trim_whitespace(text), None).cast(pa.float64())


def _booleans_from_text(column, errors: RowErrors, present: np.ndarray, name: str):
    """true/false (any case) or 1/0 from a text column; any other cell flags its own row only."""
    text = pc.utf8_lower(pc.utf8_trim_whitespace(column.cast(pa.string())))
    truthy = pc.is_in(text, value_set=pa.array(["true", "1"])).fill_null(False)
    falsy = pc.is_in(text, value_set=pa.array(["false", "0"])).fill_null(False)
    errors.flag(present & ~(truthy | falsy).to_numpy(zero_copy_only=False), msg.not_boolean(name))
    return truthy


def _convert(spec, column, n: int, errors: RowErrors, present: np.ndarray) -> Any:
    name = spec.name
    kind = spec.type
    if kind == "region":
        table = {key: member.index for key, member in REGION_BY_NAME.items() if member is not Region.unknown}
        codes, known = _codes(_as_text(column), table)
        errors.flag(present & ~known, msg.unknown_region(name, spec.choices))
        return np.where(known, codes, 0).astype(np.int16)
    if kind == "choice":
        table = {choice: i for i, choice in enumerate(spec.choices)}
        codes, known = _codes(_as_text(column), table)
        errors.flag(present & ~known, msg.not_a_choice(name, spec.choices))
        return np.array(spec.choices)[np.where(known, codes, 0)]
    if kind == "boolean":
        if not pa.types.is_boolean(column.type):
            # a CSV column with one stray cell is read as text: judge each cell, not the column
            column = _booleans_from_text(column, errors, present, name)
        return column.fill_null(False).to_numpy(zero_copy_only=False).astype(bool)
    if kind in ("number", "share", "integer", "year"):
        if not (pa.types.is_integer(column.type) or pa.types.is_floating(column.type)):
            column = _numbers_from_text(column, errors, present, name)
        values = column.cast(pa.float64()).fill_null(0).to_numpy(zero_copy_only=False)
        errors.flag(present & ~np.isfinite(values), msg.not_finite(name))
        errors.flag(present & (values < 0), msg.negative(name))
        if kind == "share":
            errors.flag(present & (values > 1), msg.not_share(name))
        if kind in ("integer", "year"):
            errors.flag(present & (np.floor(values) != values), msg.not_whole(name))
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
            errors.flag(present & ~exact.to_numpy(zero_copy_only=False), msg.not_date(name))
        return days.fill_null(0).to_numpy(zero_copy_only=False).astype("datetime64[D]")
    if kind == "month":
        # validate and convert each distinct value once: yyyymm integers
        text = _as_text(column)
        text = text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text
        encoded = text if pa.types.is_dictionary(text.type) else pc.dictionary_encode(text)
        words = encoded.dictionary.to_pylist()
        table = [int(w[:4]) * 100 + int(w[5:]) if _MONTH.match(w) else -1 for w in words]
        lookup = np.array([*table, -1], dtype=np.int32)
        codes = lookup[encoded.indices.fill_null(len(words)).to_numpy(zero_copy_only=False)]
        errors.flag(present & (codes < 0), msg.not_month(name))
        return np.maximum(codes, 0)
    text = _as_text(column)  # free text stays in Arrow (county lists use pc.is_in)
    return text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text


def prepare(calc: Calculator, table: pa.Table) -> Prepared:
    n = table.num_rows
    errors = RowErrors(n)
    columns: dict[str, Any] = {}
    present: dict[str, np.ndarray] = {}
    for spec in calc.fields:
        if spec.name not in table.column_names:
            if spec.required:
                raise CalculatorError(msg.error(spec.name, "文件缺少此列"))
            continue
        column = table.column(spec.name)
        present[spec.name] = column.is_valid().to_numpy(zero_copy_only=False) if column.null_count else np.ones(
            n, dtype=bool)
        if spec.required:
            errors.flag(~present[spec.name], msg.missing(spec.name))
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
    if spec.type == "month":
        return f"{int(value) // 100:04d}-{int(value) % 100:02d}"
    return str(value)


def _small_codes(array: np.ndarray) -> tuple[np.ndarray, int]:
    """Dense codes 0..k-1 and k for an array, without sorting when its values span a small range."""
    if array.dtype.kind in "iub" or array.dtype.kind == "M":
        ints = array.view(np.int64) if array.dtype.kind == "M" else array.astype(np.int64, copy=False)
        low, high = int(ints.min()), int(ints.max())
        if high - low < 4_000_000:
            return ints - low, high - low + 1
    unique, inverse = np.unique(array, return_inverse=True)
    return inverse.reshape(-1), len(unique)


def find_gaps(calc: Calculator, prep: Prepared) -> None:
    """Call the calculator's scalar gap check once per distinct combination of the fields it reads."""
    valid = prep.errors.ok()
    rows = np.flatnonzero(valid)
    if len(rows) == 0:
        return
    key = np.zeros(len(rows), dtype=np.int64)
    span = 1
    for entry in calc.gap_fields:
        name = entry.lstrip("?")
        if name not in prep.columns:
            continue
        present = prep.present[name][rows]
        if entry.startswith("?"):
            codes, size = present.astype(np.int64), 2
        else:
            codes, size = _small_codes(prep.columns[name][rows])
            codes, size = codes * 2 + present, size * 2
        key = key * size + codes
        span *= size
    if span <= 8_000_000:
        # bincount instead of a sort: the combinations present, each row's combination, a first row for each
        present_keys = np.flatnonzero(np.bincount(key, minlength=span))
        lookup = np.zeros(span, dtype=np.int64)
        lookup[present_keys] = np.arange(len(present_keys))
        inverse = lookup[key]
        first = np.full(len(present_keys), len(rows), dtype=np.int64)
        np.minimum.at(first, inverse, np.arange(len(rows)))
    else:
        _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
        inverse = inverse.reshape(-1)
    specs = {spec.name: spec for spec in calc.fields}
    for combo, i in enumerate(rows[first]):
        values = {name: _python_value(spec, prep.columns[name], i) for name, spec in specs.items()
                  if name in prep.columns and spec.type != "string" and prep.present[name][i]}
        message = calc.gap(values)
        if message:
            bad = np.zeros(len(prep.errors.codes), dtype=bool)
            bad[rows[inverse == combo]] = True
            prep.errors.flag(bad, message)


def _dated_to_the_day(calc: Calculator) -> bool:
    """Whether the calculator's answer is a variable of day periods (an application day, a start day)."""
    from kuaiban.rules.system import tax_benefit_system

    return str(tax_benefit_system().variables[calc.variable].definition_period) == "day"


def _periods(calc: Calculator, prep: Prepared) -> tuple[np.ndarray, Callable[[int], str]]:
    """An integer period key per row and the function naming a key's OpenFisca period."""
    spec = next(spec for spec in calc.fields if spec.name == calc.period_field)
    array = prep.columns[spec.name]
    if spec.type == "year":
        return array, str
    if spec.type == "date" and _dated_to_the_day(calc):  # rules dated to the day: one period per day
        days = array.astype("datetime64[D]").astype(np.int64)  # days since 1970-01-01
        return days, lambda d: str(np.datetime64(int(d), "D"))
    if spec.type == "date":
        months = array.astype("datetime64[M]").astype(np.int64)  # months since 1970-01
        return months, lambda m: f"{1970 + m // 12:04d}-{m % 12 + 1:02d}"
    return array, lambda m: f"{m // 100:04d}-{m % 100:02d}"  # yyyymm


FEW_PERIODS = 3


def _distinct(keys: np.ndarray) -> np.ndarray:
    """The distinct integer keys, by counting when their range is small (no sort)."""
    low, high = int(keys.min()), int(keys.max())
    if high - low < 4_000_000:
        return np.flatnonzero(np.bincount(keys - low)) + low
    return np.unique(keys)


def _columns(prep: Prepared, rows: slice | np.ndarray) -> Columns:
    """The input columns for some rows; absent optional values take their "not given" value."""
    columns: Columns = {}
    for name, array in prep.columns.items():
        if isinstance(array, np.ndarray):
            part = array[rows]
        elif isinstance(rows, slice):
            part = array.slice(rows.start, rows.stop - rows.start)
        else:
            part = array.take(pa.array(rows))
        if name in ABSENT:
            present = prep.present[name][rows]
            if not present.all():
                part = np.where(present, part, ABSENT[name])
        columns[name] = part
    return columns


def compute(calc: Calculator, prep: Prepared, on_rows: Callable[[int], None] | None = None) -> np.ndarray:
    """The calculator's value for every valid row (NaN where the row has an error).

    With few distinct periods (a population for one adjustment year, say) every chunk of rows is
    computed for each period and each row keeps its own period's value: contiguous slices, no
    gathering. With many periods the valid rows are gathered period by period.
    """
    report = on_rows or (lambda rows: None)
    n = len(prep.errors.codes)
    values = np.full(n, np.nan)
    ok = prep.errors.ok()
    valid_rows = np.flatnonzero(ok)
    if len(valid_rows) == 0:
        report(n)
        return values
    keys, period_name = _periods(calc, prep)
    periods = _distinct(keys[valid_rows])
    if len(periods) <= FEW_PERIODS:
        for start in range(0, n, CHUNK_ROWS):
            part = slice(start, min(start + CHUNK_ROWS, n))
            columns = _columns(prep, part)
            for key in periods:
                period = period_name(int(key))
                result = simulate(calc.to_variables(columns, period), period, (calc.variable,), part.stop - start)
                mine = keys[part] == key
                values[part][mine] = result[calc.variable][mine]
            report(part.stop - start)
        values[~ok] = np.nan
        return values
    valid_keys = keys[valid_rows]
    for key in periods:
        rows = valid_rows[valid_keys == key]
        period = period_name(int(key))
        for start in range(0, len(rows), CHUNK_ROWS):
            chunk = rows[start:start + CHUNK_ROWS]
            variables = calc.to_variables(_columns(prep, chunk), period)
            values[chunk] = simulate(variables, period, (calc.variable,), len(chunk))[calc.variable]
            report(len(chunk))
    report(n - len(valid_rows))
    return values


def run_table(calc: Calculator, table: pa.Table, on_rows: Callable[[int], None] | None = None):
    """(values, errors) for every row of `table`."""
    prep = prepare(calc, table)
    find_gaps(calc, prep)
    values = compute(calc, prep, on_rows)
    return values, prep.errors.as_objects()


def run_population(name: str, source: Path, out: Path, progress: bool = True) -> dict[str, Any]:
    """Compute calculator `name` for every row of `source` and write `out` (input columns + value + error)."""
    calc = get(name)
    started = time.perf_counter()
    table = read_table(source, calc)
    if progress:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        # on stderr: stdout carries the JSON summary
        with Progress(TextColumn(f"[bold]{name}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=Console(stderr=True), transient=True) as bar:
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
