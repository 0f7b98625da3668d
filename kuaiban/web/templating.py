"""The Jinja2 environment every page shares, and `render`, which adds the signed-in user for the nav."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from kuaiban.platform import regions
from kuaiban.web.session import user_from_request

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
templates = Jinja2Templates(directory=HERE / "templates")


def highlight(snippet: str) -> Markup:
    """A search snippet as HTML: the search escapes the text itself and adds only <mark> tags."""
    return Markup(re.sub(r"<(?!/?mark>)", "&lt;", snippet))


templates.env.filters["highlight"] = highlight
templates.env.filters["region_label"] = regions.label  # 湖南省长沙市（430100）; 全国 for no region


def render(request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200):
    """Render template `name`; `user` (the signed-in staff member or None) is added unless given."""
    context = dict(context or {})
    if "user" not in context:
        context["user"] = user_from_request(request)
    return templates.TemplateResponse(request, name, context, status_code=status_code)
