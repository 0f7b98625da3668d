"""Batch calculations from an uploaded CSV: one background job per upload (:mod:`kuaiban.platform.jobs`).

The upload is checked here (encoding, columns, rows), then stored with its job in the database; the job
queue runs it on whichever node takes it (on PostgreSQL any app node; a node killed mid-job has its job
taken up by another), and the result CSV is stored beside it. Only the job's owner reads it: the signed-in
account that uploaded it, or the visitor whose browser holds the job cookie set at upload
(:data:`OWNER_COOKIE`); a finished job expires after a week.

Rows are computed with the rules' population mode (`kuaiban.rules.population.run_table`) in slices, so
the progress moves; cells are read as text and converted field by field with the CLI's own checks, so
one bad cell flags its own row (第 N 行) instead of turning a whole column into text.
"""

from __future__ import annotations

import csv
import io
import math
import re
import time
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv
from sqlalchemy.orm import Session

from kuaiban import csvsafe
from kuaiban.platform import jobs
from kuaiban.platform.models import User
from kuaiban.rules import messages as msg
from kuaiban.rules.calculators import CALCULATORS, Calculator, CalculatorError
from kuaiban.rules.calculators.base import Field
from kuaiban.rules.population import EXTRA_COLUMNS, max_columns, run_table
from kuaiban.web.calc_forms import form_field, to_json_value, unit_name

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000
SHOWN_ERRORS = 50  # bad rows listed on the page; the result file has every one


class UploadError(ValueError):
    """An upload that cannot become a job (message in Chinese, for the page)."""


KIND = "calc_batch"
OWNER_COOKIE = "kuaiban_jobs"  # a visitor's secret: the jobs they started are theirs


def status(job: jobs.Job) -> dict[str, Any]:
    """What the job page shows: the job's meta with its state and, when it failed, why."""
    out = dict(job.meta) | {"id": job.id, "state": job.state}
    if job.message:
        out["message"] = job.message
    return out


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) or GB18030, as spreadsheets in China save CSV."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UploadError("文件编码无法识别：请另存为 UTF-8 或 GBK 编码的 CSV")


def _read_text_table(data: bytes) -> pa.Table:
    """Every column as text (null for an empty cell), from the UTF-8 bytes of a CSV."""
    try:
        names = pcsv.open_csv(pa.BufferReader(data)).schema.names
        return pcsv.read_csv(pa.BufferReader(data), convert_options=pcsv.ConvertOptions(
            column_types={name: pa.string() for name in names}, strings_can_be_null=True,
            null_values=[""]))
    except (pa.ArrowInvalid, StopIteration) as error:
        raise UploadError(parse_error_text(data.decode("utf-8", errors="replace"), str(error))) from None


_COLUMNS_DIFFER = re.compile(r"Expected (\d+) columns, got (\d+)")


def parse_error_text(text: str, error: str) -> str:
    """pyarrow's refusal of a CSV as users read it, in Chinese and naming the line (the header is line 1):
    列数不符：第 3 行有 6 列，表头 4 列; never pyarrow's English, nor the row's text it quotes."""
    if not text.strip() or error.startswith("Empty CSV") or "cannot infer number of columns" in error:
        return "文件是空的：第 1 行应为列名，可下载模板对照"
    differs = _COLUMNS_DIFFER.search(error)
    expected = int(differs.group(1)) if differs else None
    line, count, unclosed = _first_uneven_row(text, expected)
    if line and unclosed:
        return (f"无法读取 CSV：第 {line} 行的引号未成对（以英文双引号开始的内容直到文件末尾都没有结束），"
                "请检查该行，或用表格软件“另存为 CSV”后重试")
    if line and count is not None and expected is not None:
        return f"列数不符：第 {line} 行有 {count} 列，表头 {expected} 列。请检查该行是否多了或少了逗号（含内容里的逗号）"
    return "无法读取 CSV：文件格式有误，请用表格软件“另存为 CSV”后重试，或下载模板对照"


