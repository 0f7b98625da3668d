"""Request-body size limits, enforced before any handler, login check or parser sees the body.

A pure ASGI middleware (no buffering): a declared ``Content-Length`` above the path's limit is refused at
once, without reading a byte; a chunked body is counted as its chunks arrive and refused as soon as it
passes the limit. Either way the answer is 413 with a Chinese message (JSON under ``/api``, a page
otherwise) and the connection is closed, so the rest of an oversized upload is never read.

Limits per path (the first matching rule wins):

- ``/services/bundles/<n>/apply`` and ``/services/cases/<n>/supply`` (一件事 uploads): ``UPLOAD_TOTAL``
  in all; each file is further limited to 10 MiB by the page (``page_support.MAX_UPLOAD``) and the
  number of parts by ``request.form(max_files=…, max_fields=…)``. Starlette spools each file part to a
  temporary file above 1 MiB, so what is accepted is not held in memory either.
- ``/calc/<name>/batch`` (calculator CSV): the calculator's own file limit plus room for the form.
- ``/api/uploads`` (one 一件事 material file through the API): ``UPLOAD_FILE`` plus the multipart framing.
- ``/api/…`` (JSON): ``API_BODY``.
- every other page form: ``FORM_BODY``.
"""

from __future__ import annotations

import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kuaiban.edge.responses import send_error

MIB = 1024 * 1024
API_BODY = 1 * MIB
FORM_BODY = 1 * MIB
UPLOAD_FILE = 10 * MIB  # the page's own per-file limit (page_support.MAX_UPLOAD)
UPLOAD_TOTAL = 50 * MIB  # several materials of one 一件事 in one submission
CALC_CSV = 20 * MIB + 64 * 1024  # calc_jobs.MAX_BYTES and the multipart framing around it

_RULES: tuple[tuple[re.Pattern[str], int, str], ...] = (
    (re.compile(r"^/services/(bundles/[^/]+/apply|cases/[^/]+/supply)$"), UPLOAD_TOTAL, "一次提交的材料文件合计"),
    (re.compile(r"^/calc/[^/]+/batch$"), CALC_CSV, "上传的 CSV 文件"),
    (re.compile(r"^/api/uploads$"), UPLOAD_FILE + 64 * 1024, "上传的材料文件"),  # one file and its framing
    (re.compile(r"^/api(/|$)"), API_BODY, "接口请求内容"),
)


def limit_for(path: str) -> tuple[int, str]:
    """(bytes allowed, what the limit is about in Chinese) for a request to ``path``."""
    for pattern, limit, what in _RULES:
        if pattern.match(path):
            return limit, what
    return FORM_BODY, "提交的表单内容"


def _message(limit: int, what: str) -> str:
    size = f"{limit // MIB} MB" if limit >= MIB else f"{limit // 1024} KB"
    return f"{what}过大：上限 {size}，请删减后重新提交。"


class _TooLarge(Exception):
    """Raised from ``receive`` when a streamed body passes its limit."""


class BodyLimit:
    """The ASGI middleware; ``kuaiban.app`` adds it outside every handler."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit, what = limit_for(scope["path"])
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            try:
                too_large = int(declared) > limit
            except ValueError:
                too_large = False  # the server refuses a malformed length itself
            if too_large:
                await send_error(scope, send, 413, "提交内容过大", _message(limit, what), close=True)
                return

        received = 0
        refused = False  # once set, whatever the app tries to answer is replaced by the 413
        started = False

        async def counting_receive() -> Message:
            nonlocal received, refused
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    refused = True
                    raise _TooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except _TooLarge:
            pass
        except Exception:
            if not refused:
                raise
        if refused and not started:
            await send_error(scope, send, 413, "提交内容过大", _message(limit, what), close=True)
