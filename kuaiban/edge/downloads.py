"""What every file the service hands out carries, from the pages and the API alike: ``attachment`` (never
rendered inline) with its name in RFC 5987 form, its type, and ``nosniff``."""

from __future__ import annotations

from urllib.parse import quote

from fastapi.responses import Response


def content_disposition(name: str) -> str:
    """``attachment`` with the file name in RFC 5987 form (UTF-8, every unsafe byte percent-encoded, so
    quotes and line breaks cannot escape) and a plain ASCII fallback."""
    fallback = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in name) or "file"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def attachment(data: bytes, name: str, media_type: str) -> Response:
    """``data`` as a download named ``name`` of type ``media_type``."""
    return Response(data, media_type=media_type, headers={
        "Content-Disposition": content_disposition(name), "X-Content-Type-Options": "nosniff"})
