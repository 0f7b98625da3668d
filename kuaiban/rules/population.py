"""Population mode: one calculator over every row of a Parquet or CSV file, vectorised.

Rows are validated column by column (the same checks as single mode, giving the same messages),
gaps are found once per distinct combination of the fields they depend on, and the valid rows run
through OpenFisca in chunks, one simulation per chunk and period (per chunk alone where each row carries its
period as an input: `Calculator.period_variable`).
"""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kuaiban.rules import messages as msg
from kuaiban.rules.calculators import Calculator, CalculatorError, get
from kuaiban.rules.calculators.base import (
    MAX_WHOLE,
    NEVER_NEGATIVE,
    UNIT_WORDS,
    Coded,
    Columns,
    choice_key,
    row_ids,
    simulate,
    value_words,
)
from kuaiban.rules.deadlines import HolidayDataMissing
from kuaiban.rules.enums import Region
from kuaiban.rules.period_use import change_days
from kuaiban.rules.regions import region_of

# Rows per simulation: bounds the memory of one simulation (a few arrays of 2 MB). Since finished simulations
# are freed at once (calculators.base.release) 2^18 and 2^20 rows take the same time on a million rows.
CHUNK_ROWS = 262_144
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_DAY = re.compile(r"^\d{4}-(0[1-9]|1[0-2])-\d{2}$")


class RowErrors:
    """The first error of each row, kept as small integer codes (object arrays are slow to scan)."""

    def __init__(self, rows: int) -> None:
        self.rows = rows
        self._codes: np.ndarray | None = None
        self.messages: list[str | None] = [None]

    @property
    def codes(self) -> np.ndarray:
        """Per row, its message's number (0: none); made when first read (a clean file never needs it)."""
        if self._codes is None:
            self._codes = np.zeros(self.rows, dtype=np.int32)
        return self._codes

    @property
    def clean(self) -> bool:
        """No row has an error (the usual case: then no pass over the codes is needed)."""
        return len(self.messages) == 1

    def flag(self, bad: np.ndarray, message: str) -> None:
        """Record `message` on rows that are bad and have no earlier error."""
        if not bad.any():  # the usual case: one pass over the mask, none over the codes
            return
        target = bad if self.clean else bad & (self.codes == 0)
        if target.any():
            self.messages.append(message)
            self.codes[target] = len(self.messages) - 1

    def flag_each(self, rows: np.ndarray, choice: np.ndarray, messages: list[str | None]) -> None:
        """Record on each of `rows` (without an earlier error) the message `messages[choice]`, None for none."""
        codes = np.zeros(len(messages), dtype=np.int32)
        for i, message in enumerate(messages):
            if message is not None:
                self.messages.append(message)
                codes[i] = len(self.messages) - 1
        if not codes.any():
            return
        new = codes[choice]
        mine = self.codes[rows]
        self.codes[rows] = np.where(mine == 0, new, mine)

    def replace(self, rows: np.ndarray, choice: np.ndarray, messages: list[str | None]) -> None:
        """Set each of `rows` to the message `messages[choice]` (None: no error), whatever it had."""
        codes = np.zeros(len(messages), dtype=np.int32)
        for i, message in enumerate(messages):
            if message is not None:
                self.messages.append(message)
                codes[i] = len(self.messages) - 1
        self.codes[rows] = codes[choice]

    def ok(self) -> np.ndarray:
        return np.ones(self.rows, dtype=bool) if self.clean else self.codes == 0

    def as_objects(self) -> np.ndarray:
        return np.array(self.messages, dtype=object)[self.codes]

    def as_arrow(self, word: Callable[[str], str] = lambda message: message) -> pa.DictionaryArray:
        """`word(message)` of each row's error as an Arrow string column, null where the row is fine, without
        a copy per row (one dictionary entry per message)."""
        if self.clean:
            return pa.DictionaryArray.from_arrays(pa.nulls(self.rows, pa.int32()), pa.array([], pa.string()))
        indices = pa.array(self.codes - 1, mask=self.codes == 0)
        return pa.DictionaryArray.from_arrays(indices, pa.array([word(m) for m in self.messages[1:]], pa.string()))

    def count(self) -> int:
        return 0 if self.clean else int(np.count_nonzero(self.codes))


@dataclass
class Prepared:
    """Validated columns (numpy, or pyarrow for free strings), presence masks and per-row errors.

    A choice column is kept as small codes into `choices[name]` (gathering and grouping one byte per
    row, not a string); `_columns` gives the calculators its strings.
    """

    columns: dict[str, Any]
    present: dict[str, np.ndarray]
    errors: RowErrors
    choices: dict[str, np.ndarray] = field(default_factory=dict)
    complete: set[str] = field(default_factory=set)  # columns without a missing value
    # (lowest, highest) of an integer-coded column, where validation learnt them without a pass of its own
    # (from a dictionary, or the minimum and maximum it checked): the gap keys need no pass to find them
    bounds: dict[str, tuple[int, int]] = field(default_factory=dict)
    # every value a coded or month column may hold (its dictionaries' words: a month column's periods to
    # simulate, a region's or choice's combinations for the gap checks, without a pass)
    distinct: dict[str, list[int]] = field(default_factory=dict)


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
    if path.is_dir():
        raise CalculatorError(msg.error("population", "分区 Parquet 目录请用 --workers N（本机）或 --scheduler 地址"
                                                      "（已有集群）计算", path.name))
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
        # an empty cell is an input not given, in a text column too (pyarrow reads it as "" by default)
        table = pcsv.read_csv(path, convert_options=pcsv.ConvertOptions(strings_can_be_null=True))
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


def _known_codes(column, code_of: Callable[[list], list[int]], dtype: type,
                 nulls: int | None = None) -> tuple[np.ndarray, list[int]] | None:
    """(codes, the sorted codes of the dictionaries' words) of a dictionary-encoded column whose every word
    `code_of` knows (codes ≥ 0), chunk by chunk through each chunk's own dictionary: the row groups of a
    Parquet file are not unified into one dictionary nor copied into one array first. Missing cells take
    the code `nulls` (a column with missing cells is refused when it is None). None otherwise (the caller's
    general path judges each cell)."""
    if not pa.types.is_dictionary(column.type) or (column.null_count and nulls is None):
        return None
    out = np.empty(len(column), dtype=dtype)
    words: set[int] = set()
    start = 0
    for chunk in column.chunks if isinstance(column, pa.ChunkedArray) else [column]:
        lookup = code_of(chunk.dictionary.to_pylist())
        if min(lookup, default=0) < 0:
            return None
        words.update(lookup)
        indices = chunk.indices
        if chunk.null_count:  # the raw index slots (to_numpy would give floats with NaN)
            kind = np.dtype(indices.type.to_pandas_dtype())
            indices = np.frombuffer(indices.buffers()[1], dtype=kind, count=len(chunk), offset=indices.offset * kind.itemsize)
        else:
            indices = indices.to_numpy(zero_copy_only=False)
        # `take` with the int32 indices (indexing converts them first: twice as slow); "clip" writes straight
        # into `out` (the default mode buffers); every index is within the dictionary
        part = out[start:start + len(chunk)]
        validity = chunk.buffers()[0]
        if not lookup or (chunk.null_count and validity is None):  # every cell missing
            part[:] = nulls
        else:
            np.take(np.array(lookup, dtype=dtype), indices, out=part, mode="clip")
        if chunk.null_count and validity is not None:  # a null's index slot is undefined: overwritten
            part[np.flatnonzero(~_bits(validity, chunk.offset, len(chunk)))] = nulls
        start += len(chunk)
    return out, sorted(words)


