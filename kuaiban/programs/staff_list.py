"""An employer's staff list (花名册) uploaded as Excel, checked row by row: every error is named by its row
and column, all at once, so the employer fixes the file in one go.

Columns (first row is the header, matched by name, in any order): 姓名, 公民身份号码, 劳动合同起始日期;
optional 人员类别, 劳动合同终止日期 (a date, or 无固定期限) and 已享受一次性岗位补贴 (是/否) — a program that
judges its people one by one requires the optional columns it needs (``claim.staff_list.columns``). A person
may appear once. Returned rows keep the name masked and the number only as its keyed hash (the claim needs to
know who, not to store the numbers again).
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from kuaiban.platform import id_numbers
from kuaiban.platform.errors import Invalid
from kuaiban.platform.personal_data import lookup_hash

REQUIRED = ("姓名", "公民身份号码", "劳动合同起始日期")
OPTIONAL = ("人员类别", "劳动合同终止日期", "已享受一次性岗位补贴")
OPEN_ENDED = "无固定期限"
MAX_ROWS = 5000


def _letter(index: int) -> str:
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip().replace("/", "-").replace(".", "-")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _yes_no(value: Any) -> bool | None:
    text = str(value if value is not None else "").strip()
    return {"是": True, "否": False}.get(text)


def read(data: bytes, required: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """The list's rows, or :class:`Invalid` with every problem as ``{"field", "row", "column", "detail"}``.

    ``required``: optional columns the program needs (each row must then fill them)."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # not an xlsx at all: openpyxl raises many kinds
        raise Invalid("人员花名册应为 Excel 文件（.xlsx）", "staff_list") from None
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [str(v).strip() if v is not None else "" for v in next(rows, ())]
    missing = [name for name in (*REQUIRED, *required) if name not in header]
    if missing:
        raise Invalid(f"人员花名册第1行（表头）缺少列：{'、'.join(missing)}", "staff_list",
                      errors=[{"field": "staff_list", "row": 1, "column": name, "detail": f"第1行缺少“{name}”列"}
                              for name in missing])
    at = {name: header.index(name) for name in (*REQUIRED, *OPTIONAL) if name in header}
    errors: list[dict[str, Any]] = []
    found: list[dict[str, Any]] = []
    seen: dict[str, int] = {}

    def problem(row: int, name: str, text: str) -> None:
        column = f"{_letter(at[name])}列（{name}）"
        errors.append({"field": "staff_list", "row": row, "column": column, "detail": f"第{row}行 {column}：{text}"})

    for row_number, values in enumerate(rows, start=2):
        if values is None or all(v in (None, "") for v in values):
            continue
        if len(found) + len(errors) >= MAX_ROWS:
            raise Invalid(f"人员花名册最多 {MAX_ROWS} 行", "staff_list")
        cell = {name: (values[i] if i < len(values) else None) for name, i in at.items()}
        name = str(cell["姓名"] or "").strip()
        if not name:
            problem(row_number, "姓名", "不能为空")
        number = str(cell["公民身份号码"] or "").strip().upper()
        if not number:
            problem(row_number, "公民身份号码", "不能为空")
        else:
            try:
                number = id_numbers.checked_citizen_id(number)
            except ValueError as wrong:
                problem(row_number, "公民身份号码", str(wrong))
                number = ""
        if number:
            if number in seen:
                problem(row_number, "公民身份号码", f"与第{seen[number]}行重复")
            seen.setdefault(number, row_number)
        start = _date(cell["劳动合同起始日期"])
        if start is None:
            problem(row_number, "劳动合同起始日期", "应为日期，如 2020-07-01")
        extra: dict[str, Any] = {}
        if "劳动合同终止日期" in at:
            raw_end = str(cell["劳动合同终止日期"] or "").strip()
            end = _date(cell["劳动合同终止日期"])
            if raw_end == OPEN_ENDED:
                extra["contract_end"] = OPEN_ENDED
            elif end is not None and (start is None or end >= start):
                extra["contract_end"] = end.isoformat()
            elif raw_end or "劳动合同终止日期" in required:
                problem(row_number, "劳动合同终止日期", f"应为不早于起始日期的日期，如 2021-06-30，或“{OPEN_ENDED}”")
        if "已享受一次性岗位补贴" in at:
            answer = _yes_no(cell["已享受一次性岗位补贴"])
            if answer is None and ("已享受一次性岗位补贴" in required or cell["已享受一次性岗位补贴"] not in (None, "")):
                problem(row_number, "已享受一次性岗位补贴", "应为“是”或“否”")
            elif answer is not None:
                extra["job_post_subsidy"] = answer
        if name and number and start:
            found.append({"row": row_number, "name": name[:1] + "*" * (len(name) - 1),
                          "id_hash": lookup_hash(number), "contract_start": start.isoformat(),
                          "group": str(cell.get("人员类别") or "").strip() or None, **extra})
    if errors:
        raise Invalid(errors[0]["detail"] + (f"（共 {len(errors)} 处错误）" if len(errors) > 1 else ""),
                      "staff_list", errors=errors)
    if not found:
        raise Invalid("人员花名册没有人员", "staff_list")
    return found
