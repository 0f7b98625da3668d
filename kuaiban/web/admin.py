"""管理: the administration pages of a region's supervisor (监督人员).

- 工作人员账号 (/admin/staff): the staff of the supervisor's scope; create, 停用 / 启用, 重置密码, 强制下线
  (``kuaiban.platform.staff`` decides who may manage whom).
- 事项材料与承办机构 (/admin/items): what the region requires per item and which agency handles it
  (``kuaiban.services.region_config``), items chosen from the catalogue.
- 差评整改时限 (/admin/settings) and 节假日安排 (/admin/holidays, ``kuaiban.platform.holidays``).

Every form carries the session's CSRF token; a POST that succeeds redirects (POST/redirect/GET) to the
page with a notice; one that fails is shown again with its Chinese errors beside each field and nothing
stored. A one-time password is handed to the next page in a short-lived HttpOnly cookie, read once and
cleared, so a reload or the back button never shows it again and it is never stored on the server.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from urllib.parse import quote, unquote

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from kuaiban.db import session_scope
from kuaiban.platform import audit, auth, calendar, dates, holidays, regions, staff
from kuaiban.platform.errors import Forbidden, Invalid, NotFound, ServiceError
from kuaiban.platform.models import SUPERVISOR, User
from kuaiban.services import region_config
from kuaiban.web import csrf
from kuaiban.web import session as web_session
from kuaiban.web.page_support import LoginRequired, NavUser, PageRefused, csrf_refused, message_page
from kuaiban.web.templating import render

router = APIRouter(prefix="/admin", include_in_schema=False)
_ONCE = "kuaiban_once"  # the one-time password, for the account page the redirect goes to
NOTICES = {"created": "账号已开设。", "disabled": "账号已停用，其登录会话已全部结束。", "enabled": "账号已启用。",
           "password": "密码已重置，原有登录会话已全部结束。", "sessions": "该账号的登录会话已全部结束。",
           "material": "材料要求已保存。", "material_removed": "材料要求已删除。", "route": "承办机构已保存。",
           "commitment": "已登记采用该告知承诺制清单条目。", "commitment_removed": "已不再采用该告知承诺制清单条目。",
           "route_removed": "承办机构设置已删除。", "limit": "差评整改时限已保存。", "holidays": "节假日安排已保存，各项时限即时按此计算。"}


ROLES = (SUPERVISOR,)  # who may use the 管理 pages


def _supervisor(request: Request, s: Session) -> User:
    """The signed-in supervisor; anyone else reaches the app's refusal handler (login or a 403 page)."""
    user = web_session.current_user(request, s)
    if user is None:
        raise LoginRequired()
    request.state.nav_user = NavUser.of(user)
    if user.role not in ROLES:
        raise PageRefused("无权进入管理页面", "管理页面仅供监督人员使用。", 403)
    return user


def _page(request: Request, build: Callable[[Session, User], tuple[str, dict]], *, status: int = 200,
          extra: dict | None = None) -> Response:
    """GET: the supervisor's page ``build`` describes (template, context), with the notice of ``?done=``."""
    with session_scope(request.app.state.engine) as s:
        user = _supervisor(request, s)
        try:
            template, context = build(s, user)
        except (Forbidden, NotFound) as exc:
            return message_page(request, "无法打开", exc.message, status=exc.status)
        context = {"notice": NOTICES.get(request.query_params.get("done", "")), "errors": {}, "values": {},
                   "region_label": regions.label, "calendar_reminder": holidays.reminder(s, audit.now().date()),
                   **context, **(extra or {})}
        return render(request, template, context, status=status, user=user)


async def _post(request: Request, work: Callable[[Session, User, dict], str],
                again: Callable[[Request, dict, dict, int], Response]) -> Response:
    """POST: ``work(session, user, form)`` in one transaction, returning where to redirect; a ServiceError
    rolls everything back and shows the form again (``again``) with the error beside its field."""
    form = {k: str(v) for k, v in (await request.form()).items()}

    def run() -> Response:
        try:
            with session_scope(request.app.state.engine) as s:
                user = _supervisor(request, s)
                if not csrf.valid(request, form.get("csrf")):
                    raise csrf_refused()
                return RedirectResponse(work(s, user, form), status_code=303)
        except ServiceError as exc:
            if isinstance(exc, Forbidden | NotFound) and exc.field in (None, "user_id", "material_id", "route_id"):
                return message_page(request, "无法办理", exc.message, status=exc.status)
            return again(request, {exc.field or "form": exc.message}, form, exc.status)

    return await run_in_threadpool(run)