def _codes(column: pa.ChunkedArray, code_of: Callable[[str], int],
           used: Callable[[list[int]], None] = lambda codes: None) -> tuple[np.ndarray, np.ndarray]:
    """Map a string column through `code_of` (-1: unknown) via its dictionary: (codes, known mask). Where
    every word is known, `used` receives the sorted codes the column may hold (those of its dictionaries'
    words, a word no row uses included; a missing cell's is 0)."""
    known = _known_codes(column, lambda words: [code_of(str(word)) for word in words], np.int16, nulls=0)
    if known is not None:  # the usual case: every word known, nothing to flag (missing cells: code 0, as below)
        codes, used_codes = known
        used_codes = sorted({*used_codes, 0}) if column.null_count else used_codes
        used(used_codes or [0])
        return codes, None
    column = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    encoded = column if pa.types.is_dictionary(column.type) else pc.dictionary_encode(column)
    words = encoded.dictionary.to_pylist()
    lookup = np.array([code_of(str(word)) for word in words] + [-1], dtype=np.int32)
    indices = encoded.indices
    if not indices.null_count and (lookup[:-1] >= 0).all():
        # every word is known (the usual case): one gather straight to small codes, nothing to flag
        # (`take` with the int32 dictionary indices: twice as fast as indexing, which converts them first)
        return lookup.astype(np.int16).take(indices.to_numpy(zero_copy_only=False)), None
    if indices.null_count:
        indices = indices.fill_null(len(words))
    codes = lookup[indices.to_numpy(zero_copy_only=False)]
    return codes, codes >= 0


def _region_index(word: str) -> int:
    region = region_of(word)
    return -1 if region is None or region is Region.unknown else region.index


def _yyyymm(words: list) -> list[int]:
    """2020-03 → 202003; -1 for anything that is not a month."""
    return [int(w[:4]) * 100 + int(w[5:]) if isinstance(w, str) and _MONTH.match(w) else -1 for w in words]


FIRST_DAY = np.datetime64("0001-01-01", "D")  # Python's first date
DAY_CODE = 10**7  # a month column's code at or above this is a day within the month: yyyymmdd


def _day_code(word: Any) -> int:
    """2021-05-20 → 20210520; -1 for anything that is not a day of the calendar."""
    if not isinstance(word, str) or not _DAY.match(word):
        return -1
    try:
        date.fromisoformat(word)
    except ValueError:
        return -1
    return int(word.replace("-", ""))


def _yyyymm_or_day(words: list) -> list[int]:
    """A month field that also reads a day (Field.accepts_day): 2020-03 → 202003, 2021-05-20 → 20210520."""
    months = _yyyymm(words)
    return [m if m >= 0 else _day_code(w) for m, w in zip(months, words, strict=True)]


def month_text(code: int) -> str:
    """A month column's code as its input: 202003 → 2020-03, 20210520 → 2021-05-20."""
    code = int(code)
    if code >= DAY_CODE:
        return f"{code // 10000:04d}-{code // 100 % 100:02d}-{code % 100:02d}"
    return f"{code // 100:04d}-{code % 100:02d}"


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


_PERCENT = r"^\s*[0-9]+(\.[0-9]+)?\s*%\s*$"


def _shares_from_text(column, errors: RowErrors, present: np.ndarray, name: str):
    """Shares from a text column: a number, or a percentage as single mode reads it (27%, ２７％ → 0.27)."""
    text = pc.utf8_normalize(column.cast(pa.string()), form="NFKC")
    percent = pc.match_substring_regex(text, _PERCENT).fill_null(False)
    if not pc.any(percent).as_py():
        return _numbers_from_text(column, errors, present, name)
    plain = pc.if_else(percent, pc.replace_substring_regex(text, r"[\s%]", ""), text)
    numbers = _numbers_from_text(plain, errors, present, name)
    return pc.if_else(percent, pc.divide(numbers, 100.0), numbers)


def _booleans_from_text(column, errors: RowErrors, present: np.ndarray, name: str):
    """true/false (any case) or 1/0 from a text column; any other cell flags its own row only."""
    text = pc.utf8_lower(pc.utf8_trim_whitespace(column.cast(pa.string())))
    truthy = pc.is_in(text, value_set=pa.array(["true", "1"])).fill_null(False)
    falsy = pc.is_in(text, value_set=pa.array(["false", "0"])).fill_null(False)
    readable = np.asarray(pc.or_(truthy, falsy))  # a table's column: ChunkedArrays, no `|` operator
    errors.flag(present & ~readable, msg.not_boolean(name))
    return truthy


def _bits(buffer: pa.Buffer, offset: int, length: int) -> np.ndarray:
    """`length` bits of an Arrow bitmap from bit `offset`, as numpy bools."""
    packed = np.frombuffer(buffer, dtype=np.uint8)
    return np.unpackbits(packed, count=offset + length, bitorder="little")[offset:].view(bool)


def _booleans(column) -> np.ndarray:
    """An Arrow boolean column as numpy bools, nulls False: its bitmaps unpacked by numpy (about fifteen
    times faster than pyarrow's own conversion of a million booleans)."""
    chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
    parts = []
    for chunk in chunks:
        if not len(chunk):
            continue
        validity, data = chunk.buffers()[:2]
        values = _bits(data, chunk.offset, len(chunk))
        if chunk.null_count:
            values &= _bits(validity, chunk.offset, len(chunk))
        parts.append(values)
    if len(parts) == 1:
        return parts[0]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=bool)


def _present(column) -> np.ndarray:
    """Where the column has a value: its validity bitmaps unpacked (no Arrow boolean array converted)."""
    chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
    out = np.ones(len(column), dtype=bool)
    start = 0
    for chunk in chunks:
        if chunk.null_count:
            if pa.types.is_null(chunk.type) or chunk.buffers()[0] is None:  # every cell null
                out[start:start + len(chunk)] = False
            else:
                out[start:start + len(chunk)] = _bits(chunk.buffers()[0], chunk.offset, len(chunk))
        start += len(chunk)
    return out


def _dense(column, fill, dtype: type | None = None) -> np.ndarray:
    """A numpy array of the column, nulls replaced by `fill` (no copy when there are none); `dtype`: an integer
    type to copy an integer column into (its values known to fit).

    A column of several chunks (a Parquet file's row groups) of numbers or dates is copied once, chunk by
    chunk, into one array, and its nulls filled there: no filled Arrow copy, no concatenation after it."""
    chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
    kind = column.type
    fixed = pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_date32(kind)
    if fixed and (len(chunks) > 1 or column.null_count or dtype is not None):
        days = pa.types.is_date32(kind)  # days since 1970 as int32: datetime64[D] is int64
        source = np.dtype(np.int32 if days else kind.to_pandas_dtype())
        out = np.empty(len(column), dtype=np.int64 if days else dtype or source)
        start = 0
        for chunk in chunks:
            if not len(chunk):
                continue
            part = out[start:start + len(chunk)]
            validity, data = chunk.buffers()[:2]
            if data is None or (validity is None and chunk.null_count):  # every cell null
                part[:] = fill
                start += len(chunk)
                continue
            np.copyto(part, np.frombuffer(data, dtype=source, count=len(chunk), offset=chunk.offset * source.itemsize),
                      casting="unsafe")  # int64 into int32 only when every value fits (the caller checked)
            if chunk.null_count:  # what a null's slot holds is undefined: overwritten with `fill`
                # (at their positions: a masked copy branches on every row, about three times slower)
                part[np.flatnonzero(~_bits(validity, chunk.offset, len(chunk)))] = fill
            start += len(chunk)
        return out.view("datetime64[D]") if days else out
    if column.null_count:
        column = column.fill_null(fill)
    if isinstance(column, pa.ChunkedArray):
        if column.num_chunks == 1:
            column = column.chunk(0)
        else:
            return column.to_numpy()
    return column.to_numpy(zero_copy_only=False)


