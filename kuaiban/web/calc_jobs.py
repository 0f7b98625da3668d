"""Batch calculations from an uploaded CSV: one job per upload, run in the background, kept on disk.

A job lives in ``$KUAIBAN_VAR/calc-jobs/<id>/``: ``input.csv`` (the upload, as UTF-8), ``status.json``
(state and progress, replaced atomically) and ``result.csv`` (written to a temporary name, then renamed:
a result is whole or absent). Jobs survive a restart of the server; one that was running when the
process stopped is reported as interrupted (its input is kept, nothing half-written is served).

Rows are computed with the rules' population mode (`kuaiban.rules.population.run_table`) in slices, so
the progress moves; cells are read as text and converted field by field with the CLI's own checks, so
one bad cell flags its own row (第 N 行) instead of turning a whole column into text.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv

from kuaiban import config, csvsafe
from kuaiban.rules import messages as msg
from kuaiban.rules.calculators import Calculator, CalculatorError
from kuaiban.rules.calculators.base import Field
from kuaiban.rules.population import EXTRA_COLUMNS, max_columns, run_table
from kuaiban.web.calc_forms import form_field, to_json_value

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000
MAX_HEADER_CHARS = 64 * 1024  # a header longer than this has far more columns than any calculator allows
SHOWN_ERRORS = 50  # bad rows listed on the page; the result file has every one


def _process_identity(pid: int) -> str | None:
    """``pid:start-time`` of a live process (Linux /proc), so a reused pid is not mistaken for its
    predecessor; None when no such process runs."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return f"{pid}:{stat.rsplit(')', 1)[1].split()[19]}"  # field 22, starttime


# The process that owns a job. With several server workers a job started by one is polled through the
# others, so "not started by me" must not mean "interrupted": only a job whose owner process is gone is.
BOOT = _process_identity(os.getpid()) or f"{os.getpid()}:{uuid.uuid4().hex}"


def _owner_alive(boot: str | None) -> bool:
    if not boot or ":" not in boot:
        return False
    pid = boot.split(":", 1)[0]
    return pid.isdigit() and _process_identity(int(pid)) == boot
_ID = re.compile(r"^[0-9a-f]{32}$")
_executor: ThreadPoolExecutor | None = None
_lock = threading.Lock()


class UploadError(ValueError):
    """An upload that cannot become a job (message in Chinese, for the page)."""


def jobs_root() -> Path:
    return Path(os.environ.get("KUAIBAN_VAR") or config.VAR) / "calc-jobs"


def _job_dir(job_id: str) -> Path:
    if not _ID.match(job_id):
        raise KeyError(job_id)
    return jobs_root() / job_id


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _save_status(job_id: str, status: dict[str, Any]) -> None:
    _write_atomic(_job_dir(job_id) / "status.json", json.dumps(status, ensure_ascii=False).encode())


def status(job_id: str) -> dict[str, Any]:
    """The job's status; KeyError when there is no such job."""
    path = _job_dir(job_id) / "status.json"
    if not path.exists():
        raise KeyError(job_id)
    data = json.loads(path.read_text(encoding="utf-8"))
    if data["state"] in ("queued", "running") and not _owner_alive(data.get("boot")):
        data["state"] = "interrupted"
        data["message"] = "服务在计算过程中重启，此任务未完成；请重新上传文件。"
    return data


def result_path(job_id: str) -> Path | None:
    path = _job_dir(job_id) / "result.csv"
    return path if path.exists() else None


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) or GB18030, as spreadsheets in China save CSV."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UploadError("文件编码无法识别：请另存为 UTF-8 或 GBK 编码的 CSV")


def _read_text_table(path: Path) -> pa.Table:
    """Every column as text (null for an empty cell)."""
    try:
        names = pcsv.open_csv(path).schema.names
        return pcsv.read_csv(path, convert_options=pcsv.ConvertOptions(
            column_types={name: pa.string() for name in names}, strings_can_be_null=True,
            null_values=[""]))
    except (pa.ArrowInvalid, StopIteration) as error:
        raise UploadError(f"无法读取 CSV：{error}".split("\n")[0]) from None


def _check_shape(calc: Calculator, text: str) -> None:
    """Columns within bounds, counted before pyarrow builds anything: a wide header costs memory per
    column in every later step (rows are counted once the table is read, see :func:`create`)."""
    header = next(csv.reader(io.StringIO(text[:MAX_HEADER_CHARS])), [])
    if len(header) > max_columns(calc):
        raise UploadError(f"列数过多：上限 {max_columns(calc)} 列（计算器的 {len(calc.fields)} 个字段，"
                          f"另加至多 {EXTRA_COLUMNS} 列自用列），收到 {len(header)} 列")


