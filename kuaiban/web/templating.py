"""The Jinja2 environment every page shares, and the one `render`: it adds the signed-in user (for the
nav) and the CSRF token every form carries (:mod:`kuaiban.web.csrf`)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from kuaiban.corpus.compilations import source_name
from kuaiban.corpus.titles import in_book_marks
from kuaiban.platform import dates, regions
from kuaiban.platform.auth import ROLE_NAMES
from kuaiban.platform.models import User
from kuaiban.web import csrf
from kuaiban.web.session import user_from_request

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
templates = Jinja2Templates(directory=HERE / "templates")
templates.env.globals["role_names"] = ROLE_NAMES
_LOOK_UP = object()  # render's default: find the signed-in user itself


def highlight(snippet: str) -> Markup:
    """A search snippet as HTML: the search escapes the text itself and adds only <mark> tags."""
    return Markup(re.sub(r"<(?!/?mark>)", "&lt;", snippet))


def answer(value: Any) -> str:
    """A form's stored answer as staff read it: a tick box as 已勾选/未勾选, never Python's True/False."""
    if value is True:
        return "已勾选"
    if value is False:
        return "未勾选"
    if value is None or value == "":
        return "未填"
    if isinstance(value, list | tuple):
        return "、".join(answer(v) for v in value)
    return str(value)


templates.env.filters["highlight"] = highlight
templates.env.filters["answer"] = answer
templates.env.filters["source_name"] = lambda file: source_name((file or "").rsplit("/", 1)[-1])  # 重庆汇编, never a file name
templates.env.filters["book_title"] = in_book_marks  # 《…关于印发〈…〉的通知》: a title inside a title in 〈〉
templates.env.filters["region_label"] = regions.label  # 湖南省长沙市（430100）; 全国 for no region
# dates as every page writes them (kuaiban.platform.dates): 2020年12月31日, 2020年12月, 2020年12月31日 14:05; a
# composed text's ISO dates in words (a calculator's description, coverage, notes, messages). Form values stay ISO.
templates.env.filters["day"] = dates.day_words
templates.env.filters["month"] = dates.month_words
templates.env.filters["moment"] = dates.moment_words
templates.env.filters["in_words"] = dates.text_in_words
templates.env.filters["region_name"] = lambda code: regions.full_name(code) or regions.label(code)  # 湖南省长沙市


def render(request: Request, name: str, context: dict[str, Any] | None = None, *, status: int = 200,
           user: User | object | None = _LOOK_UP) -> HTMLResponse:
    """Template ``name`` with ``context``, the CSRF token and ``user`` — the signed-in user; pages that
    already know them pass them (or None), others leave it to a lookup in a session of its own."""
    if user is _LOOK_UP:
        user = context["user"] if context and "user" in context else user_from_request(request)
    response = templates.TemplateResponse(request, name, {**(context or {}), "csrf": csrf.token(request),
                                                          "user": user}, status_code=status)
    csrf.remember(request, response)
    return response
