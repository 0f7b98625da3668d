"""进度查询 for anyone holding a 办件编号: no sign-in, one check the applicant can answer (name or the last
4 characters of the 证件号码), throttled (``kuaiban.services.progress``). Signed-in applicants see their
cases under 我的办件 as before.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kuaiban.platform import audit
from kuaiban.platform.errors import ServiceError
from kuaiban.services import progress
from kuaiban.web.page_support import PostedForm, SessionDep, Visitor, text
from kuaiban.web.templating import render

router = APIRouter(prefix="/progress", include_in_schema=False)


@router.get("", response_class=HTMLResponse)
def progress_form(request: Request, user: Visitor, number: str = "") -> Response:
    return render(request, "services/progress.html", {"number": number, "errors": {}, "result": None}, user=user)


@router.post("", response_class=HTMLResponse)
def progress_lookup(request: Request, s: SessionDep, user: Visitor, form: PostedForm) -> Response:
    number, check = text(form, "number"), text(form, "check")
    errors: dict[str, str] = {}
    result = None
    try:
        result = progress.lookup(s, number, check, address=request.client.host if request.client else None,
                                 at=audit.now())
        if result is None:  # the failure is counted: this request's transaction commits it
            errors["check"] = progress.NO_MATCH
    except ServiceError as exc:
        errors[exc.field or "number"] = exc.message
        status = exc.status
    else:
        status = 200 if result else 404
    return render(request, "services/progress.html", {"number": number, "errors": errors, "result": result},
                  status=status, user=user)


care_router = APIRouter(include_in_schema=False)


@care_router.get("/care")
def care_mode(on: int = 1, next: str = "/") -> Response:
    """关怀模式 on or off: a display preference kept in a cookie (a year), then back to the page."""
    target = next if next.startswith("/") and not next.startswith("//") and "\\" not in next else "/"
    response = RedirectResponse(target, status_code=303)
    if on:
        response.set_cookie("care", "1", max_age=365 * 24 * 3600, samesite="lax", httponly=True)
    else:
        response.delete_cookie("care")
    return response
