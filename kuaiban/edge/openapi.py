"""The OpenAPI document as the API really behaves (checked by Schemathesis in tests/api/test_openapi_contract.py).

FastAPI documents a 422 of its own shape (``HTTPValidationError``: ``detail`` a list) and only the success
status. The API answers every error as ``{"detail": "<中文>", "field": …}`` (422s with ``errors`` too),
and also 400 (a body that cannot be parsed), 401/403 (login and role), 404, 409 and 413; the login
423/429 (throttled, with Retry-After). Timestamps are
Beijing local time without an offset, which ``format: date-time`` (RFC 3339: offset required) does not
describe. This module rewrites the generated document once, where the routers are silent about it.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

ERROR_REF = {"$ref": "#/components/schemas/ApiError"}
ERROR_SCHEMA: dict[str, Any] = {
    "title": "ApiError",
    "type": "object",
    "description": "错误：`detail` 为中文说明，`field` 为出错的字段（无则为 null）；校验错误另附 `errors` 逐项列出。",
    "properties": {
        "detail": {"type": "string", "description": "中文错误说明"},
        "field": {"anyOf": [{"type": "string"}, {"type": "null"}], "description": "出错的字段"},
        "errors": {"type": "array", "items": {"type": "object"}, "description": "逐项的校验错误"},
    },
    "required": ["detail"],
}
ERRORS = {
    "400": "请求内容无法解析",
    "401": "未登录或令牌无效、已过期",
    "403": "无权进行此操作",
    "404": "对象不存在",
    "409": "与当前状态冲突（已被他人修改、重复提交等）",
    "413": "请求内容超过大小上限",
    "422": "输入有误（字段见 field）",
    "423": "该账号登录失败次数过多，已暂时锁定（Retry-After 为秒数）",
    "429": "该地址登录失败次数过多，请稍后再试（Retry-After 为秒数）",
}
# operations that count failed logins (kuaiban.platform.throttle): 423 for the account, 429 for the address
THROTTLED = {("/api/auth/login", "post"), ("/api/auth/password", "post"), ("/api/auth/reset-password", "post")}
# public write operations limited per client (kuaiban.platform.throttle.limit_submissions): 429
SUBMISSION_LIMITED = {("/api/auth/register", "post"), ("/api/unemployment/registrations", "post"),
                      ("/api/uploads", "post")}
SUBMISSION_429 = "同一地址（或同一办事人账号）提交过于频繁，请稍后再试（Retry-After 为秒数）"
RETRY_AFTER = {"Retry-After": {"description": "多少秒后可再试", "schema": {"type": "string", "pattern": r"^\d+$"}}}
# RFC 3339 without the offset the API does not send (Beijing time); an offset is accepted should one come
LOCAL_DATE_TIME = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$"


def _codes_for(path: str, method: str, operation: dict[str, Any], secured_by_default: bool) -> list[str]:
    codes = ["422"]  # any query text can be refused at the edge (kuaiban.edge.text_guard)
    if "requestBody" in operation:
        codes += ["400", "413"]
    if operation.get("security", [{}] if secured_by_default else []) or path.startswith("/api/auth/"):
        codes += ["401", "403"]
    if "{" in path or operation.get("parameters") or "requestBody" in operation:
        codes.append("404")  # whatever names a case, registration, bundle or document may name none
    if method in ("post", "put", "patch", "delete"):
        codes.append("409")
    if (path, method) in THROTTLED:
        codes += ["423", "429"]
    if (path, method) in SUBMISSION_LIMITED:
        codes.append("429")
    return codes


def _local_times(node: Any) -> None:
    """Every ``format: date-time`` becomes the pattern the API's timestamps follow."""
    if isinstance(node, dict):
        if node.get("format") == "date-time":
            del node["format"]
            node["pattern"] = LOCAL_DATE_TIME
            node.setdefault("description", "北京时间（UTC+8），ISO 8601，不带时区")
        for value in node.values():
            _local_times(value)
    elif isinstance(node, list):
        for value in node:
            _local_times(value)


def truthful(document: dict[str, Any]) -> dict[str, Any]:
    """The document with the real error bodies, the status codes the API answers, and local timestamps."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    schemas["ApiError"] = ERROR_SCHEMA
    secured_by_default = bool(document.get("security"))
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete") or not path.startswith("/api"):
                continue
            responses = operation.setdefault("responses", {})
            for code in _codes_for(path, method, operation, secured_by_default):
                limited = code == "429" and (path, method) in SUBMISSION_LIMITED
                responses[code] = {"description": SUBMISSION_429 if limited else ERRORS[code],
                                   "content": {"application/json": {"schema": ERROR_REF}}}
                if code in ("423", "429"):
                    responses[code]["headers"] = RETRY_AFTER
    _local_times(document)
    return document


def install(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = truthful(get_openapi(
                title=app.title, version=app.version, description=app.description, routes=app.routes,
                tags=app.openapi_tags, servers=app.servers))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
