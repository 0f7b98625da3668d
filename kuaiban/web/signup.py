"""办事人注册: a citizen or an enterprise opens its own account, then is signed in.

Staff accounts are not made here (``kuaiban users create``, or a supervisor through the API). The core
(``kuaiban.platform.auth``) checks the 公民身份号码 or 统一社会信用代码 and refuses a number already
registered; this page only collects the form and shows each refusal next to its field.
Real-name verification against the public-security or market-regulation registers is not available
to this system; the number is checked for form and check digit only.

The applicant's region is a GB/T 2260 code chosen from the hierarchy: province → city → county selects,
rendered by the server (each post shows the next level's choices, so the page works without script) and
filled in place by ``static/regions.js`` from ``GET /api/regions?parent=``. Without the selects, a typed
address is resolved by :func:`kuaiban.platform.regions.resolve`; blank, unknown or ambiguous is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kuaiban.platform import audit, auth, regions, throttle
from kuaiban.platform.errors import Conflict, Invalid, ServiceError, TooManyRequests
from kuaiban.platform.models import APPLICANT
from kuaiban.web.page_support import PostedForm, SessionDep, text
from kuaiban.web.session import safe_next, signed_in, welcomed
from kuaiban.web.templating import render

router = APIRouter(include_in_schema=False)
KINDS = {"citizen": "个人", "enterprise": "单位"}
LEVELS = ("province", "city", "county")  # the selects, from the top
FIELDS = ("kind", "name", "id_number", *LEVELS, "address", "username")


@dataclass(frozen=True)
class RegionChoices:
    """The options of the three selects for what is chosen so far."""

    province: list[regions.Region]
    city: list[regions.Region]
    county: list[regions.Region]


def region_choices(values: dict[str, str]) -> RegionChoices:
    province, city = regions.region(values.get("province")), regions.region(values.get("city"))
    below_province = regions.children(province.code) if province else []
    below_city = regions.children(city.code) if city and province and city.parent == province.code else []
    return RegionChoices(
        province=regions.provinces(),
        city=[r for r in below_province if r.level == regions.CITY],
        # a 直辖市's districts and a province's 省直辖县级 places sit right under the province
        county=below_city or [r for r in below_province if r.level == regions.COUNTY])


def chosen_region(values: dict[str, str]) -> str:
    """The code the applicant chose: the lowest select, which must reach a place with nothing below it;
    else the typed address, resolved. :class:`Invalid` names the field at fault."""
    choices = region_choices(values)
    chosen = None
    for level, options in zip(LEVELS, (choices.province, choices.city, choices.county), strict=True):
        code = values.get(level) or ""
        if not code:
            continue
        if code not in {r.code for r in options}:
            raise Invalid("所选地区与上一级不符，请重新选择", level)
        chosen = code
    address = values.get("address", "").strip()
    if chosen is None:
        if not address:
            raise Invalid("请选择所在地区（省、市、区县），或填写所在地址", "province")
        return regions.resolve(address, field="address")
    if regions.children(chosen):
        if address:  # the address says the rest, within what was chosen
            code = regions.resolve(address, field="address")
            if not regions.covers(chosen, code):
                raise Invalid(f"地址不在所选的{regions.label(chosen)}内", "address")
            return code
        nxt = "county" if not choices.city or values.get("city") else "city"
        raise Invalid("请继续选择下一级地区" + ("（区、县）" if nxt == "county" else "（市、州）"), nxt)
    return chosen


def _form(next_: str, values: dict[str, str], errors: dict[str, str], refused: str | None = None) -> dict:
    return {"next": next_, "values": values, "errors": errors, "kinds": KINDS, "regions": region_choices(values),
            "refused": refused}


def _check(errors: dict[str, str], check, field: str | None = None) -> None:
    """Run one of the core's checks and keep its message at its field (the first for that field)."""
    try:
        check()
    except Invalid as exc:
        errors.setdefault(field or exc.field or "username", exc.message)