def _whole_numbers(name: str, column, errors: RowErrors, bounds: dict[str, tuple[int, int]]) -> np.ndarray:
    """An integer or year column from an Arrow integer column: the sign and single mode's upper limit checked
    (OpenFisca keeps whole numbers as int32), and the values copied once into int32 when they fit, as the
    simulation holds them (no int64 copy to gather per period and convert in each simulation)."""
    extremes = pc.min_max(column.cast(pa.int64()))  # one pass in Arrow, nulls left out
    low, high = extremes["min"].as_py(), extremes["max"].as_py()
    if low is None:  # every cell null
        low, high = 0, 0
    elif column.null_count:  # nulls become 0
        low, high = min(low, 0), max(high, 0)
    fits = low >= -(2**31) and high <= MAX_WHOLE
    values = _dense(column, 0, np.int32 if fits else np.int64)
    if low < 0:
        errors.flag(values < 0, msg.negative(name))
    if not fits:
        errors.flag(values > MAX_WHOLE, msg.too_large(name, MAX_WHOLE))
    elif low >= 0 and not column.null_count:
        bounds[name] = (low, high)
    return values


def _record(name: str, used: list[int], bounds: dict[str, tuple[int, int]], distinct: dict[str, list[int]]) -> None:
    """Keep what validation learnt of a coded column: its lowest and highest code and the codes it may hold."""
    bounds[name] = (used[0], used[-1])
    distinct[name] = used


def _convert(spec, column, n: int, errors: RowErrors, present: np.ndarray,
             bounds: dict[str, tuple[int, int]] | None = None, distinct: dict[str, list[int]] | None = None) -> Any:
    """One column checked and converted for the simulation; each bad cell flags its own row with the
    same message single mode gives (without the value). Nulls are judged by the caller (`present`);
    their converted value is a placeholder. Where the column's range comes for free it goes in `bounds`, and
    a coded or month column's values (a superset: its dictionaries' words) in `distinct`."""
    name = spec.name
    kind = spec.type
    bounds = {} if bounds is None else bounds
    distinct = {} if distinct is None else distinct
    if kind == "region":
        # as single mode: a province's name, key or any GB/T 2260 code within it (500103 is 重庆)
        codes, known = _codes(_as_text(column), _region_index, lambda used: _record(name, used, bounds, distinct))
        if known is None:
            return codes
        errors.flag(present & ~known, msg.unknown_region(name, spec.choices))
        return np.where(known, codes, 0).astype(np.int16)
    if kind == "choice":
        # as single mode: the code or its word (微型企业 or micro), each distinct cell looked up once
        table = {text: spec.choices.index(code) for text, code in spec.spellings().items()}
        codes, known = _codes(_as_text(column), lambda word: table.get(choice_key(word), -1),
                              lambda used: _record(name, used, bounds, distinct))
        if known is None:
            return codes  # codes into spec.choices (Prepared.choices)
        errors.flag(present & ~known, msg.not_a_choice(name, map(spec.word, spec.choices)))
        return np.where(known, codes, 0).astype(np.int16)
    if kind == "boolean":
        if not pa.types.is_boolean(column.type):
            # a CSV column with one stray cell is read as text: judge each cell, not the column
            column = _booleans_from_text(column, errors, present, name)
        return _booleans(column)
    if kind in ("number", "share", "integer", "year"):
        whole = pa.types.is_signed_integer(column.type) or column.type in (pa.uint8(), pa.uint16(), pa.uint32())
        if whole and kind in ("integer", "year"):
            return _whole_numbers(name, column, errors, bounds)
        if whole:
            # whole and finite by construction: only the sign (and a share's range) to check
            values = _dense(column.cast(pa.float64()), 0)
            if not len(values) or (values.min() >= 0 and (kind != "share" or values.max() <= 1)):
                return values  # the usual case: two reductions, no mask
            errors.flag(values < 0, msg.negative(name))  # nulls were filled with 0
            if kind == "share":
                errors.flag(values > 1, msg.not_share(name))
            return values
        if not pa.types.is_floating(column.type):
            column = (_shares_from_text if kind == "share" else _numbers_from_text)(column, errors, present, name)
        values = _dense(column.cast(pa.float64()), 0)
        if kind in ("number", "share") and len(values):
            low, high = values.min(), values.max()  # NaN if any is NaN
            if low >= 0 and high < np.inf and (kind == "number" or high <= 1):
                return values  # the usual case: finite, not negative (a share at most 1), no mask built
        errors.flag(~np.isfinite(values), msg.not_finite(name))
        errors.flag(values < 0, msg.negative(name))
        if kind == "share":
            errors.flag(values > 1, msg.not_share(name))
        if kind in ("integer", "year"):
            errors.flag(np.floor(values) != values, msg.not_whole(name))
            errors.flag(values > MAX_WHOLE, msg.too_large(name, MAX_WHOLE))  # as single mode: beyond int32
            # beyond int64 (a uint64 column, 1e30): kept large, not wrapped round to a negative
            return np.clip(np.nan_to_num(values), -2.0**62, 2.0**62).astype(np.int64)
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
        values = _dense(days, 0).astype("datetime64[D]", copy=False)
        if len(values) and values.min() < FIRST_DAY:  # year 0 or before: no date single mode reads (it crashed here)
            errors.flag(present & (values < FIRST_DAY), msg.not_date(name))
        return values
    if kind == "month":
        # validate and convert each distinct value once: yyyymm integers
        code_of = _yyyymm_or_day if getattr(spec, "accepts_day", False) else _yyyymm
        known = _known_codes(column, code_of, np.int32)
        if known is not None:  # every month present and valid (the usual case)
            codes, months = known
            bounds[name] = (months[0], months[-1]) if months else (0, 0)
            distinct[name] = months
            return codes
        text = _as_text(column)
        text = text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text
        encoded = text if pa.types.is_dictionary(text.type) else pc.dictionary_encode(text)
        words = encoded.dictionary.to_pylist()
        table = code_of(words)
        lookup = np.array([*table, -1], dtype=np.int32)
        indices = encoded.indices
        if not indices.null_count and min(table, default=0) >= 0:
            bounds[name] = (min(table, default=0), max(table, default=0))
            return lookup.take(indices.to_numpy(zero_copy_only=False))  # every month valid: one gather
        codes = lookup[indices.fill_null(len(words)).to_numpy(zero_copy_only=False)]
        refused = msg.not_month_or_day if getattr(spec, "accepts_day", False) else msg.not_month
        errors.flag(present & (codes < 0), refused(name))
        return np.maximum(codes, 0)
    text = _as_text(column)  # free text stays in Arrow (county lists use pc.is_in)
    return text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text