def create(calc: Calculator, filename: str, data: bytes) -> str:
    """Check the upload, store it and queue the job; UploadError for a file that cannot be a job."""
    if not data:
        raise UploadError("请选择要上传的 CSV 文件")
    if len(data) > MAX_BYTES:
        raise UploadError(f"文件过大：上限 {MAX_BYTES // 1024 // 1024} MB")
    if not filename.lower().endswith(".csv"):
        raise UploadError("文件应为 .csv（可用表格软件“另存为 CSV”）")
    text = decode(data)
    del data  # the decoded text is all that is needed from here on
    _check_shape(calc, text)
    job_id = uuid.uuid4().hex
    folder = jobs_root() / job_id
    folder.mkdir(parents=True)
    _write_atomic(folder / "input.csv", text.encode("utf-8"))
    try:
        table = _read_text_table(folder / "input.csv")
        missing = [f for f in calc.fields if f.required and f.name not in table.column_names]
        if missing:
            labels = "、".join(f"{form_field(f).label}（{f.name}）" for f in missing)
            raise UploadError(f"文件缺少必填列：{labels}。第 1 行应为列名，可下载模板对照。")
        if table.num_rows == 0:
            raise UploadError("文件只有表头，没有数据行")
        if table.num_rows > MAX_ROWS:
            raise UploadError(f"行数过多：上限 {MAX_ROWS} 行")
    except UploadError:
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()
        raise
    _save_status(job_id, {"id": job_id, "calculator": calc.name, "filename": filename, "state": "queued",
                          "rows": table.num_rows, "processed": 0, "computed": 0, "errors": 0,
                          "bad_rows": [], "unit": calc.unit, "boot": BOOT, "created": time.time()})
    global _executor
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="calc-jobs")
        _executor.submit(_run, calc, job_id)
    return job_id


def _typed_column(spec: Field, column: pa.ChunkedArray, errors: list[str | None]) -> pa.Array:
    """Numbers and booleans from text, cell by cell; a bad cell becomes null and its row's error."""
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


def _bad_row(calc: Calculator, index: int, message: str) -> dict[str, Any]:
    field = msg.field_of(message)
    spec = next((f for f in calc.fields if f.name == field), None)
    label = form_field(spec).label if spec else field
    return {"line": index + 2, "field": field, "label": label, "message": message}


def _run(calc: Calculator, job_id: str) -> None:
    folder = _job_dir(job_id)
    state = status(job_id)
    try:
        state |= {"state": "running", "started": time.time()}
        _save_status(job_id, state)
        table = _read_text_table(folder / "input.csv")
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
        for start in range(0, n, size):
            part_values, part_errors = run_table(calc, typed.slice(start, size))
            values[start:start + len(part_values)] = part_values
            errors[start:start + len(part_errors)] = list(part_errors)
            state["processed"] = min(n, start + size)
            _save_status(job_id, state)
        final = [cell or row for cell, row in zip(cell_errors, errors, strict=True)]
        _write_result(folder, table, values, final)
        bad = [i for i, e in enumerate(final) if e]
        state |= {"state": "done", "processed": n, "computed": n - len(bad), "errors": len(bad),
                  "bad_rows": [_bad_row(calc, i, final[i]) for i in bad[:SHOWN_ERRORS]], "finished": time.time()}
    except (CalculatorError, UploadError) as error:
        state |= {"state": "failed", "message": str(error), "finished": time.time()}
    except Exception as error:  # report, never leave the job "running" forever
        state |= {"state": "failed", "message": f"计算失败：{type(error).__name__}", "finished": time.time()}
    _save_status(job_id, state)


def _write_result(folder: Path, table: pa.Table, values: np.ndarray, errors: list[str | None]) -> None:
    """The input columns as uploaded, then value and error; UTF-8 with BOM so spreadsheets read Chinese."""
    out = io.StringIO()
    writer = csvsafe.writer(out, lineterminator="\n")  # echoed cells and quoted errors: no formulas
    writer.writerow([*table.column_names, "value", "error"])
    columns = [table.column(name).to_pylist() for name in table.column_names]
    for i in range(table.num_rows):
        value = "" if math.isnan(values[i]) else repr(float(values[i])).removesuffix(".0")
        writer.writerow([*("" if c[i] is None else c[i] for c in columns), value, errors[i] or ""])
    _write_atomic(folder / "result.csv", out.getvalue().encode("utf-8-sig"))


def template_csv(calc: Calculator) -> str:
    """A header row with every field, for users to fill in."""
    out = io.StringIO()
    csvsafe.writer(out, lineterminator="\n").writerow([f.name for f in calc.fields])
    return out.getvalue()
