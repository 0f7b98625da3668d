"""管理 JSON API: the supervisor's administration, mirroring the /admin pages (same core, same rules).

Errors are JSON ``{"detail": 中文说明, "field": 出错的字段}``, as in the rest of the API.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from kuaiban.api.caller_first import SignedInFirst
from kuaiban.api.services import Credentials, Strict, as_user
from kuaiban.platform import holidays, staff
from kuaiban.platform.auth import ROLE_NAMES, require_role
from kuaiban.platform.models import SUPERVISOR
from kuaiban.services import region_config

router = APIRouter(prefix="/api/admin", tags=["管理"], route_class=SignedInFirst)


class StaffOut(BaseModel):
    id: int
    username: str
    display_name: str | None
    role: str
    role_name: str
    region: str | None
    agency: str | None
    active: bool
    last_login: dt.datetime | None
    sessions: int
    manageable: bool


def _out(row: staff.StaffRow, admin) -> StaffOut:
    u = row.user
    return StaffOut(id=u.id, username=u.username, display_name=u.display_name, role=u.role,
                    role_name=ROLE_NAMES[u.role], region=u.region, agency=u.agency, active=u.active,
                    last_login=row.last_login, sessions=row.sessions, manageable=staff.manages(admin, u))


def _row(session, admin, user_id: int) -> StaffOut:
    return _out(staff.staff_row(session, admin, user_id), admin)


@router.get("/staff", summary="本辖区工作人员账号")
async def list_staff(request: Request, cred: Credentials) -> list[StaffOut]:
    return await as_user(request, cred, lambda s, u: [_out(r, u) for r in staff.list_staff(s, u)])


class StaffIn(Strict):
    username: str = Field(min_length=1, max_length=80)
    role: str = Field(description="window | reviewer | supervisor")
    region: str = Field(description="行政区划代码，须在本账号辖区内")
    display_name: str | None = None
    agency: str | None = None
    password: str | None = Field(default=None, description="留空则生成一次性密码，仅在本次响应中返回")


class CreatedStaff(StaffOut):
    one_time_password: str | None


@router.post("/staff", status_code=201, summary="开设工作人员账号")
async def create_staff(body: StaffIn, request: Request, cred: Credentials) -> CreatedStaff:
    def work(s, u):
        user, password = staff.create_staff(s, u, username=body.username, role=body.role, region=body.region,
                                            display_name=body.display_name, agency=body.agency,
                                            password=body.password)
        return CreatedStaff(**_row(s, u, user.id).model_dump(), one_time_password=password)
    return await as_user(request, cred, work)


@router.post("/staff/{user_id}/disable", summary="停用账号（结束其全部会话）")
async def disable(user_id: int, request: Request, cred: Credentials) -> StaffOut:
    return await as_user(request, cred, lambda s, u: (staff.set_active(s, u, user_id, False), _row(s, u, user_id))[1])


@router.post("/staff/{user_id}/enable", summary="启用账号")
async def enable(user_id: int, request: Request, cred: Credentials) -> StaffOut:
    return await as_user(request, cred, lambda s, u: (staff.set_active(s, u, user_id, True), _row(s, u, user_id))[1])


class PasswordIn(Strict):
    password: str | None = Field(default=None, description="留空则生成一次性密码")


@router.post("/staff/{user_id}/password", summary="重置密码（结束其全部会话）")
async def reset_password(user_id: int, body: PasswordIn, request: Request, cred: Credentials) -> dict:
    password = await as_user(request, cred, lambda s, u: staff.reset_password(s, u, user_id, body.password))
    return {"one_time_password": password}


@router.post("/staff/{user_id}/revoke-sessions", summary="强制下线：结束账号的全部会话")
async def revoke_sessions(user_id: int, request: Request, cred: Credentials) -> dict:
    return {"sessions_ended": await as_user(request, cred, lambda s, u: staff.revoke_sessions(s, u, user_id))}


# ---------------------------------------------------------------- materials, routes, rectification limit


class MaterialOut(BaseModel):
    id: int
    item: str
    item_label: str
    material: str
    basis: str | None


def _material(m) -> MaterialOut:
    return MaterialOut(id=m.id, item=m.item_key, item_label=region_config.item_label(m.item_key),
                       material=m.material, basis=m.basis)


class MaterialIn(Strict):
    item: str = Field(min_length=1, description="事项编码，或无编码事项组的名称（取自服务目录）")
    material: str = Field(min_length=1, max_length=300)
    basis: str | None = None


class MaterialChange(Strict):
    material: str = Field(min_length=1, max_length=300)
    basis: str | None = None


@router.get("/materials", summary="本地区事项须提交的材料")
async def materials(request: Request, cred: Credentials) -> list[MaterialOut]:
    return await as_user(request, cred, lambda s, u: [_material(m) for m in region_config.materials(s, u)])


@router.post("/materials", status_code=201, summary="新增材料要求")
async def add_material(body: MaterialIn, request: Request, cred: Credentials) -> MaterialOut:
    return await as_user(request, cred, lambda s, u: _material(
        region_config.add_material(s, u, body.item, body.material, body.basis)))


@router.put("/materials/{material_id}", summary="修改材料要求")
async def change_material(material_id: int, body: MaterialChange, request: Request, cred: Credentials) -> MaterialOut:
    return await as_user(request, cred, lambda s, u: _material(
        region_config.change_material(s, u, material_id, body.material, body.basis)))


@router.delete("/materials/{material_id}", status_code=204, summary="删除材料要求")
async def remove_material(material_id: int, request: Request, cred: Credentials) -> Response:
    await as_user(request, cred, lambda s, u: region_config.remove_material(s, u, material_id))
    return Response(status_code=204)


class RouteOut(BaseModel):
    id: int
    item: str
    item_label: str
    agency: str


class RouteIn(Strict):
    item: str = Field(min_length=1)
    agency: str = Field(min_length=1, max_length=80)


def _route(r) -> RouteOut:
    return RouteOut(id=r.id, item=r.item_key, item_label=region_config.item_label(r.item_key), agency=r.agency)


@router.get("/routes", summary="本地区事项的承办机构")
async def routes(request: Request, cred: Credentials) -> list[RouteOut]:
    return await as_user(request, cred, lambda s, u: [_route(r) for r in region_config.routes(s, u)])


@router.put("/routes", summary="设置事项的承办机构")
async def set_route(body: RouteIn, request: Request, cred: Credentials) -> RouteOut:
    return await as_user(request, cred, lambda s, u: _route(region_config.set_route(s, u, body.item, body.agency)))


@router.delete("/routes/{route_id}", status_code=204, summary="删除承办机构设置")
async def remove_route(route_id: int, request: Request, cred: Credentials) -> Response:
    await as_user(request, cred, lambda s, u: region_config.remove_route(s, u, route_id))
    return Response(status_code=204)


@router.get("/rectification-limit", summary="本地区差评整改时限（工作日；未设定为 null）")
async def rectification_limit(request: Request, cred: Credentials) -> dict:
    return {"working_days": await as_user(request, cred, region_config.rectification_limit)}


# ---------------------------------------------------------------- 节假日安排


class PeriodIn(Strict):
    festival: str = Field(min_length=1, max_length=20)
    start: dt.date
    end: dt.date | None = Field(default=None, description="放假的最后一天；调休上班日不填")


class HolidaysIn(Strict):
    notice_number: str = Field(description="国务院办公厅通知文号")
    notice_title: str
    notice_date: dt.date
    holidays: list[PeriodIn]
    workdays: list[PeriodIn] = Field(default_factory=list)


def _year(y: holidays.HolidayYear) -> dict:
    return {"year": y.year, "notice_number": y.notice_number, "notice_title": y.notice_title,
            "notice_date": y.notice_date, "entered_at": y.entered_at,
            "superseded_by_package": holidays.known_by_package(y.year),
            "days": [{"date": d.day, "kind": d.kind, "festival": d.festival} for d in y.days]}


@router.get("/holidays", summary="已录入的节假日安排（系统日历未收录的年份）")
async def entered_holidays(request: Request, cred: Credentials) -> list[dict]:
    def work(s, u):
        require_role(u, SUPERVISOR)
        return [_year(y) for y in holidays.years(s)]
    return await as_user(request, cred, work)


@router.put("/holidays/{year}", summary="录入或更正一年的节假日安排（全国或省级监督人员）")
async def enter_holidays(year: int, body: HolidaysIn, request: Request, cred: Credentials) -> dict:
    def work(s, u):
        row = holidays.enter_year(
            s, u, year, notice_number=body.notice_number, notice_title=body.notice_title,
            notice_date=body.notice_date,
            holidays=[holidays.Period(p.festival, p.start, p.end or p.start) for p in body.holidays],
            workdays=[holidays.Period(p.festival, p.start, p.start) for p in body.workdays])
        return _year(row)
    return await as_user(request, cred, work)