def prepare(calc: Calculator, table: pa.Table) -> Prepared:
    n = table.num_rows
    errors = RowErrors(n)
    columns: dict[str, Any] = {}
    present: dict[str, np.ndarray] = {}
    choices: dict[str, np.ndarray] = {}
    complete: set[str] = set()
    bounds: dict[str, tuple[int, int]] = {}
    distinct: dict[str, list[int]] = {}
    everywhere = np.ones(n, dtype=bool)
    everywhere.flags.writeable = False
    for spec in calc.fields:
        if spec.name not in table.column_names:
            if spec.required:
                raise CalculatorError(msg.error(spec.name, "文件缺少此列"))
            continue
        column = table.column(spec.name)
        # a column without nulls shares one read-only all-true mask (nothing writes to a presence mask)
        present[spec.name] = _present(column) if column.null_count else everywhere
        if not column.null_count:
            complete.add(spec.name)
        if spec.required and column.null_count:
            errors.flag(~present[spec.name], msg.missing(spec.name))
        columns[spec.name] = _convert(spec, column, n, errors, present[spec.name], bounds, distinct)
        if spec.positive:  # as single mode's parse_value: 0 refused where the rule multiplies by it
            errors.flag(present[spec.name] & (np.asarray(columns[spec.name]) == 0), msg.zero(spec.name, optional=not spec.required))
        fill = calc.absent_values.get(spec.name)
        converted = columns[spec.name]
        if column.null_count and fill is not None and isinstance(converted, np.ndarray) and \
                not (converted.dtype.kind in "biuf" and fill == 0):  # the converters leave 0 and False there
            columns[spec.name] = _filled(converted, present[spec.name], fill)
        if spec.type == "choice":
            choices[spec.name] = np.array(spec.choices)
    return Prepared(columns, present, errors, choices, complete, bounds, distinct)


def _filled(array: np.ndarray, present: np.ndarray, fill: Any) -> np.ndarray:
    """`array` with the value an input not given takes written into its missing cells, once for the whole
    column (not at every gather of a chunk)."""
    out = array if array.flags.writeable else array.copy()
    np.copyto(out, np.asarray(fill, dtype=out.dtype), where=~present)
    return out


_REGION_BY_INDEX = {member.index: member for member in Region}


def _python_value(spec, array: Any, i: int) -> Any:
    value = array[i]
    if isinstance(value, pa.Scalar):  # a text field, kept as Arrow strings
        return str(value.as_py())
    if spec.type == "region":
        return _REGION_BY_INDEX[int(value)]
    if spec.type == "date":
        return date.fromisoformat(str(value))
    if spec.type in ("integer", "year"):
        return int(value)
    if spec.type in ("number", "share"):
        return float(value)
    if spec.type == "boolean":
        return bool(value)
    if spec.type == "month":
        return month_text(value)
    if spec.type == "choice":
        return spec.choices[int(value)]
    return str(value)


def _small_codes(array: np.ndarray, bounds: tuple[int, int] | None = None) -> tuple[np.ndarray, int]:
    """Dense codes 0..k-1 and k for an array, without sorting when its values span a small range; `bounds`
    (lowest, highest), when validation knows them, save the two passes finding them. The codes are a new
    array, two bytes a row when the range allows."""
    if array.dtype.kind in "iub" or array.dtype.kind == "M":
        ints = array.view(np.int64) if array.dtype.kind == "M" else array
        low, high = bounds if bounds is not None else (int(ints.min()), int(ints.max()))
        if high - low < 4_000_000:  # one pass, four bytes a row (two when the range is under 32 768)
            # computed in the narrow type: both sides wrap alike, and the difference fits
            return np.subtract(ints, ints.dtype.type(low), dtype=_key_dtype(high - low + 1), casting="unsafe"), \
                high - low + 1
    unique, inverse = np.unique(array, return_inverse=True)
    return inverse.reshape(-1), len(unique)


def _dense_codes(codes: np.ndarray, size: int, occurring: list[int]) -> tuple[np.ndarray, int, list[int]]:
    """Codes 0..k-1 for the k values that occur among codes 0..size-1 (in their order), through a small
    table (one gather): the same rows share a code as before, over a narrower range."""
    dense = list(range(len(occurring)))
    if len(occurring) <= 4:  # a code's place among the few that occur: how many of the others are at or below it
        # (a comparison or three of two-byte codes; a gather would first widen the codes to 8 bytes a row)
        ranks = occurring[1:] if occurring else []
        out = np.zeros(len(codes), dtype=np.int8)
        for value in sorted(ranks):
            out += codes >= value
        return out, len(occurring), dense
    table = np.zeros(size, dtype=_key_dtype(len(occurring)))
    table[occurring] = dense
    return table.take(codes), len(occurring), dense


def _text_codes(array: pa.Array) -> tuple[np.ndarray, int]:
    """Codes 0..k-1 of a text column's distinct values (a missing cell: one more code) and k."""
    encoded = array if pa.types.is_dictionary(array.type) else pc.dictionary_encode(array)
    size = len(encoded.dictionary)
    indices = encoded.indices.fill_null(size) if encoded.indices.null_count else encoded.indices
    return indices.to_numpy(zero_copy_only=False), size + 1


# Up to this many combinations of the gap fields that may occur, each is looked for by its own pass (four
# regions × two years); beyond, one scatter of row numbers finds them all.
FEW_COMBINATIONS = 32


def _candidate_keys(parts: list[tuple[np.ndarray, int, list[int] | None]]) -> list[int] | None:
    """The combination keys that may occur, from the codes each part may hold (all of its range where that is
    not known), when there are at most FEW_COMBINATIONS of them; None otherwise."""
    choices = [occurring if occurring is not None else range(size) for _, size, occurring in parts]
    if int(np.prod([len(options) for options in choices], dtype=object)) > FEW_COMBINATIONS:
        return None
    keys = [0]
    for (_, size, _), options in zip(parts, choices, strict=True):
        keys = [key * size + option for key in keys for option in options]
    return keys


def _key_dtype(span: int) -> type:
    """The narrowest integer type holding combination numbers below `span` (fewer bytes a row to scan)."""
    return np.int16 if span < 2**15 else np.int32 if span < 2**31 else np.int64


def find_gaps(calc: Calculator, prep: Prepared) -> None:
    """Call the calculator's gap check once per distinct combination of the fields it reads.

    Where the period is a day that the checks read only through the rule's dates (`gap_day_bounds`), or a date
    input is compared only with fixed days but its message may name it (`gap_date_bounds_shown`), the days are
    first grouped by the span between two bounds; rows of a group that fails are checked again day by day, so
    that each message names the row's own day. Otherwise the inputs of `Calculator.gap_column_fields` are no part
    of the combinations: each combination's rows are checked column-wise (`_check_columns`)."""
    if prep.errors.clean:
        rows: np.ndarray | slice = slice(None)
        count = prep.errors.rows
    else:
        rows = np.flatnonzero(prep.errors.ok())
        count = len(rows)
    if count == 0:
        return
    bounds = calc.gap_day_bounds
    by_day = bounds is not None and calc.period_field in prep.columns
    columns = _gap_columns(calc, prep) if calc.gap_columns is not None and not by_day else frozenset()
    shown = {name: days for name, days in calc.gap_date_bounds_shown.items()
             if name in prep.columns and name not in columns}
    if not by_day and not shown:
        if not _check_decoded(calc, prep, rows):
            _check_combinations(calc, prep, rows, count, columns=columns)
        return
    period_spans = None
    if by_day:
        days = prep.columns[calc.period_field][rows].astype("datetime64[D]").astype(np.int64)
        period_spans = (_span_codes(days, np.array(bounds, dtype="datetime64[D]").astype(np.int64)), len(bounds) + 1)
    failed = _check_combinations(calc, prep, rows, count, period_spans, calc.gap_date_bounds | shown, collect=True)
    if failed is not None:
        _check_combinations(calc, prep, failed, len(failed))


def _gap_columns(calc: Calculator, prep: Prepared) -> frozenset[str]:
    """The fields of `Calculator.gap_column_fields` this file has; none where they are all integers of a narrow
    range (a grade 1–10, the months of a benefit): grouping by their values then costs less than checking
    column-wise (the combinations-first paths, `_check_decoded`, stay open)."""
    specs = {spec.name: spec for spec in calc.fields}
    names = [name for name in calc.gap_column_fields if name in prep.columns]
    if all(specs[name].type == "integer" and _narrow(prep, name) for name in names):
        return frozenset()
    return frozenset(names)


