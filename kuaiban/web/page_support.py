"""What the 一件事 and 经办工作台 pages share: templates, the logged-in user, CSRF tokens, uploaded files.

- **CSRF.** Each form carries a per-session token in a hidden field: the SHA-256 of the session's own
  (HttpOnly, unreadable to scripts) auth token under a fixed label. A page on another site can make the
  browser send the cookie but cannot know the token, so a forged POST fails the check. No server secret
  is needed, and every worker process computes the same token.
- **Uploads.** Files are stored content-addressed under ``$KUAIBAN_VAR/uploads/<sha256>`` (written
  atomically); the case keeps the reference ``<sha256>:<file name>`` in ``Material.reference``. A file is
  written only after the submission it belongs to has passed every check, inside its transaction; if the
  commit then fails, the orphan file is unreferenced (same content, same name, harmless).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from kuaiban.config import ROOT
from kuaiban.platform.auth import ROLE_NAMES
from kuaiban.platform.models import User
from kuaiban.web import session as web_session
from kuaiban.web.templating import templates

templates.env.globals["role_names"] = ROLE_NAMES
MAX_UPLOAD = 10 * 1024 * 1024  # 10 MiB per file
_CSRF_LABEL = b"kuaiban-csrf-v1\n"


def user_or_redirect(request: Request, session: Session) -> User | RedirectResponse:
    """The logged-in user, or a redirect to the login page that comes back here."""
    user = web_session.current_user(request, session)
    if user is None:
        return web_session.require_login(request)
    return user


def user_in_roles(request: Request, session: Session, roles: tuple[str, ...], title: str,
                  message: str) -> User | Response:
    """The logged-in user if their role is one of ``roles``; else the login redirect, or a 403 page
    saying ``title`` / ``message`` (which page group this is and who may use it)."""
    user = user_or_redirect(request, session)
    if isinstance(user, Response) or user.role in roles:
        return user
    return message_page(request, title, message, status=403, user=user)


def csrf_token(request: Request) -> str:
    """The per-session CSRF token ('' without a session: such a form cannot be posted anyway)."""
    raw = request.cookies.get(web_session.COOKIE) or ""
    return hashlib.sha256(_CSRF_LABEL + raw.encode()).hexdigest() if raw else ""


def csrf_ok(request: Request, submitted: str | None) -> bool:
    expected = csrf_token(request)
    return bool(expected) and hmac.compare_digest(expected, submitted or "")


def render(request: Request, template: str, context: dict, *, status: int = 200, user: User | None = None
           ) -> HTMLResponse:
    return templates.TemplateResponse(request, template, {"csrf": csrf_token(request), "user": user, **context},
                                      status_code=status)


def message_page(request: Request, title: str, message: str, *, status: int, user: User | None = None
                 ) -> HTMLResponse:
    """A page saying what went wrong (forbidden, not found, stale form …), in Chinese."""
    return render(request, "services/message.html", {"title": title, "message": message}, status=status,
                  user=user)


def csrf_failed(request: Request, user: User | None) -> Response:
    return message_page(request, "表单已失效", "表单已失效或来源不明（安全校验未通过），请返回上一页刷新后重新提交。",
                        status=403, user=user)


# ---------------------------------------------------------------- uploaded files


def uploads_dir() -> Path:
    """Read at call time: the live server and the tests point KUAIBAN_VAR at their own folder."""
    return Path(os.environ.get("KUAIBAN_VAR") or ROOT / "var") / "uploads"


@dataclass(frozen=True)
class Upload:
    """A file received with a form, held in memory until its submission has passed every check."""

    filename: str
    data: bytes

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def reference(self) -> str:
        """What the case stores: the content hash and the name the applicant gave (≤ 300 characters)."""
        return f"{self.digest}:{Path(self.filename).name[:200]}"

    def store(self) -> Path:
        folder = uploads_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / self.digest
        if not path.exists():
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=".upload-")
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(self.data)
                    f.flush()
                    os.fsync(f.fileno())
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        return path


def stored_file(reference: str | None) -> tuple[Path, str] | None:
    """The stored file and its original name for a material reference made by :class:`Upload`."""
    if not reference or ":" not in reference:
        return None
    digest, _, name = reference.partition(":")
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        return None
    path = uploads_dir() / digest
    return (path, name) if path.is_file() else None


def display_reference(reference: str | None) -> str:
    """The file name the applicant gave, without the hash."""
    if reference and ":" in reference and len(reference.partition(":")[0]) == 64:
        return reference.partition(":")[2]
    return reference or ""


templates.env.filters["file_name"] = display_reference
