"""管理 pages: forms with CSRF, Chinese errors beside each field, POST/redirect/GET, a supervisor's scope —
through the handlers on SQLite and PostgreSQL, then in headless Chromium: a supervisor creates a clerk, the
clerk signs in, the supervisor disables them and the clerk's session stops working (desktop and 390 px)."""

from __future__ import annotations

import re
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from kuaiban.app import create_app
from kuaiban.db import connect, session_scope
from kuaiban.platform import auth
from kuaiban.platform.models import AuditEntry, User
from tests.web.forms import csrf_of, post_login

PASSWORD = "correct-horse-42"
PHONE = {"width": 390, "height": 844}


def seed(url: str, suffix: str = "") -> dict[str, str]:
    """Supervisors of 长沙市 and 株洲市 and a 株洲市 clerk; usernames made unique for a shared database."""
    names = {k: f"{k}{suffix}" for k in ("cs-sup", "zz-sup", "zz-win")}
    with session_scope(connect(url)) as s:
        auth.create_user(s, names["cs-sup"], PASSWORD, "supervisor", region="430100", display_name="测试长沙监督")
        auth.create_user(s, names["zz-sup"], PASSWORD, "supervisor", region="430200")
        auth.create_user(s, names["zz-win"], PASSWORD, "window", region="430200")
    return names


def sign_in(client: TestClient, username: str) -> None:
    client.cookies.clear()
    r = post_login(client, username, PASSWORD, "/admin")
    assert r.status_code == 303, r.text


def field_errors(html: str) -> dict[str, str]:
    return dict(re.findall(r'class="field-error" id="([^"]+)-error">([^<]+)<', html))


@pytest.fixture
def admin_client(backend_url):
    names = seed(backend_url)
    with TestClient(create_app(backend_url)) as client:
        sign_in(client, names["cs-sup"])
        yield client, backend_url, names