def _narrow(prep: Prepared, name: str) -> bool:
    """Whether an integer column's values (an absent cell's placeholder included) span fewer than
    FEW_COMBINATIONS."""
    bounds = prep.bounds.get(name)
    if bounds is None:
        array = prep.columns[name]
        if not isinstance(array, np.ndarray) or array.dtype.kind not in "iu" or not len(array):
            return False
        bounds = (int(array.min()), int(array.max()))
    return bounds[1] - bounds[0] < FEW_COMBINATIONS


# Gap fields whose integer codes name their values (a region's index, a choice's position, the number itself)
_DECODABLE = frozenset({"region", "choice", "year", "integer"})


def _decodable_fields(calc: Calculator, prep: Prepared) -> list[tuple[Any, np.ndarray, int, list[int]]] | None:
    """(field, column, lowest value, the values it may hold) of each gap field that is part of the key, when
    each is a complete integer-coded column whose values validation learnt (a dictionary's words, or a range)
    and they make at most FEW_COMBINATIONS combinations; None otherwise."""
    specs = {spec.name: spec for spec in calc.fields}
    fields = []
    for entry in calc.gap_fields:
        name = entry.lstrip("?")
        if name not in prep.columns:
            continue
        if name not in prep.complete:  # absent cells are a part of the key of their own
            return None
        if entry.startswith("?"):  # present in every row: the same on every row, no part of the key
            continue
        array, spec = prep.columns[name], specs[name]
        if spec.type not in _DECODABLE or name in calc.gap_date_bounds or name not in prep.bounds \
                or not isinstance(array, np.ndarray) or array.dtype.kind not in "iu":
            return None
        low, high = prep.bounds[name]
        values = prep.distinct.get(name) or (list(range(low, high + 1)) if high - low < FEW_COMBINATIONS else None)
        if values is None:
            return None
        fields.append((spec, array, low, values))
    if not fields or int(np.prod([len(values) for *_, values in fields], dtype=object)) > FEW_COMBINATIONS:
        return None  # no field by value (the grouped check flags all rows or none) or too many combinations
    return fields


def _row_values(calc: Calculator, prep: Prepared, i: int) -> dict[str, Any]:
    """The input values of row `i` as single mode parses them (the fields it has)."""
    return {spec.name: _python_value(spec, prep.columns[spec.name], i) for spec in calc.fields
            if spec.name in prep.columns and prep.present[spec.name][i]}


def _check_decoded(calc: Calculator, prep: Prepared, rows: np.ndarray | slice) -> bool:
    """The gap checks without grouping the rows first, where the gap fields' possible values are known
    (`_decodable_fields`): each combination they may make is checked once (with a row's other inputs: `gap`
    reads only its gap fields), and only a failing one is looked for among the rows, its rows flagged with the
    message of its first row (as `_check_combinations` would). False when the fields do not allow it.

    Rows of a single year and regions with rules: no pass over the rows at all; a mix with some failing
    combination that may occur: one key per row and one comparison per failing combination."""
    fields = _decodable_fields(calc, prep)
    if fields is None:
        return False
    first = 0 if isinstance(rows, slice) else int(rows[0])
    row = _row_values(calc, prep, first)
    failing = []
    for combo in itertools.product(*(values for *_, values in fields)):
        values = row | {spec.name: _value_of(spec, value) for (spec, *_), value in zip(fields, combo, strict=True)}
        try:
            if calc.gap(values) is not None:
                failing.append(combo)
        except Exception:  # a combination no row may have: the rows' own check decides, as before
            return False
    if not failing:
        return True
    sizes = [max(values) - low + 1 for _, _, low, values in fields]
    strides = [int(np.prod(sizes[i + 1:], dtype=object)) for i in range(len(sizes))]
    kind = _key_dtype(int(np.prod(sizes, dtype=object)))
    # per row, Σ value × stride in the narrow type: it may wrap round, but two combinations of the fields' values
    # differ by less than the type's range, so wrapped keys still tell them apart
    key = None
    for (_, array, _, _), stride in zip(fields, strides, strict=True):
        part = array[rows] if isinstance(rows, slice) else array.take(rows)
        term = part if stride == 1 else np.multiply(part, _wrapped(stride, kind), dtype=kind, casting="unsafe")
        if key is None:
            key = term.astype(kind, copy=term is part)  # a new array: the column is never written to
        else:
            np.add(key, term, out=key, casting="unsafe")
    for combo in failing:
        hit = key == _wrapped(sum(value * stride for value, stride in zip(combo, strides, strict=True)), kind)
        if not hit.any():
            continue
        at = int(hit.argmax())
        representative = at if isinstance(rows, slice) else int(rows[at])
        message = calc.gap(_row_values(calc, prep, representative))
        if message is not None:
            if not isinstance(rows, slice):
                bad = np.zeros(prep.errors.rows, dtype=bool)
                bad[rows[hit]] = True
                hit = bad
            prep.errors.flag(hit, message)
    return True


def _wrapped(value: int, kind: type) -> Any:
    """`value` as integer type `kind` holds it after wrapping round (two's complement)."""
    bits = np.dtype(kind).itemsize * 8
    value %= 2**bits
    return kind(value - 2**bits if value >= 2 ** (bits - 1) else value)


def _value_of(spec, code: int) -> Any:
    """A gap field's value from its integer code (see `_python_value`)."""
    return _python_value(spec, np.array([code]), 0)