def _int(value: str | None, field: str, what: str) -> int:
    value = (value or "").strip()
    if not value.isascii() or not value.isdigit():
        raise Invalid(f"{what}须为正整数", field)
    return int(value)


# ---------------------------------------------------------------- overview


@router.get("", response_class=HTMLResponse)
def overview(request: Request) -> Response:
    return _page(request, lambda s, user: ("admin/index.html", {"may_enter_holidays": holidays.may_enter(user)}))


# ---------------------------------------------------------------- staff accounts


def _region_options(user: User) -> list[tuple[str, str]]:
    """The regions a supervisor may place an account in: their own and two levels below."""
    top = [regions.region(user.region)] if user.region else []
    out = [(r.code, regions.label(r.code)) for r in top if r]
    for child in regions.children(user.region):
        out.append((child.code, regions.label(child.code)))
        if user.region is not None:
            out += [(g.code, regions.label(g.code)) for g in regions.children(child.code)]
    return out


def _staff_context(s: Session, user: User) -> tuple[str, dict]:
    return "admin/staff.html", {"rows": staff.list_staff(s, user), "manages": staff.manages,
                                "roles": [(r, auth.ROLE_NAMES[r]) for r in staff.STAFF_ROLES],
                                "region_options": _region_options(user)}


@router.get("/staff", response_class=HTMLResponse)
def staff_page(request: Request) -> Response:
    return _page(request, _staff_context)


def _staff_again(request: Request, errors: dict, values: dict, status: int) -> Response:
    return _page(request, _staff_context, status=status, extra={"errors": errors, "values": values})


@router.post("/staff", response_class=HTMLResponse)
async def create_staff(request: Request) -> Response:
    created: dict = {}

    def work(s: Session, user: User, form: dict) -> str:
        new, password = staff.create_staff(s, user, username=form.get("username", ""), role=form.get("role", ""),
                                           region=form.get("region"), display_name=form.get("display_name"),
                                           agency=form.get("agency"), password=form.get("password") or None)
        created.update(id=new.id, password=password)
        return f"/admin/staff/{new.id}?done=created"

    response = await _post(request, work, _staff_again)
    if created.get("password"):
        _hand_over(request, response, created["id"], created["password"])
    return response


