"""The 快办 pages after the session-14 usability walk (/work report C7, C8, C13, C18), on the whole app.

Texts: 人社部发〔2020〕40号 二 (hunan-hrss-2020.txt:5151) for who is paid 失业保险金; 人社部发〔2021〕23号 附件1
(chongqing-hrss-2021.txt:3787–3815) for the 失业 一件事's services: 3789/3815 the photo, 3799 “价格临时补贴(对勾选
“失业保险金申领”人员,如符合条件,自动办理)”, 3809–3813 参保缴费 (no catalogue item stands for them).
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from kuaiban.app import create_app
from kuaiban.services import cases
from kuaiban.services.models import Task
from kuaiban.unemployment import models as m
from kuaiban.unemployment import registration
from tests.unemployment.world import PASSWORD, local_application, make_world
from tests.web.forms import csrf_of, post_login

BUNDLE_FORM = {"证件有效期": "长期", "手机号码": "13800000002", "失业类型(失业原因)": "被企业解除或终止劳动关系",
               "原工作单位": "样例单位甲", "失业时间": "2020-09-01", "户籍地址": "样例路2号", "常住地址": "样例路2号"}
# the form is reached through the item page (s20, audit NEW-9): every item of 失业 kept
EVERY_ITEM_3 = [("choose", "1")] + [("items", i.code or i.name) for i in cases.find_bundle(3).items]


@pytest.fixture
def site(backend_url):
    world = make_world(backend_url)
    with TestClient(create_app(backend_url)) as client:
        yield client, world


def login(client, username: str, next_: str = "/"):
    client.cookies.clear()
    r = post_login(client, username, PASSWORD, next_)
    assert r.status_code == 303, r.text
    return r


def _registered(world) -> None:
    """The citizen's 失业登记, filed at the window and approved (core calls, as the caseworker's pages make them)."""
    from kuaiban.unemployment import decision

    with world.session() as s:
        aaz341 = registration.submit(s, world.window, local_application(0), declaration_signed=True).aaz341
    with world.session() as s:
        decision.decide(s, world.reviewer, aaz341, approve=True, version=1)


def _claim(world, items=("1.8.1",)):
    with world.session() as s:
        case = cases.submit(s, world.citizen, "失业", BUNDLE_FORM, items=list(items))
        task = next(t for t in case.tasks if t.item_code == "1.8.1")
        return case.number, task.id


def test_signing_in_confirms_it_and_shows_my_cases(site):
    client, _ = site
    r = login(client, "citizen")
    assert r.headers["location"] == "/"  # the address stays the home page's
    home = client.get(r.headers["location"]).text
    assert "登录成功" in home and 'href="/services/cases">我的办事</a>' in home  # the nav entry
    assert 'id="mine"' in home and 'href="/unemployment/mine"' in home
    assert "登录成功" not in client.get("/").text  # said once
    assert login(client, "citizen", "/services").headers["location"] == "/services"  # a chosen page is kept


def test_the_form_offers_only_what_does_something_and_asks_the_reason_from_the_registration_list(site):
    client, _ = site
    login(client, "citizen")
    page = client.get("/services/bundles/3/apply", params=EVERY_ITEM_3).text
    for idle in ("参保缴费", "灵活就业参保缴费", "城乡居民养老保险参保缴费"):
        assert f'name="service:{idle}"' not in page  # no box that generates no item
    assert "服务目录中没有与之对应的办理事项，本系统不能办理" in page
    for field in ("参保险种", "缴费档次"):  # their inputs (灵活就业参保缴费 only) are not asked either
        assert f'name="field:{field}"' not in page
    # the photo is no typed value: handed in on site
    assert 'name="field:2寸免冠彩色照片(或电子照片)"' not in page and "现场提交" in page
    # 失业原因: the 失业登记 form's AJC093 list
    select_html = re.search(r'<select[^>]*name="field:失业类型\(失业原因\)".*?</select>', page, re.S).group(0)
    assert "<option>被企业解除或终止劳动关系</option>" in select_html and "<option>其他</option>" in select_html
    # 价格临时补贴 is automatic for whoever ticks 失业保险金申领 (23号 附件1, chongqing-hrss-2021.txt:3799): said there
    # (s20: the form is reached through the item page, so the service is decided there and 代缴 with it)
    explained = re.search(r'办理本项即同时办理：[^<]*', page).group(0)
    assert "价格临时补贴（如符合条件，自动办理，无需另行勾选）" in explained
    assert "代缴失业人员医疗保险费（已在上一步选择）" in explained


def test_someone_with_a_pending_registration_is_told_so_and_no_second_one_is_filed(site):
    client, world = site
    with world.session() as s:
        reg = registration.submit(s, world.window, local_application(0), declaration_signed=True)
        aaz341 = reg.aaz341
    login(client, "citizen")
    page = client.get("/services/bundles/3/apply", params=EVERY_ITEM_3).text
    assert f"您已有失业登记（待审核，编号 {aaz341}）" in page
    assert 'name="service:失业登记"' not in page and 'name="declaration_signed"' not in page
    data = {"csrf": csrf_of(page), "services_shown": "1", "service:失业登记": "1", "service:失业保险金申领": "1",
            **{f"field:{k}": v for k, v in BUNDLE_FORM.items()}}
    r = client.post("/services/bundles/3/apply", data=data, follow_redirects=False)
    assert r.status_code == 303, r.text
    with world.session() as s:
        assert s.scalar(select(func.count()).select_from(m.Registration)) == 1
        codes = {t.item_code for t in s.scalars(select(Task))}
    assert "2.4.1" not in codes and "1.8.1" in codes


def test_closing_1_8_1_asks_the_result_and_the_citizen_reads_it_beside_the_registration(site):
    client, world = site
    number, task_id = _claim(world)
    with world.session() as s:
        cases.act(s, world.window, task_id, "accept")
    login(client, "window")
    waiting = client.get(f"/workbench/tasks/{task_id}").text
    assert "已转后台审核" in waiting and "无可办理的操作" not in waiting  # C18: what happens next
    assert "未指定" not in waiting and "公共就业人才服务机构或社保经办机构" in waiting
    with world.session() as s:
        cases.act(s, world.reviewer, task_id, "review")
    login(client, "reviewer")
    page = client.get(f"/workbench/tasks/{task_id}").text
    assert 'id="outcome-form"' in page and "人社部发〔2020〕40号 二" in page
    assert "未查到本人的失业登记" in page  # 40号 二 needs “已办理失业登记”: the reviewer sees there is none
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    form = {"csrf": csrf_of(page), "action": "complete", "version": version, "outcome.decision": "核定"}
    refused = client.post(f"/workbench/tasks/{task_id}", data=form)
    assert refused.status_code == 422
    assert "请填写核定的每月金额" in refused.text and "请填写核定的领取月数" in refused.text
    figures = form | {"outcome.monthly_amount": "1530", "outcome.months": "6"}
    no_registration = client.post(f"/workbench/tasks/{task_id}", data=figures)
    assert no_registration.status_code == 422 and "核定失业保险金须已办理失业登记" in no_registration.text
    _registered(world)  # 40号 二: “已办理失业登记” before a 核定
    done = client.post(f"/workbench/tasks/{task_id}", data=form | {"outcome.monthly_amount": "1530",
                                                                   "outcome.months": "6"}, follow_redirects=False)
    assert done.status_code == 303, done.text
    login(client, "citizen")
    case_page = client.get(f"/services/cases/{number}").text
    assert "办理结果：核定失业保险金每月1530.00元，共6个月" in case_page
    assert 'id="registration-status">' in case_page and "未查到您的失业登记" not in case_page
    assert "未指定" not in case_page


def test_guide_1_8_1_prints_the_conditions_with_their_text_and_a_cascaded_region_picker(site):
    client, _ = site
    page = client.get("/services/guides/1.8.1", params={"province": "430000", "city": "430100"}).text
    assert "参保缴费满1年、非因本人意愿中断就业、已办理失业登记并有求职要求" in page and "人社部发〔2020〕40号" in page
    assert "文件未载明具体受理条件" not in page
    selects = dict(re.findall(r'<select id="(\w+)" name="\w+"[^>]*>(.*?)</select>', page, re.S))
    assert set(selects) >= {"province", "city", "county"}
    assert selects["province"].count("<option") < 40  # provinces only, not ~400 cities in one list
    assert 'value="430100" selected' in selects["city"] and "芙蓉区" in selects["county"]
    assert "湖南省长沙市" in page  # the materials part names the region chosen


def test_registering_confirms_it_on_the_home_page(app_client):
    from tests.web.test_signup_pages import form, register

    r = register(app_client, form(next="/"))
    assert r.status_code == 303 and r.headers["location"] == "/"
    home = app_client.get(r.headers["location"]).text
    assert "注册成功，已为您登录" in home and 'href="/services/cases"' in home