def _check_combinations(calc: Calculator, prep: Prepared, rows: np.ndarray | slice, count: int,
                        period_spans: tuple[np.ndarray, int] | None = None,
                        date_bounds: dict[str, tuple[str, ...]] | None = None,
                        collect: bool = False, columns: frozenset[str] = frozenset()) -> np.ndarray | None:
    """Check one row of each combination of the gap fields among `rows` and flag every row of a failing
    combination. `period_spans` (span codes of the period field and their count) stand in for the period's
    values, and the dates of `date_bounds` (default: `Calculator.gap_date_bounds`) are read by the span they
    fall in; with `collect`, flag nothing but return the rows of failing combinations (None: none failed).
    The fields of `columns` (`Calculator.gap_column_fields`) are no part of the key but for whether they are
    given: each combination's rows are checked column-wise (`_check_columns`)."""
    date_bounds = calc.gap_date_bounds if date_bounds is None else date_bounds
    parts: list[tuple[np.ndarray, int, list[int] | None]] = []  # per field: codes, their count, those that occur
    for entry in calc.gap_fields:
        name = entry.lstrip("?")
        if name not in prep.columns:
            continue
        if period_spans is not None and name == calc.period_field:
            parts.append((*period_spans, None))
            continue
        complete = name in prep.complete
        present = None if complete else prep.present[name][rows]
        everywhere = complete or bool(present.all())
        if entry.startswith("?") or name in columns:
            if not everywhere:  # the same on every row otherwise: no part of the key
                parts.append((present.view(np.int8), 2, None))
            continue
        array = prep.columns[name]
        occurring = None
        if name in date_bounds:  # a date the checks compare with fixed days: the span it falls in
            # days since 1970 as integers: a date column (from date32) holds no NaT, and integer minima and
            # comparisons take a fraction of the time of datetime64's
            days = array[rows].astype("datetime64[D]", copy=False).view(np.int64)
            bounds = np.array(date_bounds[name], dtype="datetime64[D]").view(np.int64)
            low = days.min()  # every date in one span (the usual case): no part of the key
            if low >= bounds[-1] or not ((low < bounds) & (bounds <= days.max())).any():
                if not everywhere:
                    parts.append((present.view(np.int8), 2, None))
                continue
            codes = np.zeros(count, dtype=np.int8)
            for bound in bounds:  # a comparison per day (a table of the dates' range would span the
                codes += days >= bound  # 9999-12-31 of an absent date)
            size = len(bounds) + 1
        elif isinstance(array, pa.Array):  # a text field (a county code): its dictionary's indices
            codes, size = _text_codes(array)
            codes = codes[rows]
        else:
            known = prep.bounds.get(name) if complete else None
            codes, size = _small_codes(array[rows], known)
            if known is not None and name in prep.distinct and size == known[1] - known[0] + 1 \
                    and array.dtype.kind in "iu":  # codes are value − lowest (see _small_codes)
                occurring = [value - known[0] for value in prep.distinct[name]]  # a dictionary's codes
                if len(occurring) < size // 2:  # few values over a wide range (months 202003 and 202101):
                    codes, size, occurring = _dense_codes(codes, size, occurring)  # the key stays narrow
        if not everywhere:  # absent cells (a placeholder value) apart from present ones
            codes, size = codes.astype(_key_dtype(size * 2), copy=False) * 2 + present, size * 2
        parts.append((codes, size, occurring))
    span = int(np.prod([size for _, size, _ in parts], dtype=object)) if parts else 1
    key = np.zeros(count, dtype=_key_dtype(span))
    for codes, size, _ in parts:  # key × size + codes, in place in the narrowest type that holds it
        key *= size
        key += codes
    candidates = _candidate_keys(parts)
    if candidates is not None:
        # a pass per combination that may occur, its first row if any: a comparison of narrow integers and a
        # scan cost less than one scatter of a row number per row
        found = [(combo, int(hit.argmax())) for combo in candidates if (hit := key == combo).any()]
        combos = np.array([combo for combo, _ in found], dtype=np.int64)
        representatives = np.array([row for _, row in found], dtype=np.int64)
    elif span <= 8_000_000:
        # by counting, not sorting: a row for each combination present (whichever was written last)
        some_row = np.full(span, -1, dtype=np.int64)
        some_row[key] = row_ids(count)
        combos = np.flatnonzero(some_row >= 0)
        representatives = some_row[combos]
    else:
        combos, representatives = np.unique(key, return_index=True)
    chosen = representatives if isinstance(rows, slice) else rows[representatives]
    if columns:
        if span <= 8_000_000:
            lookup = np.zeros(span, dtype=np.int32)
            lookup[combos] = np.arange(len(combos))
            _check_columns(calc, prep, rows, lookup[key], chosen, columns)
        else:
            _check_columns(calc, prep, rows, np.searchsorted(combos, key), chosen, columns)
        return None
    specs = {spec.name: spec for spec in calc.fields}
    messages: list[str | None] = []
    for i in chosen:
        values = {name: _python_value(spec, prep.columns[name], i) for name, spec in specs.items()
                  if name in prep.columns and prep.present[name][i]}
        messages.append(calc.gap(values))
    if not any(messages):
        return None
    if span <= 8_000_000:
        lookup = np.zeros(span, dtype=np.int32)
        lookup[combos] = np.arange(len(combos))
        choice = lookup[key]
    else:
        choice = np.searchsorted(combos, key)
    if collect:
        failing = np.array([message is not None for message in messages])[choice]
        return np.flatnonzero(failing) if isinstance(rows, slice) else rows[failing]
    prep.errors.flag_each(rows, choice, messages)
    return None


def _check_columns(calc: Calculator, prep: Prepared, rows: np.ndarray | slice, choice: np.ndarray,
                   chosen: np.ndarray, columns: frozenset[str]) -> None:
    """Flag `rows` by `Calculator.gap_columns`, once per combination of the other gap fields (`choice`: each
    row's combination, `chosen`: a row of each), the inputs of `columns` passed as the combination's columns. A
    combination whose checks cannot be evaluated so is checked by value, one row per distinct combination."""
    specs = {spec.name: spec for spec in calc.fields}
    few = len(chosen) <= FEW_COMBINATIONS // 2  # a comparison per combination costs less than a sort
    order = None if few else np.argsort(choice, kind="stable")
    ends = None if few else np.cumsum(np.bincount(choice, minlength=len(chosen)))
    row_codes = np.zeros(len(choice), dtype=np.int32)  # 0: no gap, else the message's place in `messages`
    messages: dict[str, int] = {}
    for k, representative in enumerate(chosen):
        local = np.flatnonzero(choice == k) if few else order[ends[k - 1] if k else 0:ends[k]]
        group = local if isinstance(rows, slice) else rows[local]
        values = _row_values(calc, prep, int(representative))
        given = {name: prep.columns[name] for name in columns if name in values}
        if all(isinstance(array, np.ndarray) for array in given.values()):
            arrays = {name: _column_of(specs[name], array[group]) for name, array in given.items()}
            try:
                codes, texts = calc.gap_columns({name: value for name, value in values.items()
                                                 if name not in columns}, arrays, len(group))
            except Exception:  # `gap` row by row decides, or raises, as before
                codes = None
        else:
            codes = None
        if codes is None:
            _check_combinations(calc, prep, group, len(group))
            continue
        if not texts:
            continue
        places = np.array([messages.setdefault(text, len(messages) + 1) for text in texts], dtype=np.int32)
        hit = codes >= 0
        row_codes[local[hit]] = places[codes[hit]]
    if messages:
        prep.errors.flag_each(rows, row_codes, [None, *messages])


def _column_of(spec, array: np.ndarray) -> np.ndarray:
    """A gap column as `_python_value` reads its cells: dates as days, amounts as floats, counts as ints."""
    if spec.type == "date":
        return array.astype("datetime64[D]", copy=False)
    if spec.type == "integer":
        return array.astype(np.int64, copy=False)
    return array.astype(np.float64, copy=False)


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
    if spec.type == "date" and _dated_to_the_day(calc):
        days = array.astype("datetime64[D]").astype(np.int64)  # days since 1970-01-01
        changes = change_days(calc.variable)
        if changes is None:  # a formula reads the day itself: one period per day
            return days, lambda d: str(np.datetime64(int(d), "D"))
        # the day only chooses the formulas and parameters in force: one period per span between changes,
        # simulated on the span's first day (or, before the first change, on the day before it)
        starts = np.array(changes, dtype="datetime64[D]").astype(np.int64)
        firsts = np.concatenate([starts[:1] - 1, starts])
        return _span_codes(days, starts), lambda k: str(np.datetime64(int(firsts[k]), "D"))
    if spec.type == "date":
        months = array.astype("datetime64[M]").astype(np.int64)  # months since 1970-01
        return months, lambda m: f"{1970 + m // 12:04d}-{m % 12 + 1:02d}"
    return array, month_text  # yyyymm; a day within the month (yyyymmdd) is simulated as its month, by its rules