def test_only_supervisors_enter(admin_client):
    client, _, names = admin_client
    sign_in(client, names["zz-win"])
    r = client.get("/admin/staff")
    assert r.status_code == 403 and "仅供监督人员使用" in r.text
    client.cookies.clear()
    r = client.get("/admin/staff", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")


def test_a_bad_form_shows_its_errors_beside_the_fields_and_stores_nothing(admin_client):
    client, url, _ = admin_client
    token = csrf_of(client.get("/admin/staff").text)
    r = client.post("/admin/staff", data={"csrf": token, "username": "", "role": "window", "region": "430104"})
    assert r.status_code == 422 and field_errors(r.text) == {"username": "请填写用户名"}
    r = client.post("/admin/staff", data={"csrf": token, "username": "someone", "role": "window", "region": "430200"})
    assert r.status_code == 403 and "辖区" in field_errors(r.text)["region"]
    assert 'value="someone"' in r.text  # what was typed is kept
    r = client.post("/admin/staff", data={"csrf": "forged", "username": "someone", "role": "window",
                                          "region": "430104"})
    assert r.status_code == 403 and "表单已失效" in r.text
    with session_scope(connect(url)) as s:
        assert s.scalar(select(User.id).where(User.username == "someone")) is None


def test_create_then_redirect_shows_the_one_time_password_once(admin_client):
    client, url, _ = admin_client
    token = csrf_of(client.get("/admin/staff").text)
    r = client.post("/admin/staff", data={"csrf": token, "username": "yl-win", "display_name": "测试窗口",
                                          "role": "window", "region": "430104"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].endswith("?done=created")
    first = client.get(r.headers["location"])
    password = re.search(r'id="one-time-password">([^<]+)<', first.text).group(1)
    assert "账号已开设" in first.text and first.headers["cache-control"] == "no-store"
    assert "one-time-password" not in client.get(r.headers["location"]).text  # gone on reload
    with session_scope(connect(url)) as s:
        auth.login(s, "yl-win", password)


def test_accounts_of_another_city_cannot_be_opened_or_acted_on(admin_client):
    client, url, names = admin_client
    with session_scope(connect(url)) as s:
        victim = s.scalar(select(User.id).where(User.username == names["zz-win"]))
    assert client.get(f"/admin/staff/{victim}").status_code == 404
    token = csrf_of(client.get("/admin/staff").text)
    r = client.post(f"/admin/staff/{victim}/active", data={"csrf": token, "active": "no"})
    assert r.status_code == 404 and "本辖区没有这个工作人员账号" in r.text
    with session_scope(connect(url)) as s:
        assert s.get(User, victim).active
        assert s.scalar(select(AuditEntry.id).where(AuditEntry.action == "disable_user")) is None


def test_item_materials_and_the_rectification_limit(admin_client):
    client, _, _ = admin_client
    page = client.get("/admin/items").text
    assert '<option value="1.1.5">1.1.5 职工参保登记（企业招用员工）</option>' in page
    token = csrf_of(page)
    r = client.post("/admin/items/materials", data={"csrf": token, "item": "1.1.5", "material": "劳动合同（测试配置）"},
                    follow_redirects=False)
    assert r.status_code == 303
    r = client.post("/admin/items/materials", data={"csrf": token, "item": "1.1.5", "material": "劳动合同（测试配置）"})
    assert r.status_code == 409 and "已要求该材料" in field_errors(r.text)["material"]
    r = client.post("/admin/settings", data={"csrf": token, "working_days": "四十"})
    assert r.status_code == 422 and field_errors(r.text) == {"working_days": "整改时限须为正整数"}
    r = client.post("/admin/settings", data={"csrf": token, "working_days": "10"})
    assert "10 个工作日" in r.text  # followed the redirect


# ---------------------------------------------------------------- in the browser


def _sign_in(page, username: str, password: str, target: str, *, lands_on: str | None = None) -> None:
    page.context.clear_cookies()
    page.goto(f"/login?next={target}")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(re.escape(lands_on or target) + "$"))


def test_browser_supervisor_creates_a_clerk_then_disables_them(page, browser, live_server, live_db_url, screenshot,
                                                                check_accessibility):
    suffix = "-" + uuid.uuid4().hex[:6]
    names = seed(live_db_url, suffix)
    clerk_name = f"yl-win{suffix}"
    _sign_in(page, names["cs-sup"], PASSWORD, "/admin/staff")
    check_accessibility(page, actions=("#create-staff",))
    page.get_by_label("用户名").fill(clerk_name)
    page.get_by_label("姓名").fill("测试窗口人员")
    page.get_by_label("角色").select_option("window")
    page.get_by_label("所属地区").select_option("430104")
    page.get_by_role("button", name="开设账号").click()
    page.wait_for_url(re.compile(r"/admin/staff/\d+\?done=created$"))
    password = page.locator("#one-time-password").inner_text()
    assert page.locator("#account-state").inner_text() == "正常"
    screenshot(page, "admin-account-created-desktop")
    check_accessibility(page, actions=("#disable", "#reset-password"))

    clerk = browser.new_context(base_url=live_server, locale="zh-CN", viewport=PHONE).new_page()
    try:
        # the supervisor knows the one-time password: the clerk must choose their own before anything else
        _sign_in(clerk, clerk_name, password, "/workbench", lands_on="/account/password?next=%2Fworkbench")
        assert "由管理人员设置或重置" in clerk.get_by_role("alert").first.inner_text()
        screenshot(clerk, "account-password-forced-phone")
        check_accessibility(clerk)
        clerk.get_by_label("当前密码").fill(password)
        clerk.get_by_label("新密码", exact=True).fill("Amber-Harbour-Kettle-58")
        clerk.get_by_label("再次输入新密码").fill("Amber-Harbour-Kettle-58")
        clerk.get_by_role("button", name="保存新密码").click()
        clerk.wait_for_url(re.compile(r"/workbench$"))
        assert clerk.get_by_role("heading", level=1).inner_text()
        page.get_by_role("button", name="停用账号").click()
        page.wait_for_url(re.compile(r"\?done=disabled$"))
        assert page.locator("#account-state").inner_text() == "已停用"
        assert "会话已全部结束" in page.get_by_role("status").first.inner_text()
        clerk.goto("/workbench")
        assert "/login" in clerk.url  # the clerk's session stopped working
    finally:
        clerk.context.close()

    page.goto("/admin/items")
    page.locator("#item").select_option("1.1.5")
    page.locator("#material").fill("劳动合同（测试配置）")
    page.get_by_role("button", name="新增材料要求").click()
    page.wait_for_url(re.compile(r"done=material"))
    assert page.get_by_role("row").filter(has_text="1.1.5 职工参保登记").count() == 1

    # a provincial supervisor sees the holiday form; a year chinese-calendar knows is refused beside its field
    # (nothing is stored: the live server shares this process's calendar with the other tests)
    province = f"hn-sup{suffix}"
    with session_scope(connect(live_db_url)) as s:
        auth.create_user(s, province, PASSWORD, "supervisor", region="430000")
    _sign_in(page, province, PASSWORD, "/admin/holidays")
    page.get_by_label("年份").fill("2026")
    page.get_by_label("通知文号").fill("测试通知〔2025〕1号")
    page.get_by_label("通知标题").fill("测试通知")
    page.get_by_label("发文日期").fill("2025-11-01")
    page.get_by_label("放假").fill("春节 2026-02-16 至 2026-02-22")
    page.get_by_role("button", name="保存节假日安排").click()
    assert "不能在此覆盖" in page.locator("#year-error").inner_text()
    assert page.get_by_label("通知文号").input_value() == "测试通知〔2025〕1号"  # what was typed is kept
    screenshot(page, "admin-holidays-error-desktop")
    _sign_in(page, names["cs-sup"], PASSWORD, "/admin")

    for path, name in (("/admin", "index"), ("/admin/staff", "staff"), ("/admin/items", "items"),
                       ("/admin/settings", "settings"),
                       ("/admin/holidays", "holidays")):
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(path)
        check_accessibility(page)
        screenshot(page, f"admin-{name}-desktop")
        page.set_viewport_size(PHONE)
        page.goto(path)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways at 390 px by {overflow} px"
        screenshot(page, f"admin-{name}-390")
