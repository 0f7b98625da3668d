"""Errors nobody handled on the way: a Chinese page for a browser, Chinese JSON under ``/api``.

Service errors are answered by the app-level handlers of kuaiban.api.errors and kuaiban.web.page_support; what reaches here
is an unknown address (404), a wrong method (405), a body the framework could not parse (400),
validation outside those routers (422), a value the database refused (422) and anything unexpected (500).
A 500 says only that something went wrong: the traceback and any SQL stay in the server log.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException

from kuaiban.edge.responses import error_page, wants_json

log = logging.getLogger("kuaiban.errors")
_CJK = re.compile(r"[\u4e00-\u9fff]")

# (page title, message) by status, for errors that bring no Chinese message of their own
TEXTS: dict[int, tuple[str, str]] = {
    400: ("请求有误", "提交的内容无法识别（格式有误或不完整），请返回上一页检查后重新提交。"),
    401: ("需要登录", "请先登录后再访问。"),
    403: ("无权访问", "您没有访问此页面的权限。如需办理，请使用有相应权限的账号登录。"),
    404: ("页面不存在", "您访问的页面不存在，可能是网址有误或页面已被移除。"),
    405: ("不支持的操作", "此页面不支持这种访问方式，请从页面上的链接或按钮进入。"),
    413: ("提交内容过大", "提交的内容超过了上限，请删减后重新提交。"),
    422: ("提交内容有误", "提交的内容有误，请检查后重新提交。"),
    500: ("服务暂时出错", "服务器处理时出错，您的操作未完成。请稍后重试；如果问题持续，请联系经办机构。"),
}


def _text(status: int) -> tuple[str, str]:
    return TEXTS.get(status, ("请求未完成", f"请求未能完成（状态 {status}），请返回重试。"))


def respond(request: Request, status: int, message: str | None = None, field: str | None = None,
            headers: dict[str, str] | None = None) -> Response:
    title, default = _text(status)
    message = message if message and _CJK.search(message) else default
    if wants_json(request.scope):
        return JSONResponse({"detail": message, "field": field}, status_code=status, headers=headers)
    return HTMLResponse(error_page(request.scope, title, message), status_code=status, headers=headers)


async def http_error(request: Request, exc: HTTPException) -> Response:
    detail = exc.detail if isinstance(exc.detail, str) else None
    return respond(request, exc.status_code, detail, headers=getattr(exc, "headers", None))


def not_json(errors: Sequence[Any]) -> str | None:
    """The refusal of a body that is not JSON at all, or None: pydantic reports it as ``json_invalid`` at
    ``("body", <character position>)``, a position, not a field — said as where the body goes wrong (第 N 个字符
    附近, counted from 1), with no field (every API route, through :func:`validation_error` and
    :func:`kuaiban.api.errors.validation_error`)."""
    for error in errors:
        if error.get("type") == "json_invalid":
            position = next((p for p in error.get("loc") or () if isinstance(p, int) and not isinstance(p, bool)), None)
            return "请求内容不是有效的 JSON" + (f"（第 {position + 1} 个字符附近）" if position is not None else "")
    return None


async def validation_error(request: Request, exc: RequestValidationError) -> Response:
    errors = exc.errors()
    if (text := not_json(errors)) is not None:
        return respond(request, 422, text, field=None)
    loc = [str(p) for p in (errors[0]["loc"] if errors else ()) if p not in ("body", "query", "path", "header")]
    field = ".".join(loc) or None
    return respond(request, 422, f"字段 {field} 格式错误" if field else None, field=field)


async def data_error(request: Request, exc: DataError | OverflowError) -> Response:
    # The database refusing a value: PostgreSQL a NUL inside a multipart text or a number out of range
    # (DataError); SQLite's driver an integer beyond 64 bits, e.g. ?limit=10**30 (OverflowError)
    orig = getattr(exc, "orig", None) or exc
    log.warning("database refused a value: %s", type(orig).__name__)
    return respond(request, 422, "提交的内容含有无法保存的字符或超出范围的数值，请检查后重新提交。")


async def server_error(request: Request, exc: Exception) -> Response:
    return respond(request, 500)


def install(app: FastAPI) -> None:
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(DataError, data_error)
    app.add_exception_handler(OverflowError, data_error)
    app.add_exception_handler(Exception, server_error)