def _hand_over(request: Request, response: Response, user_id: int, password: str) -> None:
    response.set_cookie(_ONCE, quote(f"{user_id}:{password}"), max_age=120, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https", path="/admin/staff")


def _account_context(user_id: int, once: str | None):
    def build(s: Session, user: User) -> tuple[str, dict]:
        row = staff.staff_row(s, user, user_id)
        return "admin/account.html", {"row": row, "target": row.user, "one_time": once}
    return build


@router.get("/staff/{user_id}", response_class=HTMLResponse)
def account_page(request: Request, user_id: int) -> Response:
    raw = unquote(request.cookies.get(_ONCE, ""))
    owner, _, password = raw.partition(":")
    once = password if owner == str(user_id) and password else None
    response = _page(request, _account_context(user_id, once))
    if raw:
        response.delete_cookie(_ONCE, path="/admin/staff")
    response.headers["Cache-Control"] = "no-store"
    return response


def _account_again(user_id: int):
    def again(request: Request, errors: dict, values: dict, status: int) -> Response:
        return _page(request, _account_context(user_id, None), status=status,
                     extra={"errors": errors, "values": {}})
    return again


@router.post("/staff/{user_id}/active", response_class=HTMLResponse)
async def set_active(request: Request, user_id: int) -> Response:
    def work(s: Session, user: User, form: dict) -> str:
        active = form.get("active") == "yes"
        staff.set_active(s, user, user_id, active)
        return f"/admin/staff/{user_id}?done={'enabled' if active else 'disabled'}"

    return await _post(request, work, _account_again(user_id))


@router.post("/staff/{user_id}/password", response_class=HTMLResponse)
async def reset_password(request: Request, user_id: int) -> Response:
    made: dict = {}

    def work(s: Session, user: User, form: dict) -> str:
        made["password"] = staff.reset_password(s, user, user_id, form.get("password") or None)
        return f"/admin/staff/{user_id}?done=password"

    response = await _post(request, work, _account_again(user_id))
    if made.get("password"):
        _hand_over(request, response, user_id, made["password"])
    return response


@router.post("/staff/{user_id}/sessions", response_class=HTMLResponse)
async def revoke_sessions(request: Request, user_id: int) -> Response:
    def work(s: Session, user: User, form: dict) -> str:
        staff.revoke_sessions(s, user, user_id)
        return f"/admin/staff/{user_id}?done=sessions"

    return await _post(request, work, _account_again(user_id))


# ---------------------------------------------------------------- materials and routes


def _items_context(s: Session, user: User) -> tuple[str, dict]:
    choices = region_config.item_choices()
    return "admin/items.html", {
        "region": region_config.own_region(user), "materials": region_config.materials(s, user),
        "routes": region_config.routes(s, user), "item_label": region_config.item_label,
        "commitment_rows": (rows := region_config.commitment_rows(s, user)),
        "commitment_options": [(str(c.seq), f"第 {c.seq} 项 {c.unit} · {c.item}") for c in rows],
        "item_options": [(c.key, f"{c.label}（{c.bundle}）") for c in choices],
        "agencies": sorted({a for c in choices for a in c.agencies})}


def _items_again(request: Request, errors: dict, values: dict, status: int) -> Response:
    return _page(request, _items_context, status=status, extra={"errors": errors, "values": values})


def _items_again_as(key: Callable[[str], str]):
    """The items page again for one of its forms: its errors and values under that form's own keys."""
    def again(request: Request, errors: dict, values: dict, status: int) -> Response:
        return _items_again(request, {key(k): v for k, v in errors.items()}, {key(k): v for k, v in values.items()},
                            status)
    return again


@router.get("/items", response_class=HTMLResponse)
def items_page(request: Request) -> Response:
    with session_scope(request.app.state.engine) as s:
        user = _supervisor(request, s)
        if user.region is None:
            return message_page(request, "事项材料与承办机构", "全国账号未关联地区：事项材料与承办机构由各地区监督人员配置。",
                                status=409)
    return _page(request, _items_context)


@router.post("/items/materials", response_class=HTMLResponse)
async def add_material(request: Request) -> Response:
    def work(s: Session, user: User, form: dict) -> str:
        row = region_config.add_material(s, user, form.get("item", ""), form.get("material", ""), form.get("basis"))
        return f"/admin/items?done=material#material-{row.id}"

    return await _post(request, work, _items_again)


@router.post("/items/materials/{material_id}", response_class=HTMLResponse)
async def change_material(request: Request, material_id: int) -> Response:
    def work(s: Session, user: User, form: dict) -> str:
        region_config.change_material(s, user, material_id, form.get("material", ""), form.get("basis"))
        return f"/admin/items?done=material#material-{material_id}"

    again = _items_again_as(lambda k: f"{k}-{material_id}")
    return await _post(request, work, again)


@router.post("/items/materials/{material_id}/remove", response_class=HTMLResponse)
async def remove_material(request: Request, material_id: int) -> Response:
    def work(s: Session, user: User, form: dict) -> str:
        region_config.remove_material(s, user, material_id)
        return "/admin/items?done=material_removed"

    return await _post(request, work, _items_again)


@router.post("/items/routes", response_class=HTMLResponse)
async def set_route(request: Request) -> Response:
    def work(s: Session, user: User, form: dict) -> str:
        region_config.set_route(s, user, form.get("item", ""), form.get("agency", ""))
        return "/admin/items?done=route#routes"

    again = _items_again_as(lambda k: f"route_{k}")
    return await _post(request, work, again)


@router.post("/items/routes/{route_id}/remove", response_class=HTMLResponse)
async def remove_route(request: Request, route_id: int) -> Response:
    def work(s: Session, user: User, form: dict) -> str:
        region_config.remove_route(s, user, route_id)
        return "/admin/items?done=route_removed#routes"

    return await _post(request, work, _items_again)


@router.post("/items/commitments", response_class=HTMLResponse)
async def adopt_commitment(request: Request) -> Response:
    def work(s: Session, user: User, form: dict) -> str:
        region_config.adopt_commitment(s, user, form.get("seq"), form.get("basis"))
        return "/admin/items?done=commitment#commitments"

    again = _items_again_as(lambda k: f"commitment_{k}")
    return await _post(request, work, again)


@router.post("/items/commitments/{seq}/remove", response_class=HTMLResponse)
async def drop_commitment(request: Request, seq: int) -> Response:
    def work(s: Session, user: User, form: dict) -> str:
        region_config.drop_commitment(s, user, seq)
        return "/admin/items?done=commitment_removed#commitments"

    return await _post(request, work, _items_again)


# ---------------------------------------------------------------- 差评整改时限


def _settings_context(s: Session, user: User) -> tuple[str, dict]:
    return "admin/settings.html", {"region": region_config.own_region(user),
                                   "limit": region_config.rectification_limit(s, user)}


@router.get("/settings", response_class=HTMLResponse)
def settings_page(request: Request) -> Response:
    return _page(request, _settings_context)


@router.post("/settings", response_class=HTMLResponse)
async def set_limit(request: Request) -> Response:
    def work(s: Session, user: User, form: dict) -> str:
        region_config.set_rectification_limit(s, user, _int(form.get("working_days"), "working_days", "整改时限"))
        return "/admin/settings?done=limit"

    def again(request: Request, errors: dict, values: dict, status: int) -> Response:
        return _page(request, _settings_context, status=status, extra={"errors": errors, "values": values})

    return await _post(request, work, again)


# ---------------------------------------------------------------- 节假日安排


def _holidays_context(year: int | None):
    def build(s: Session, user: User) -> tuple[str, dict]:
        first, last = calendar.covered_years()
        entered = holidays.years(s)
        values: dict[str, str] = {"year": str(last + 1)}
        editing = next((y for y in entered if y.year == year), None)
        if editing is not None:
            values = {"year": str(editing.year), "notice_number": editing.notice_number,
                      "notice_title": editing.notice_title, "notice_date": editing.notice_date.isoformat(),
                      "holidays": _lines(editing, holidays.HOLIDAY), "workdays": _lines(editing, holidays.WORKDAY)}
        return "admin/holidays.html", {"entered": entered, "first": first, "last": last, "values": values,
                                       "may_enter": holidays.may_enter(user), "kind_names": holidays.KIND_NAMES,
                                       "known_by_package": holidays.known_by_package}
    return build


def _lines(row: holidays.HolidayYear, kind: str) -> str:
    """The form's lines for a stored year: consecutive days of one festival as one period."""
    out: list[list] = []
    for d in (d for d in row.days if d.kind == kind):
        if out and out[-1][0] == d.festival and out[-1][2] + dt.timedelta(days=1) == d.day and kind == holidays.HOLIDAY:
            out[-1][2] = d.day
        else:
            out.append([d.festival, d.day, d.day])
    return "\n".join(f"{f} {a.isoformat()}" + (f" 至 {b.isoformat()}" if b != a else "") for f, a, b in out)


@router.get("/holidays", response_class=HTMLResponse)
def holidays_page(request: Request, year: int | None = None) -> Response:
    return _page(request, _holidays_context(year))


@router.post("/holidays", response_class=HTMLResponse)
async def enter_holidays(request: Request) -> Response:
    def work(s: Session, user: User, form: dict) -> str:
        holidays.require_may_enter(user)  # before reading the form: a city supervisor is told who may
        year = _int(form.get("year"), "year", "年份")
        notice_date = dates.read_date(form.get("notice_date") or "")
        if notice_date is None:
            raise Invalid("请填写发文日期（如 2026-11-04）", "notice_date")
        holidays.enter_year(
            s, user, year, notice_number=form.get("notice_number", ""), notice_title=form.get("notice_title", ""),
            notice_date=notice_date,
            holidays=holidays.parse_periods(form.get("holidays", ""), "holidays", single_days=False),
            workdays=holidays.parse_periods(form.get("workdays", ""), "workdays", single_days=True))
        return f"/admin/holidays?done=holidays#year-{year}"

    def again(request: Request, errors: dict, values: dict, status: int) -> Response:
        return _page(request, _holidays_context(None), status=status, extra={"errors": errors, "values": values})

    return await _post(request, work, again)