def _first_uneven_row(text: str, expected: int | None) -> tuple[int | None, int | None, bool]:
    """(line, cells, quote left open) of the first row whose cell count differs from the header's (blank lines
    skipped, as pyarrow does; a quoted cell may span lines: its row starts on its first line)."""
    reader = csv.reader(io.StringIO(text))
    header: list[str] | None = None
    before = 0  # the last line read: a row starts on the next
    try:
        for row in reader:
            start, before = before + 1, reader.line_num
            if not row:
                continue
            if header is None:
                header = row
                continue
            width = expected if expected is not None else len(header)
            if len(row) != width:
                # a quoted cell running over lines to the end of the file: its closing quote is missing
                unclosed = reader.line_num > start and "\n" in row[-1] and next(reader, None) is None
                return start, len(row), unclosed
    except csv.Error:
        return before + 1, None, True
    return None, None, False


def _check_shape(calc: Calculator, text: str) -> None:
    """Columns within bounds, counted before pyarrow builds anything: a wide header costs memory per
    column in every later step (rows are counted once the table is read, see :func:`create`)."""
    width = header_width(text)
    if width > max_columns(calc):
        raise UploadError(f"列数过多：上限 {max_columns(calc)} 列（计算器的 {len(calc.fields)} 个字段，"
                          f"另加至多 {EXTRA_COLUMNS} 列自用列），收到 {width} 列")


_CSV_MARKS = re.compile(r'[",\r\n]')


def header_width(text: str) -> int:
    """The cells of the first record (the header), however long it is, counted without building them: the
    commas outside quotes up to the first line break outside quotes (a doubled quote "" inside a quoted cell
    toggles twice). It used to count only the first 64 KB, so a header of 100 004 columns was said to have
    10 950."""
    cells, quoted = 1, False
    for mark in _CSV_MARKS.finditer(text):
        char = mark.group()
        if char == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif char == ",":
            cells += 1
        else:
            break
    return cells


def create(session: Session, calc: Calculator, filename: str, data: bytes, *, user: User | None = None,
           visitor_secret: str | None = None) -> jobs.Job:
    """Check the upload and queue its job in ``session`` (start it after the commit with
    :func:`kuaiban.platform.jobs.start`); UploadError for a file that cannot be a job."""
    if not data:
        raise UploadError("请选择要上传的 CSV 文件")
    if len(data) > MAX_BYTES:
        raise UploadError(f"文件过大：上限 {MAX_BYTES // 1024 // 1024} MB")
    if not filename.lower().endswith(".csv"):
        raise UploadError("文件应为 .csv（可用表格软件“另存为 CSV”）")
    text = decode(data)
    del data  # the decoded text is all that is needed from here on
    _check_shape(calc, text)
    body = text.encode("utf-8")
    table = _named_columns(calc, _read_text_table(body))
    missing = [f for f in calc.fields if f.required and f.name not in table.column_names]
    if missing:
        labels = "、".join(f"“{form_field(f, calc.name).label}”" for f in missing)
        raise UploadError(f"文件缺少必填列：{labels}。第 1 行应为列名，可下载模板对照。")
    if table.num_rows == 0:
        raise UploadError("文件只有表头，没有数据行")
    if table.num_rows > MAX_ROWS:
        raise UploadError(f"行数过多：上限 {MAX_ROWS} 行")
    meta = {"calculator": calc.name, "filename": filename, "rows": table.num_rows, "processed": 0, "computed": 0,
            "errors": 0, "bad_rows": [], "unit": calc.unit, "created": time.time()}
    return jobs.submit(session, KIND, body, meta, user=user, visitor_secret=visitor_secret)


def _named_columns(calc: Calculator, table: pa.Table) -> pa.Table:
    """Columns headed by a field's Chinese name (the template's header) renamed to the field; a header that
    is already a field's name is kept, so files made for the earlier template still work."""
    by_label = {form_field(f, calc.name).label: f.name for f in calc.fields}
    return table.rename_columns([by_label.get(name.strip(), name) for name in table.column_names])


def _typed_column(spec: Field, column: pa.ChunkedArray, errors: list[str | None]) -> pa.Array:
    """Numbers and booleans from text, cell by cell; a bad cell becomes null and its row's error. A choice
    stays as written: the population converter reads its code or its Chinese word, as the page shows it."""
    if spec.type not in ("number", "integer", "year", "share", "boolean"):
        return column
    values: list[Any] = []
    for i, text in enumerate(column.to_pylist()):
        if text is None or not text.strip():
            values.append(None)
            continue
        value = to_json_value(spec, text)
        if spec.type == "boolean" and not isinstance(value, bool):
            errors[i] = errors[i] or msg.not_boolean(spec.name, text)
            value = None
        elif spec.type != "boolean" and not isinstance(value, int | float):
            errors[i] = errors[i] or msg.not_number(spec.name, text)
            value = None
        values.append(value)
    if spec.type == "boolean":
        return pa.array(values, type=pa.bool_())
    return pa.array([None if v is None else float(v) for v in values], type=pa.float64())


