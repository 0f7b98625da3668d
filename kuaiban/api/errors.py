"""The JSON API's one translation of errors into Chinese JSON naming the field at fault.

- A :class:`~kuaiban.platform.errors.ServiceError` from the core becomes ``{"detail": 中文说明, "field":
  出错的字段}`` with the error's status; an invalid 失业登记 record (``RecordInvalid``) adds ``"errors"``
  with every error of the record.
- A request that does not match its schema becomes ``{"detail", "field", "errors": [{"field", "detail",
  "message"}, …]}`` with 422. Each item carries the text under both ``detail`` (the 快办 API's key) and
  ``message`` (the 失业登记 API's key), so clients of either keep working.

Both are app-level exception handlers (:func:`service_error`, :func:`validation_error`), installed by the
composition root (``kuaiban.app``). Only the routers listed in :data:`TRANSLATED_TAGS` answer validation
errors this way; the others (法规库, 政策计算 …) get the edge's Chinese ``{"detail", "field"}``
(:mod:`kuaiban.edge.errors`), which also answers browsers with a Chinese page.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from kuaiban.edge import errors as edge_errors
from kuaiban.platform.errors import ServiceError
from kuaiban.unemployment.registration import RecordInvalid

TRANSLATED_TAGS = frozenset({"快办服务", "失业登记", "管理", "消息中心"})  # routers whose clients read Chinese errors

_TYPE_MESSAGES = {
    "missing": "缺少必填字段",
    "string_type": "须为字符串",
    "int_type": "须为整数",
    "int_parsing": "须为整数",
    "bool_type": "须为布尔值",
    "bool_parsing": "须为布尔值",
    "dict_type": "须为对象",
    "list_type": "须为数组",
    "string_too_short": "不能为空",
    "string_too_long": "过长",
    "greater_than_equal": "过小",
    "less_than_equal": "过大",
    "literal_error": "取值无效",
    "json_invalid": "不是有效的 JSON",
    "extra_forbidden": "不是可接受的字段",
    "date_from_datetime_parsing": "须为日期，如 2021-05-20",
    "date_parsing": "须为日期，如 2021-05-20",
    "datetime_parsing": "须为时间，如 2021-05-20T09:30:00",
    "datetime_from_date_parsing": "须为时间，如 2021-05-20T09:30:00",
}


def field_name(loc: tuple) -> str:
    """``("body", "form", "AAC003")`` → ``form.AAC003``: where the value sits in what the client sent."""
    return ".".join(str(p) for p in loc if p not in ("body", "query", "path", "header")) or "body"


def service_error(request: Request, exc: ServiceError) -> JSONResponse:
    body: dict = {"detail": exc.message, "field": exc.field}
    if isinstance(exc, RecordInvalid):
        body["errors"] = [e.as_dict() for e in exc.errors]
    elif exc.errors:
        body["errors"] = exc.errors  # every problem of a form at once, each {"field", "detail"}
    return JSONResponse(body, status_code=exc.status, headers=getattr(exc, "headers", None))  # Retry-After


def _translated(request: Request) -> bool:
    route = request.scope.get("route")
    return bool(TRANSLATED_TAGS & set(getattr(route, "tags", None) or ()))


async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    if not _translated(request):
        return await edge_errors.validation_error(request, exc)
    text = edge_errors.not_json(exc.errors())
    if text is not None:  # a body that is not JSON: no field to name (the position is no field)
        error = {"field": None, "detail": text, "message": text}
        return JSONResponse({"detail": text, "field": None, "errors": [error]}, status_code=422)
    errors = []
    for e in exc.errors():
        field = field_name(tuple(e["loc"]))
        text = f"字段 {field} {_TYPE_MESSAGES.get(e['type'], '格式错误')}"
        errors.append({"field": field, "detail": text, "message": text})
    return JSONResponse({"detail": errors[0]["detail"], "field": errors[0]["field"], "errors": errors},
                        status_code=422)
