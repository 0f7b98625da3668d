"""Text a database cannot store, or no person would type, refused at the edge with 422 naming the field.

PostgreSQL refuses the NUL character in text (SQLite stores it), so a ``\\x00`` in a login name, a query
parameter or a case number used to reach the database and end in a 500. Here every text the request
carries — path, query parameters, JSON bodies (keys and values, however deep) and URL-encoded forms —
is checked first: a NUL, or a text longer than ``MAX_TEXT`` characters, is a 422 naming the field
(``form.姓名``, ``status`` …) on both engines alike.

Multipart bodies (uploads) are not read here: their text parts are limited by the pages'
``request.form(max_part_size=…)``, and a NUL there is caught by the database-error handler in
``kuaiban.edge.errors`` (422 too). The body is buffered only for JSON and URL-encoded requests, whose
size ``kuaiban.edge.limits`` has already bounded (this middleware runs inside it).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kuaiban.edge.responses import send_error

MAX_TEXT = 10_000  # characters in any one field: ten pages of a letter, far beyond any form's need
_CHECKED_BODIES = (b"application/json", b"application/x-www-form-urlencoded")


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """Every (field path, text) in a decoded JSON value, keys included."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            yield child, str(key)
            yield from _strings(item, child)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, f"{path}[{i}]" if path else f"[{i}]")


def problem(pairs: Iterator[tuple[str, str]]) -> tuple[str, str] | None:
    """(field, Chinese message) for the first unacceptable text, or None."""
    for field, text in pairs:
        if "\x00" in text:
            return field, f"“{_shown(field)}”含有不允许的控制字符（NUL），请删除后重新提交"
        if len(text) > MAX_TEXT:
            return field, f"“{_shown(field)}”过长：不超过 {MAX_TEXT} 个字符"
    return None


def _shown(field: str) -> str:
    """The field as its reader knows it: a page's ``field:姓名`` is 姓名."""
    for prefix in ("field:", "file:", "service:", "commit:"):
        if field.startswith(prefix):
            return field.removeprefix(prefix)
    return field


def _form_pairs(raw: bytes) -> Iterator[tuple[str, str]]:
    for key, value in parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True):
        yield key, key
        yield key, value


def _body_pairs(content_type: bytes, body: bytes) -> Iterator[tuple[str, str]]:
    if content_type.startswith(b"application/json"):
        try:
            # a JSON nested deeper than Python's recursion limit is refused by the app's parser itself
            yield from _strings(json.loads(body), "")
        except (ValueError, RecursionError):
            return  # not JSON: the app's own parser answers that, in Chinese
    else:
        yield from _form_pairs(body)


class TextGuard:
    """The ASGI middleware; installed inside :class:`kuaiban.edge.limits.BodyLimit`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        found = None
        if "\x00" in scope["path"]:
            found = ("path", "网址中含有不允许的控制字符（NUL），请检查链接")
        found = found or problem(_form_pairs(scope.get("query_string", b"")))
        content_type = dict(scope.get("headers") or []).get(b"content-type", b"").lower()
        if found is None and content_type.startswith(_CHECKED_BODIES):
            chunks: list[bytes] = []
            while True:
                message = await receive()
                if message["type"] != "http.request":
                    await self.app(scope, _replay([], message, receive), send)
                    return
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    break
            body = b"".join(chunks)
            found = problem(_body_pairs(content_type, body))
            receive = _replay([body], None, receive)
        if found is not None:
            field, message = found
            await send_error(scope, send, 422, "提交内容有误", message, field=field)
            return
        await self.app(scope, receive, send)


def _replay(bodies: list[bytes], pending: Message | None, receive: Receive) -> Receive:
    """A ``receive`` that hands the already-read body to the app again, then defers to the real one."""
    queue: list[Message] = [{"type": "http.request", "body": b, "more_body": False} for b in bodies]
    if pending is not None:
        queue.append(pending)

    async def replay() -> Message:
        if queue:
            return queue.pop(0)
        return await receive()

    return replay