def _taken(session, values: dict[str, str], errors: dict[str, str], address: str | None) -> int | None:
    """A username another account holds, beside the form's other problems — counted per client address as the API's
    answer is (auth.check_username_free); once the address heard it too often, the status 429 (nothing is said about
    the name then, free or taken)."""
    if "username" not in errors:
        try:
            auth.check_username_free(session, values["username"], address=address)
        except (Conflict, TooManyRequests) as exc:
            errors["username"] = exc.message
            return exc.status if isinstance(exc, TooManyRequests) else None
    # not the 证件号码: whether a number has an account is told only to a registration that is otherwise valid,
    # and counted (auth.register_applicant); a form sent back for other errors says nothing about it (s20)
    return None


@router.get("/register")
def register_page(request: Request, next: str = "/", kind: str = "citizen") -> Response:
    """The sign-up form; ``kind`` preselects 个人 or 单位 (a page sending a unit's clerk here: 企业招用员工)."""
    return render(request, "signup.html", _form(safe_next(next), {"kind": kind if kind in KINDS else "citizen"}, {}),
                  user=None)


@router.post("/register")
def register_submit(request: Request, session: SessionDep, form: PostedForm) -> Response:
    values = {k: text(form, k) for k in FIELDS}
    password, password2 = str(form.get("password") or ""), str(form.get("password2") or "")
    target = safe_next(text(form, "next"))
    try:  # every post counts, per client address (kuaiban.platform.throttle)
        throttle.limit_submissions(session, throttle.submission_keys(
            "register", request.client.host if request.client else None), audit.now())
    except TooManyRequests as exc:
        response = render(request, "signup.html", _form(target, values, {}, exc.message), status=exc.status,
                          user=None)
        response.headers.update(exc.headers)
        return response
    errors: dict[str, str] = {}
    if values["kind"] not in KINDS:
        errors["kind"] = "请选择注册类型：个人或单位"
    if not values["name"]:
        errors["name"] = "请填写姓名或单位名称"
    if not values["id_number"]:
        errors["id_number"] = "请填写公民身份号码或统一社会信用代码"
    elif values["kind"] in KINDS:
        _check(errors, lambda: auth.checked_id_number(values["kind"], values["id_number"]))
    # every field's problem at once (usability review s14 C19), as the core will judge them at creation
    _check(errors, lambda: auth.new_username(values["username"]))
    if not password:
        errors["password"] = "请设置密码"
    else:
        _check(errors, lambda: auth.check_password(password, role=APPLICANT, username=values["username"],
                                                   id_number=values["id_number"] or None), field="password")
    region = None
    try:
        region = chosen_region(values)
    except Invalid as exc:
        errors[exc.field or "province"] = exc.message
    if password != password2:
        errors["password2"] = "两次输入的密码不一致"
    status = 422
    if errors:  # the form goes back anyway: say now what creating the account would refuse as well
        status = _taken(session, values, errors, request.client.host if request.client else None) or status
    if not errors:
        try:
            user = auth.register_applicant(session, values["kind"], values["name"], values["id_number"],
                                           values["username"], password, region=region,
                                           address=request.client.host if request.client else None,
                                           named=True)
            token, expires = auth.issue_token(session, user,
                                              address=request.client.host if request.client else None)
        except ServiceError as exc:  # 409 when the username or the number is taken, even by a request
            session.rollback()       # that arrived at the same moment (the database's unique indexes)
            errors[exc.field if exc.field in {*values, "password"} else "username"] = exc.message
            status = exc.status
    if errors:
        return render(request, "signup.html", _form(target, values, errors), status=status, user=None)
    session.commit()  # stored before the browser follows the redirect (see login.login_submit)
    # landing on the home page, it says who is signed in and where their own cases are (ux session 14, C18)
    return welcomed(signed_in(request, token, expires, target), target, "registered")