def plain_error(calc: Calculator, message: str) -> str:
    """A row's error as a reader sees it: the field by its Chinese name, 是/否 for true/false."""
    field, sep, rest = message.partition(msg.SEPARATOR)
    spec = next((f for f in calc.fields if f.name == field), None)
    rest = rest.replace("应为 true 或 false", "应为“是”或“否”")
    return f"{form_field(spec, calc.name).label}{sep}{rest}" if spec and sep else message


def _bad_row(calc: Calculator, index: int, message: str) -> dict[str, Any]:
    field = msg.field_of(message)
    spec = next((f for f in calc.fields if f.name == field), None)
    label = form_field(spec, calc.name).label if spec else field
    return {"line": index + 2, "field": field, "label": label, "message": plain_error(calc, message)}


def run_batch(data: bytes, meta: dict[str, Any], progress: jobs.Progress) -> tuple[bytes, dict[str, Any]]:
    """The job: every row through the calculator, in slices; the result CSV and the final counts."""
    calc = CALCULATORS.get(meta["calculator"])
    if calc is None:
        raise jobs.JobFailed("该计算器已不再提供")
    try:
        table = _named_columns(calc, _read_text_table(data))
        n = table.num_rows
        cell_errors: list[str | None] = [None] * n
        typed = table
        for spec in calc.fields:
            if spec.name in table.column_names:
                i = typed.column_names.index(spec.name)
                typed = typed.set_column(i, spec.name, _typed_column(spec, table.column(spec.name), cell_errors))
        values = np.full(n, np.nan)
        errors: list[str | None] = [None] * n
        size = max(200, math.ceil(n / 20))
        progress({"started": time.time()})
        for start in range(0, n, size):
            part_values, part_errors = run_table(calc, typed.slice(start, size))
            values[start:start + len(part_values)] = part_values
            errors[start:start + len(part_errors)] = list(part_errors)
            progress({"processed": min(n, start + size)})
    except (CalculatorError, UploadError) as error:
        raise jobs.JobFailed(str(error)) from None
    final = [cell or row for cell, row in zip(cell_errors, errors, strict=True)]
    bad = [i for i, e in enumerate(final) if e]
    return _result_csv(calc, table, values, final), meta | {
        "processed": n, "computed": n - len(bad), "errors": len(bad),
        "bad_rows": [_bad_row(calc, i, final[i]) for i in bad[:SHOWN_ERRORS]], "finished": time.time()}


RESULT_COLUMN, ERROR_COLUMN = "计算结果", "错误说明"


def _result_csv(calc: Calculator, table: pa.Table, values: np.ndarray, errors: list[str | None]) -> bytes:
    """The input columns as uploaded (headed by their Chinese names), then the result (with its unit) and
    the row's error; UTF-8 with BOM so spreadsheets read Chinese."""
    out = io.StringIO()
    writer = csvsafe.writer(out, lineterminator="\n")  # echoed cells and quoted errors: no formulas
    labels = {f.name: form_field(f, calc.name).label for f in calc.fields}
    unit = unit_name(calc.unit)
    writer.writerow([*(labels.get(n, n) for n in table.column_names),
                     f"{RESULT_COLUMN}（{unit}）" if unit else RESULT_COLUMN, ERROR_COLUMN])
    columns = [table.column(name).to_pylist() for name in table.column_names]
    for i in range(table.num_rows):
        value = "" if math.isnan(values[i]) else repr(float(values[i])).removesuffix(".0")
        writer.writerow([*("" if c[i] is None else c[i] for c in columns), value,
                         plain_error(calc, errors[i]) if errors[i] else ""])
    return out.getvalue().encode("utf-8-sig")


jobs.register(KIND, run_batch)


def template_csv(calc: Calculator) -> str:
    """A header row with every field by its Chinese name (as the page labels it), for users to fill in."""
    out = io.StringIO()
    csvsafe.writer(out, lineterminator="\n").writerow([form_field(f, calc.name).label for f in calc.fields])
    return out.getvalue()
