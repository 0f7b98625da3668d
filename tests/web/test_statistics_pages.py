"""统计 page: supervisors only (signed in by the HttpOnly cookie), service statistics as SVG charts
with the numbers in tables, and the national-interface sync section."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest

from kuaiban.db import connect, session_scope
from kuaiban.platform import auth, regions
from kuaiban.services import cases, ratings, stats
from kuaiban.web.session import COOKIE
from tests.materials import uploaded
from tests.web.forms import post_login, post_logout

from .test_service_pages import fresh_county

PASSWORD = "synthetic-pass-42"
# 企业招用员工's basic information (人社部发〔2021〕23号 附件1), made-up values
FORM = {"姓名": "测试丙", "性别": "男", "证件类型": "居民身份证", "证件号码": "11010119900101901X",
        "证件有效期": "2030-01-01", "手机号码": "13800000000"}
SHARED = "劳动合同（测试配置）"
CERTIFICATE = "工资关系或工资审批手续复印件"  # 告知承诺制 list entry for 职工参保登记 (人社厅发〔2020〕110号 附件1)
SEPT_30 = dt.datetime(2020, 9, 30, 10, 0)


@pytest.fixture
def region_staff(live_db_url) -> dict:
    """A made-up region with its staff and one applicant, two finished cases, two ratings."""
    tag = uuid.uuid4().hex[:6]
    region = fresh_county()
    engine = connect(live_db_url)
    names = {role: f"{role}-{tag}" for role in ("supervisor", "window", "reviewer", "citizen")}
    with session_scope(engine) as s:
        applicant = auth.create_applicant(s, "enterprise", f"测试企业{tag}", region=region)
        users = {role: auth.create_user(s, names[role], PASSWORD, "applicant" if role == "citizen" else role,
                                        region=region, applicant=applicant if role == "citizen" else None)
                 for role in names}
        sup = users["supervisor"]
        cases.require_material(s, region, "1.1.5", CERTIFICATE, basis="人社厅发〔2020〕110号 附件1", actor=sup)
        cases.adopt_commitment(s, region, 3, basis="本地区告知承诺制清单（测试配置）", actor=sup)  # 部本级 list: adopted
        cases.require_material(s, region, "1.1.5", SHARED, basis="测试配置", actor=sup)
        cases.require_material(s, region, "4.1.1", SHARED, basis="测试配置", actor=sup)
        a = cases.submit(s, users["citizen"], "企业招用员工", FORM, items=["1.1.5", "4.1.1", "2.4.3"],
                         materials=uploaded(s, users["citizen"], {SHARED: "c.pdf"}), commit_instead=[CERTIFICATE], at=SEPT_30).number
        b = cases.submit(s, users["citizen"], "企业招用员工", FORM, items=["2.4.3"], at=SEPT_30).number
    for number, done in ((a, dt.datetime(2020, 10, 9, 15)), (b, dt.datetime(2020, 10, 12, 15))):
        with session_scope(engine) as s:
            task_ids = [t.id for t in cases.get_case(s, users["citizen"], number).tasks]
        for task_id in task_ids:
            for step, who in (("accept", "window"), ("review", "reviewer"), ("complete", "reviewer")):
                with session_scope(engine) as s:
                    cases.act(s, s.merge(users[who]), task_id, step, at=done)
    with session_scope(engine) as s:
        ratings.rate(s, s.merge(users["citizen"]), a, 5)
        ratings.rate(s, s.merge(users["citizen"]), b, 2)
        summary = stats.summary(s, s.merge(users["supervisor"]))
    return {"region": region, "names": names, "summary": summary}


def login(client, username: str) -> None:
    r = post_login(client, username, PASSWORD, "/statistics")
    assert r.status_code == 303 and r.headers["location"] == "/statistics"
    assert "httponly" in r.headers["set-cookie"].lower() and COOKIE in r.headers["set-cookie"]


def test_visitors_are_sent_to_login_and_other_roles_are_refused(app_client, region_staff):
    app_client.cookies.clear()
    r = app_client.get("/statistics", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=%2Fstatistics"
    login(app_client, region_staff["names"]["window"])
    r = app_client.get("/statistics")
    assert r.status_code == 403 and "需要监督人员身份" in r.text
    post_logout(app_client)
    app_client.cookies.clear()


def test_a_wrong_password_is_named_at_the_password_field(app_client, region_staff):
    r = post_login(app_client, region_staff["names"]["supervisor"], "nope")
    assert r.status_code == 401 and 'id="password-error"' in r.text and "用户名或密码错误" in r.text
    r = post_login(app_client, "", "")
    assert r.status_code == 422 and "请填写用户名" in r.text
    r = app_client.get("/login", params={"next": "https://elsewhere.example/"})
    assert 'name="next" value="/"' in r.text  # never sends the visitor off the site


def test_supervisor_sees_their_regions_figures_as_charts_and_tables(app_client, region_staff):
    login(app_client, region_staff["names"]["supervisor"])
    page = app_client.get("/statistics").text
    s = region_staff["summary"]
    assert f"统计：{regions.label(region_staff['region'])}" in page  # 北京市东城区（110101）
    assert f'<dd id="bundles-submitted">{s["bundles"]["submitted"]}</dd>' in page
    assert f'<dd id="items-completed">{s["items"]["completed"]}</dd>' in page
    assert f'<strong id="materials-avoided">{s["materials"]["avoided"]}</strong>' in page
    assert f'<strong id="good-rate">{round(s["ratings"]["good_rate"] * 100)}%</strong>' in page
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart"') == 5
    assert len(re.findall(r'role="img" aria-labelledby="chart\d+-t chart\d+-d"', page)) == 5
    (row,) = [t for t in s["times"] if t["code"] == "2.4.3"]
    assert row["name"] in page
    assert f"{row['statutory']['average']} 个工作日" in page
    assert "全国失业登记接口同步" in page
    assert f'<dd id="unassigned-tasks">{s["unassigned"]["tasks"]}</dd>' in page  # all finished: 0
    (by_region,) = s["by_region"]
    assert (by_region["region"], by_region["submitted"]) == (region_staff["region"], s["bundles"]["submitted"])
    assert f'<th scope="row">{regions.label(region_staff["region"])}</th>' in page
    post_logout(app_client)
    app_client.cookies.clear()


def test_logout_revokes_the_token(app_client, region_staff):
    login(app_client, region_staff["names"]["supervisor"])
    token = app_client.cookies.get(COOKIE)
    post_logout(app_client)
    app_client.cookies.clear()
    app_client.cookies.set(COOKIE, token)
    assert app_client.get("/statistics", follow_redirects=False).status_code == 303
    app_client.cookies.clear()


def test_browser_supervisor_logs_in_and_reads_the_charts(page, region_staff, screenshot, check_accessibility):
    page.goto("/statistics")
    page.wait_for_url("**/login?next=%2Fstatistics")
    check_accessibility(page, ["#username", "#password", "main button[type=submit]"])
    page.get_by_label("用户名").fill(region_staff["names"]["supervisor"])
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_label("密码").press("Enter")  # the keyboard alone signs in
    page.wait_for_url("**/statistics")
    assert region_staff["region"] in page.locator("h1").inner_text()
    charts = page.locator("svg.chart")
    assert charts.count() == 5
    assert all(box["height"] > 50 for box in (charts.nth(i).bounding_box() for i in range(charts.count())))
    assert page.locator("svg.chart rect").count() > 10
    assert page.locator("#sync").inner_text().strip() != ""
    screenshot(page, "statistics")
    check_accessibility(page)
    page.get_by_role("button", name="退出").click()
    page.wait_for_url(re.compile(r"/$"))
    assert page.get_by_role("link", name="登录").count() == 1