def _span_codes(days: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """For each day (days since 1970), how many of the ordered `bounds` are on or before it: the span it
    falls in. Through a table of the days' range when it is small (a gather, not a search per row)."""
    if not len(days):
        return days
    low, high = int(days.min()), int(days.max())
    if high - low < 4_000_000:
        table = np.searchsorted(bounds, np.arange(low, high + 1), side="right").astype(np.int32)
        return table[days - low]
    return np.searchsorted(bounds, days, side="right")


def _distinct(keys: np.ndarray) -> np.ndarray:
    """The distinct integer keys, by counting when their range is small (no sort)."""
    low, high = int(keys.min()), int(keys.max())
    if high - low < 4_000_000:
        return np.flatnonzero(np.bincount(keys - low)) + low
    return np.unique(keys)


class _Rows(Mapping):
    """The input columns for some rows, each gathered when a calculator first reads it: a column no
    OpenFisca variable takes (the period's own input, a field only the gap checks read) is never copied.
    Absent optional values take their "not given" value."""

    def __init__(self, prep: Prepared, rows: slice | np.ndarray) -> None:
        self.prep, self.rows, self.done = prep, rows, {}

    def __getitem__(self, name: str) -> Any:
        if name not in self.done:
            self.done[name] = _gather(self.prep, name, self.rows)
        return self.done[name]

    def absent(self, name: str) -> np.ndarray | None:
        """Where these rows have no value for `name`; None when every one has."""
        if name in self.prep.complete or name not in self.prep.present:
            return None
        present = self.prep.present[name][self.rows]
        return None if present.all() else ~present

    def coded(self, name: str) -> Coded | None:
        """A choice column as its codes and words (enum_codes maps the words, not a string per row)."""
        if name not in self.prep.choices:
            return None
        return Coded(_gather(self.prep, name, self.rows, decode=False), tuple(self.prep.choices[name]))

    def __contains__(self, name: object) -> bool:  # without gathering the column
        return name in self.prep.columns

    def __iter__(self):
        return iter(self.prep.columns)

    def __len__(self) -> int:
        return len(self.prep.columns)


def _gather(prep: Prepared, name: str, rows: slice | np.ndarray, decode: bool = True) -> Any:
    """Column `name` at `rows` (missing cells hold their input's "not given" value where `prepare` wrote
    one); a choice column as its words (or codes: `decode`)."""
    array = prep.columns[name]
    if isinstance(array, np.ndarray):
        part = array[rows] if isinstance(rows, slice) else array.take(rows, axis=0)  # a third faster than indexing
    elif isinstance(rows, slice):
        part = array.slice(rows.start, rows.stop - rows.start)
    else:
        part = array.take(pa.array(rows))
    if decode and name in prep.choices:
        part = prep.choices[name][part]
    return part


def _columns(prep: Prepared, rows: slice | np.ndarray) -> Columns:
    """The input columns for some rows (gathered as they are read)."""
    return _Rows(prep, rows)  # type: ignore[return-value]


def compute(calc: Calculator, prep: Prepared, on_rows: Callable[[int], None] | None = None) -> np.ndarray:
    """The calculator's value for every valid row (NaN where the row has an error).

    Each valid row is computed once, in its own period's simulation (or, where each row carries its period as
    an input, `Calculator.period_variable`, in one simulation with the rows of every period): when every row is
    valid and shares one simulation the chunks are contiguous slices (no copying); otherwise the valid rows of
    each simulation are gathered, chunk by chunk, and their values scattered back.
    """
    report = on_rows or (lambda rows: None)
    n = prep.errors.rows
    everyone = prep.errors.clean
    # every row valid: each is written by its period's simulation, so no NaN fill first
    values = np.empty(n) if everyone else np.full(n, np.nan)
    ok = None if everyone else prep.errors.ok()
    if not everyone and not ok.any():
        report(n)
        return values
    keys, period_name = _periods(calc, prep)
    split = [name for name in calc.inputs_with_formulas if name in prep.columns and name not in prep.complete]
    if split:  # rows with and without such an input apart: a chunk has the value in every row or in none
        keys = keys.astype(np.int64) << len(split)
        for bit, name in enumerate(split):
            keys |= prep.present[name].astype(np.int64) << bit
        named = period_name
        period_name = lambda key: named(key >> len(split))  # noqa: E731
    if calc.period_variable and not split:
        # each row's period is an input of its own (Calculator.period_variable): every valid row in one group,
        # simulated in the first one's period (the formulas read each row's own)
        rows = None if everyone else np.flatnonzero(ok)
        period = period_name(int(keys[0 if everyone else rows[0]]))
        if everyone:
            _simulate_slices(calc, prep, period, values, report)
        else:
            _simulate_rows(calc, prep, rows, period, values, report)
            report(n - len(rows))
        return values
    known = prep.distinct.get(calc.period_field) if everyone and not split else None  # a month column's words
    if known is not None:
        low, high = (known[0], known[-1]) if known else (0, -1)
    else:
        low, high = (int(keys.min()), int(keys.max())) if everyone else (0, -1)
    if everyone and low == high:
        _simulate_slices(calc, prep, period_name(low), values, report)
        return values
    done = 0
    # a few periods spanning a small range (2020 and 2021): each tried directly, one pass for its rows
    # (a month column: its dictionaries' words, no pass at all; a word no row uses finds no rows)
    if known is not None:
        periods = known
    else:
        periods = range(low, high + 1) if everyone and high - low < 16 else _distinct(keys if everyone else keys[ok])
    for key in periods:
        mine = ok if len(periods) == 1 else (keys == key if everyone else (keys == key) & ok)
        rows = np.flatnonzero(mine)
        if not len(rows):
            continue
        _simulate_rows(calc, prep, rows, period_name(int(key)), values, report)
        done += len(rows)
    report(n - done)
    return values


def _simulate_slices(calc: Calculator, prep: Prepared, period: str, values: np.ndarray,
                     report: Callable[[int], None]) -> None:
    """Every row in `period`'s simulations, in contiguous slices (no gathers, no scatter)."""
    n = len(values)
    for start in range(0, n, CHUNK_ROWS):
        part = slice(start, min(start + CHUNK_ROWS, n))
        variables = calc.to_variables(_columns(prep, part), period)
        try:
            values[part] = simulate(variables, period, (calc.variable,), part.stop - start)[calc.variable]
        except HolidayDataMissing:
            _by_halves(calc, prep, np.arange(part.start, part.stop), period, values)
        report(part.stop - start)


def _simulate_rows(calc: Calculator, prep: Prepared, rows: np.ndarray, period: str, values: np.ndarray,
                   report: Callable[[int], None]) -> None:
    """`rows` in `period`'s simulations, gathered chunk by chunk and their values scattered back."""
    for start in range(0, len(rows), CHUNK_ROWS):
        chunk = rows[start:start + CHUNK_ROWS]
        variables = calc.to_variables(_columns(prep, chunk), period)
        try:
            values[chunk] = simulate(variables, period, (calc.variable,), len(chunk))[calc.variable]
        except HolidayDataMissing:
            _by_halves(calc, prep, chunk, period, values)
        report(len(chunk))


def _by_halves(calc: Calculator, prep: Prepared, chunk: np.ndarray, period: str, values: np.ndarray) -> None:
    """A chunk in which some row's working-day limit reaches a year with no published holidays: its halves again,
    down to the rows that reach it (which carry single mode's refusal; the others get their answers) — a few bad
    rows in a large file cost a few simulations each, and the refusals are flagged once per message."""
    refused: dict[str, list[np.ndarray]] = {}

    def run(rows: np.ndarray) -> None:
        try:
            values[rows] = simulate(calc.to_variables(_columns(prep, rows), period), period, (calc.variable,),
                                    len(rows))[calc.variable]
        except HolidayDataMissing as error:
            if len(rows) > 1:
                middle = len(rows) // 2
                run(rows[:middle])
                run(rows[middle:])
            else:
                refused.setdefault(calc.holidays_unknown(error), []).append(rows)

    middle = len(chunk) // 2  # the whole chunk has just failed: start from its halves
    for half in (chunk[:middle], chunk[middle:]) if len(chunk) > 1 else (chunk,):
        run(half)
    for message, parts in refused.items():
        rows = np.concatenate(parts)
        values[rows] = np.nan  # the array may have been made without a fill (every row valid)
        bad = np.zeros(len(values), dtype=bool)
        bad[rows] = True
        prep.errors.flag(bad, message)


def evaluate(calc: Calculator, table: pa.Table, on_rows: Callable[[int], None] | None = None):
    """(values, RowErrors) for every row of `table`: the converter, the gap checks, the simulations, then the
    rows of a month within which a rule changes (settle_month_questions)."""
    prep = prepare(calc, table)
    find_gaps(calc, prep)
    values = compute(calc, prep, on_rows)
    refuse_placeholders(calc, prep, values)
    settle_month_questions(calc, table, prep, values)
    return values, prep.errors


def refuse_placeholders(calc: Calculator, prep: Prepared, values: np.ndarray) -> None:
    """Rows without an error whose value is a formula's “no rule” placeholder (a negative amount, count or
    share: Calculator.refuses) get the gap refusal single mode gives them (Calculator.no_rule), never the
    placeholder as an answer. Such rows are rare (a gap the checks missed): one message per row's case."""
    if calc.unit not in NEVER_NEGATIVE or not np.issubdtype(values.dtype, np.number):
        return
    bad = values < 0
    if not prep.errors.clean:
        bad &= prep.errors.codes == 0
    rows = np.flatnonzero(bad)
    if not len(rows):
        return
    specs = {spec.name: spec for spec in calc.fields}
    messages: dict[str, int] = {}
    choice = np.empty(len(rows), dtype=np.int64)
    for n, i in enumerate(rows):
        case = {name: _python_value(spec, prep.columns[name], int(i)) for name, spec in specs.items()
                if name in prep.columns and prep.present[name][i]}
        choice[n] = messages.setdefault(calc.no_rule(case), len(messages))
    prep.errors.flag_each(rows, choice, list(messages))
    values[rows] = np.nan


def settle_month_questions(calc: Calculator, table: pa.Table, prep: Prepared, values: np.ndarray) -> None:
    """Rows whose month was given as a month within which a rule changes (the gap check asked for the day):
    as single mode (Calculator._run_days), each is computed again on the month's 1st and on each day of a
    change; a row whose days all agree (the same value, or the same refusal) gets the 1st's answer or
    refusal; the others keep the question, naming that row's outcome on each day. Only those rows are
    computed again, once per day (a few simulations per distinct question)."""
    if calc.month_days is None or prep.errors.clean:
        return
    errors = prep.errors
    asked = [code for code, message in enumerate(errors.messages) if message and msg.is_day_asked(message)]
    specs = {spec.name: spec for spec in calc.fields}
    for code in asked:
        rows = np.flatnonzero(errors.codes == code)
        if not len(rows):
            continue
        first = int(rows[0])  # the rows of one question share its month and days (the message names them)
        case = {name: _python_value(spec, prep.columns[name], first) for name, spec in specs.items()
                if name in prep.columns and prep.present[name][first]}
        days = calc.month_days(case)
        if days:
            _settle(calc, table.take(pa.array(rows)), rows, days, str(case[calc.period_field]), values, errors)


def _settle(calc: Calculator, part: pa.Table, rows: np.ndarray, days: list[str], month: str, values: np.ndarray,
            errors: RowErrors) -> None:
    """`settle_month_questions` for the rows of one question (`part`: their input rows)."""
    index = part.schema.get_field_index(calc.period_field)
    statuses: dict[tuple, int] = {("value",): 0}
    words: list[str | None] = [None]
    by_day, per_day = [], []
    for day in days:
        column = pa.array([day] * part.num_rows, pa.string())
        day_values, day_errors = evaluate(calc, part.set_column(index, calc.period_field, column))
        ids = [0] + [_status_id(calc, message, statuses, words) for message in day_errors.messages[1:]]
        status = np.array(ids, dtype=np.int64)[day_errors.codes]
        rounded = np.round(day_values, 2 if calc.unit.startswith("CNY") else 6)
        per_day.append(np.column_stack([status, np.where(status == 0, rounded, 0.0)]))
        by_day.append((day_values, day_errors))
    outcomes = np.stack(per_day, axis=1)  # row × day × (status, value)
    agree = (outcomes == outcomes[:, :1, :]).all(axis=(1, 2))
    first_values, first_errors = by_day[0]
    values[rows[agree]] = first_values[agree]
    kept = np.flatnonzero(agree)
    errors.replace(rows[kept], first_errors.codes[kept], first_errors.messages)
    asked = np.flatnonzero(~agree)
    if not len(asked):
        return
    # one question per distinct combination of the days' outcomes (each row's own figures)
    combos, inverse = np.unique(outcomes[asked].reshape(len(asked), -1), axis=0, return_inverse=True)
    starts = [f"{int(day[5:7])}月{int(day[8:])}日起：" for day in days]
    before, _, after = msg.day_asked(calc.period_field, days[1:], "\x00", month).partition("\x00")  # built once
    questions: list[str | None] = []
    for combo in combos:
        differs = "；".join(start + _outcome_words(calc, int(status), value, words)
                            for start, (status, value) in zip(starts, combo.reshape(-1, 2), strict=True))
        questions.append(before + differs + after)
    errors.replace(rows[asked], inverse.reshape(-1), questions)


def _status_id(calc: Calculator, message: str, statuses: dict[tuple, int], words: list[str | None]) -> int:
    """A refusal's status (its field and whether it is a gap) as a small number; its words kept at that number."""
    key = ("refused", msg.field_of(message), msg.is_gap(message))
    if key not in statuses:
        statuses[key] = len(statuses)
        label = msg.field_of(calc.label_message(message))
        words.append("无适用规定" if key[2] else f"不予计算（{label}）")
    return statuses[key]


def _outcome_words(calc: Calculator, status: int, value: float, words: list[str | None]) -> str:
    """One day's outcome for a question, as single mode names it (Calculator.outcome_words)."""
    if status:
        return str(words[status])
    if calc.unit == "date":  # days since 1970
        return str(np.datetime64(int(value), "D"))
    if calc.unit in UNIT_WORDS and abs(value) < 1e12:  # rounded to 6 decimals: as num() writes it, faster
        return f"{value:.6f}".rstrip("0").rstrip(".") + UNIT_WORDS[calc.unit]
    return value_words(calc.unit, bool(value) if calc.unit == "boolean" else float(value))


def run_table(calc: Calculator, table: pa.Table, on_rows: Callable[[int], None] | None = None):
    """(values, errors) for every row of `table`, errors as an object array (None where the row is fine)."""
    values, errors = evaluate(calc, table, on_rows)
    return values, errors.as_objects()


def result_table(calc: Calculator, table: pa.Table, values: np.ndarray, errors: RowErrors) -> pa.Table:
    """The input columns, then `value` (null where the row has an error), `error` (the row's first error
    as users read it: the field by its Chinese label, 月工资：应为数字) and `error_field` (that field's input
    key, as data: the column to correct). Both dictionary-encoded: one copy of each message."""
    missing = np.isnan(values)
    mask = missing if missing.any() else None
    if calc.unit == "date":  # the simulation's days since 1970, written as dates (2025-12-28, not 20450)
        column = pa.array(np.where(missing, 0, values).astype(np.int32), mask=mask).cast(pa.date32())
    else:  # no mask where every row has a value (the usual case): the values are then not copied
        column = pa.array(values, mask=mask)
    output = table.append_column("value", column)
    error = errors.as_arrow(calc.label_message)
    output = output.append_column("error", error)
    # no row with an error (the usual case): the same all-null column twice, built once
    return output.append_column("error_field", error if errors.clean else errors.as_arrow(msg.field_of))


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
            values, errors = evaluate(calc, table, lambda rows: bar.advance(task, rows))
    else:
        values, errors = evaluate(calc, table)
    write_table(result_table(calc, table, values, errors), out)
    bad = errors.count()
    return {
        "calculator": name,
        "rows": table.num_rows,
        "computed": table.num_rows - bad,
        "errors": bad,
        "unit": calc.unit,
        "out": str(out),
        "seconds": round(time.perf_counter() - started, 3),
    }
