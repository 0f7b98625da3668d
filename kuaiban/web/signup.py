"""办事人注册: a citizen or an enterprise opens its own account, then is signed in.

Staff accounts are not made here (``kuaiban users create``, or a supervisor through the API). The core
(``kuaiban.platform.auth``) checks the 公民身份号码 or 统一社会信用代码 and refuses a number already
registered; this page only collects the form and shows each refusal next to its field.
Real-name verification against the public-security or market-regulation registers is not available
to this system; the number is checked for form and check digit only.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from kuaiban.deps import get_session
from kuaiban.platform import audit, auth
from kuaiban.platform.errors import ServiceError
from kuaiban.platform.models import APPLICANT
from kuaiban.web.session import COOKIE, safe_next
from kuaiban.web.templating import render

router = APIRouter(include_in_schema=False)
KINDS = {"citizen": "个人", "enterprise": "单位"}


def _form(next_: str, values: dict[str, str], errors: dict[str, str]) -> dict:
    return {"next": next_, "values": values, "errors": errors, "kinds": KINDS}


@router.get("/register")
def register_page(request: Request, next: str = "/"):

    return render(request, "signup.html", _form(safe_next(next), {"kind": "citizen"}, {}))


@router.post("/register")
def register_submit(
    request: Request,
    session: Annotated[Session, Depends(get_session, scope="function")],
    kind: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    id_number: Annotated[str, Form()] = "",
    region: Annotated[str, Form()] = "",
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    password2: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
):

    target = safe_next(next)
    values = {"kind": kind, "name": name, "id_number": id_number, "region": region, "username": username}
    errors: dict[str, str] = {}
    if kind not in KINDS:
        errors["kind"] = "请选择注册类型：个人或单位"
    if not name.strip():
        errors["name"] = "请填写姓名或单位名称"
    if not id_number.strip():
        errors["id_number"] = "请填写公民身份号码或统一社会信用代码"
    if password != password2:
        errors["password2"] = "两次输入的密码不一致"
    status = 422
    if not errors:
        try:
            applicant = auth.create_applicant(session, kind, name, id_number=id_number.strip(),
                                              region=region.strip() or None)
            user = auth.create_user(session, username, password, APPLICANT, region=applicant.region,
                                    applicant=applicant, display_name=applicant.name)
            token, expires = auth.issue_token(session, user,
                                              address=request.client.host if request.client else None)
        except ServiceError as exc:  # 409 when the username or the number is taken, even by a request
            session.rollback()       # that arrived at the same moment (the database's unique indexes)
            errors[exc.field if exc.field in {*values, "password"} else "username"] = exc.message
            status = exc.status
    if errors:
        return render(request, "signup.html", _form(target, values, errors) | {"user": None}, status_code=status)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(COOKIE, token, max_age=max(0, int((expires - audit.now()).total_seconds())),
                        httponly=True, samesite="lax", secure=request.url.scheme == "https", path="/")
    return response
