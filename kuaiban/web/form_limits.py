"""Reading a multipart form with limits on parts, text lengths and files, before the login check.

Starlette's defaults allow 1000 files and 1000 fields per request, and the upload pages raised the
text-part limit to the file size (10 MiB per text field). Here: at most ``MAX_FILES`` files, ``MAX_FIELDS``
parts, ``MAX_TEXT_PART`` bytes per text field. File parts are spooled by Starlette to a temporary file
above 1 MiB, so they are not held in memory; the request as a whole is bounded by
``kuaiban.edge.limits`` before this parser runs.
"""

from __future__ import annotations

from fastapi import Request
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException

from kuaiban.web import session as web_session

MAX_FILES = 30  # more than any 一件事 asks for (its materials), far fewer than Starlette's 1000
MAX_FIELDS = 300  # form fields, services, promises and CSRF of the largest bundle form, with room
MAX_TEXT_PART = 64 * 1024  # bytes per text field: about 20 000 Chinese characters


async def limited_form(request: Request, *, max_files: int = MAX_FILES) -> FormData:
    """The parsed form; a body over a limit is a 400 with a Chinese message (the error page shows it)."""
    try:
        return await request.form(max_files=max_files, max_fields=MAX_FIELDS, max_part_size=MAX_TEXT_PART)
    except HTTPException as exc:
        raise HTTPException(400, "提交的文件或填写项过多，或某一项内容过长，请检查后重新提交。") from exc


def may_upload(request: Request) -> bool:
    """Whether uploaded files are worth reading at all: an anonymous request is sent to the login page
    anyway, so its files are never read into memory (the full login check follows in the handler)."""
    return bool(request.cookies.get(web_session.COOKIE))
