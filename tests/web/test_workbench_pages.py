"""经办工作台 pages: queues by role, overdue tasks marked in text, the task page's actions with the
version in a hidden field (a stale form gets the Chinese conflict message), one 补正 notice listing every
missing material, the audit trail, commitment verification and 差评整改 — through the handlers on SQLite and
PostgreSQL, then in headless Chromium (a correction and a bad rating opening a rectification the supervisor sees).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from kuaiban.db import connect, session_scope
from kuaiban.platform import regions
from kuaiban.platform.models import User
from kuaiban.services import cases, ratings
from tests.materials import uploaded

from .test_service_pages import (
    CERTIFICATE,
    FORM,
    SHARED,
    browser_sign_in,
    csrf_of,
    login,
    page_app,
    seed_region,
    user,
)


@pytest.fixture
def desk(backend_url, tmp_path, monkeypatch):
    monkeypatch.setenv("KUAIBAN_VAR", str(tmp_path / "var"))
    url = backend_url  # a fresh SQLite file, then a fresh PostgreSQL database
    region = seed_region(url)
    return TestClient(page_app(url)), url, region


def submitted(url, region, items=("1.1.5", "4.1.1"), at=None, **kw) -> str:
    with session_scope(connect(url)) as s:
        who = user(url, region.applicant)
        if "materials" in kw:  # each named file uploaded by the applicant first
            kw["materials"] = uploaded(s, who, kw["materials"])
        return cases.submit(s, who, "1", FORM, items=list(items), at=at, **kw).number


def task_ids(url, region, number) -> dict[str, int]:
    with session_scope(connect(url)) as s:
        return {t.item_code: t.id for t in cases.get_case(s, user(url, region.supervisor), number).tasks}


def post_action(client, task_id, action, **fields):
    page = client.get(f"/workbench/tasks/{task_id}").text
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    data = {"csrf": csrf_of(page), "action": action, "version": version, **fields}
    return client.post(f"/workbench/tasks/{task_id}", data=data, follow_redirects=False)


# ---------------------------------------------------------------- who sees what


def test_only_staff_enter_and_a_visitor_is_sent_to_login(desk):
    client, _, region = desk
    r = client.get("/workbench", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")
    login(client, region.applicant)
    r = client.get("/workbench")
    assert r.status_code == 403 and "仅供窗口人员、后台审核人员和监督人员使用" in r.text


def test_queues_follow_the_role(desk):
    client, url, region = desk
    number = submitted(url, region)
    login(client, region.window)
    html = client.get("/workbench").text
    assert "待受理与待补正（2）" in html and number in html
    login(client, region.reviewer)
    assert "待审核与待办结（0）" in client.get("/workbench").text
    login(client, region.window)
    assert post_action(client, task_ids(url, region, number)["1.1.5"], "accept").status_code == 303
    assert "待受理与待补正（1）" in client.get("/workbench").text
    login(client, region.reviewer)
    html = client.get("/workbench").text
    assert "待审核与待办结（1）" in html and "职工参保登记" in html
    login(client, region.supervisor)
    assert "本地区在办事项（2）" in client.get("/workbench").text


def test_the_supervisor_sees_tasks_nobody_on_duty_serves_marked_unassigned_with_the_region(desk):
    client, url, region = desk
    number = submitted(url, region, items=["2.4.3"])
    login(client, region.supervisor)
    html = client.get("/workbench").text
    assert number in html and regions.label(region.name) in html and "未分派" not in html
    with session_scope(connect(url)) as s:  # the window clerk leaves: nobody can 受理 the task
        s.scalar(select(User).where(User.username == region.window)).active = False
    html = client.get("/workbench").text
    assert re.search(rf"{number}.*?未分派", html, re.S)


def test_another_regions_staff_see_nothing_of_it(desk):
    client, url, region = desk
    number = submitted(url, region)
    other = seed_region(url)
    login(client, other.window)
    assert number not in client.get("/workbench").text
    r = client.get(f"/workbench/tasks/{task_ids(url, region, number)['1.1.5']}")
    assert r.status_code == 403 and "无权查看办件" in r.text


def test_an_overdue_task_carries_the_text_badge_and_is_listed_as_overdue(desk):
    client, url, region = desk
    submitted(url, region, items=["2.4.3"], at=dt.datetime(2021, 3, 1, 9))  # due 2021-03-04 (3 working days)
    submitted(url, region, items=["2.4.2"])  # 5 working days from now: not late
    login(client, region.window)
    html = client.get("/workbench").text
    assert "已超期（1）" in html
    late_rows = re.findall(r'<tr class="overdue">.*?</tr>', html, re.S)
    assert late_rows and all("已超期" in r and "2021年3月4日 23:59" in r for r in late_rows)
    assert html.count('<tr class="overdue">') == 2  # in the queue and in the overdue list


# ---------------------------------------------------------------- the task page


def test_accepting_redirects_to_the_task_with_its_new_state_and_audit_trail(desk):
    client, url, region = desk
    task = task_ids(url, region, submitted(url, region))["1.1.5"]
    login(client, region.window)
    r = post_action(client, task, "accept")
    assert r.status_code == 303 and r.headers["location"] == f"/workbench/tasks/{task}?done=accept"
    html = client.get(r.headers["location"]).text
    assert "已受理。" in html and '<strong class="state">已受理</strong>' in html and "版本" not in html
    trail = html.split('id="trail"')[1]
    assert "提交申请" in trail and "受理" in trail and "待受理 → 已受理" in trail and f"{region.window}（窗口人员）" in trail


def test_refusing_needs_a_reason_in_chinese(desk):
    client, url, region = desk
    task = task_ids(url, region, submitted(url, region))["1.1.5"]
    login(client, region.window)
    r = post_action(client, task, "refuse")
    assert r.status_code == 422 and "不予受理须说明理由" in r.text and 'aria-describedby="refuse-reason-error"' in r.text
    assert post_action(client, task, "refuse", reason="不属于本机构受理范围（测试）").status_code == 303


def test_a_stale_form_shows_the_conflict_message_and_the_current_state(desk):
    client, url, region = desk
    task = task_ids(url, region, submitted(url, region))["1.1.5"]
    login(client, region.window)
    stale = client.get(f"/workbench/tasks/{task}").text
    assert post_action(client, task, "accept").status_code == 303  # a colleague was quicker
    r = client.post(f"/workbench/tasks/{task}", data={"csrf": csrf_of(stale), "action": "refuse", "version": "1",
                                                      "reason": "重复申请（测试）"})
    assert r.status_code == 409
    assert "该事项已被他人处理（当前状态：已受理），您看到的是此前的状态，请刷新后重试" in r.text
    assert '<strong class="state">已受理</strong>' in r.text and "版本" not in r.text


def test_one_correction_notice_lists_every_missing_material(desk):
    client, url, region = desk
    number = submitted(url, region, materials={SHARED: "contract.pdf"})
    task = task_ids(url, region, number)["1.1.5"]
    login(client, region.window)
    r = post_action(client, task, "correct", missing=[SHARED], missing_other="营业执照副本（测试）\n",
                    reason="合同须加盖公章（测试）")
    assert r.status_code == 303
    with session_scope(connect(url)) as s:
        (t,) = [t for t in cases.get_case(s, user(url, region.window), number).tasks if t.id == task]
        assert t.state == "待补正" and t.correction_notice == [CERTIFICATE, SHARED, "营业执照副本（测试）"]
    html = client.get(r.headers["location"]).text
    assert f"补正材料：{CERTIFICATE}、{SHARED}、营业执照副本（测试）" in html


def test_the_reviewer_reviews_then_completes(desk):
    client, url, region = desk
    task = task_ids(url, region, submitted(url, region, items=["4.1.1"]))["4.1.1"]
    login(client, region.window)
    post_action(client, task, "accept")
    login(client, region.reviewer)
    assert 'id="do-review"' in client.get(f"/workbench/tasks/{task}").text
    assert post_action(client, task, "review").status_code == 303
    assert 'id="do-complete"' in client.get(f"/workbench/tasks/{task}").text
    assert post_action(client, task, "complete").status_code == 303
    assert "已办结</strong>" in client.get(f"/workbench/tasks/{task}").text


def test_a_workbench_form_without_the_session_token_is_refused(desk):
    client, url, region = desk
    task = task_ids(url, region, submitted(url, region))["1.1.5"]
    login(client, region.window)
    r = client.post(f"/workbench/tasks/{task}", data={"action": "accept", "version": "1"})
    assert r.status_code == 403 and "安全校验未通过" in r.text
    with session_scope(connect(url)) as s:
        assert s.get(cases.Task, task).state == "待受理"


# ---------------------------------------------------------------- commitments and rectifications


def test_a_commitment_is_verified_on_its_page(desk):
    client, url, region = desk
    number = submitted(url, region, items=["1.1.5"], commit_instead=[CERTIFICATE])
    login(client, region.reviewer)
    queue = client.get("/workbench").text
    link = re.search(r'href="(/workbench/commitments/\d+)"', queue).group(1)
    html = client.get(link).text
    assert "以本承诺代替该证明材料" in html and "人社厅发〔2020〕110号" in html and number in html
    r = client.post(link, data={"csrf": csrf_of(html), "truthful": "no"})
    assert r.status_code == 422 and "核查不实须说明情况" in r.text
    r = client.post(link, data={"csrf": csrf_of(html), "truthful": "yes", "note": "与档案一致（测试）"},
                    follow_redirects=False)
    assert r.status_code == 303
    assert "核查属实" in client.get(r.headers["location"]).text
    r = client.post(link, data={"csrf": csrf_of(html), "truthful": "yes"})
    assert r.status_code == 409 and "该承诺已核查" in r.text


def test_a_bad_rating_opens_a_rectification_the_supervisor_advances(desk):
    client, url, region = desk
    number = submitted(url, region, items=["4.1.1"])
    with session_scope(connect(url)) as s:
        (t,) = cases.get_case(s, user(url, region.window), number).tasks
        cases.act(s, user(url, region.window), t.id, "accept")
        cases.act(s, user(url, region.reviewer), t.id, "review")
        cases.act(s, user(url, region.reviewer), t.id, "complete")
        ratings.rate(s, user(url, region.applicant), number, 1, "等待太久（测试）")
    login(client, region.supervisor)
    queue = client.get("/workbench").text
    assert "差评整改（1）" in queue and "非常不满意：等待太久（测试）" in queue
    link = re.search(r'href="(/workbench/rectifications/\d+)"', queue).group(1)
    html = client.get(link).text
    assert "待核实" in html and 'for="note">核实情况' in html
    r = client.post(link, data={"csrf": csrf_of(html), "note": "", "version": "1"})
    assert r.status_code == 422 and "须填写核实、整改或反馈情况" in r.text
    r = client.post(link, data={"csrf": csrf_of(html), "note": "情况属实（测试）", "version": "1"},
                    follow_redirects=False)
    assert r.status_code == 303 and "待整改" in client.get(r.headers["location"]).text
    r = client.post(link, data={"csrf": csrf_of(html), "note": "再次核实（测试）", "version": "1"})
    assert r.status_code == 409 and "已被他人处理" in r.text
    login(client, region.window)
    assert client.get(link).status_code == 403


# ---------------------------------------------------------------- in the browser


def test_browser_correction_request_and_a_bad_rating_reach_the_supervisor(page, live_db_url, screenshot,
                                                                         check_accessibility, tmp_path):
    """The window clerk asks for a correction (one notice), the applicant supplies the material by
    upload, the task goes through, the applicant rates 不满意 and the supervisor sees the rectification."""
    region = seed_region(live_db_url)
    number = submitted(live_db_url, region, items=["1.1.5"], materials={SHARED: "contract.pdf"})
    submitted(live_db_url, region, items=["2.4.3"], at=dt.datetime(2021, 3, 1, 9))  # long overdue
    wage = tmp_path / "工资审批手续.pdf"
    wage.write_bytes(b"%PDF-1.4 synthetic wage records")

    def sign_in(username: str) -> None:
        browser_sign_in(page, username, "/workbench")

    sign_in(region.window)
    page.get_by_role("heading", level=1, name="经办工作台").wait_for()
    late = page.locator("table.queue").first.locator("tr.overdue")
    assert late.count() == 1 and "已超期" in late.inner_text()  # said in words, not by colour only
    check_accessibility(page, actions=["table.queue a"])
    screenshot(page, "workbench-queue")
    page.locator("table.queue").first.get_by_role("link", name=re.compile("职工参保登记")).click()
    check_accessibility(page, actions=["#do-accept", "#missing_other", "#correct-reason", "#do-correct",
                                       "#refuse-reason"])
    screenshot(page, "workbench-task")
    page.get_by_role("button", name="不予受理").click()  # without a reason: refused next to the field
    assert page.locator("#refuse-reason-error").inner_text() == "不予受理须说明理由"
    page.get_by_label("其他需补正的材料").fill("加盖公章的申请书（测试）")
    page.get_by_label("补正原因").fill("申请书须加盖公章（测试）")
    page.get_by_role("button", name="发出补正通知").click()
    page.get_by_role("status").filter(has_text="补正通知已发出").wait_for()
    assert f"{CERTIFICATE}、加盖公章的申请书（测试）" in page.locator("dl.facts").inner_text()

    sign_in(region.applicant)
    page.goto(f"/services/cases/{number}")
    assert page.get_by_role("heading", name="职工参保登记：请补正以下材料").is_visible()
    page.get_by_label(f"上传“{CERTIFICATE}”").set_input_files(str(wage))
    # the material the clerk added to the notice is asked for online like the case's own
    page.get_by_label("上传“加盖公章的申请书（测试）”").set_input_files(str(wage))
    check_accessibility(page)
    screenshot(page, "services-case-correction")
    page.get_by_role("button", name="提交补正材料").click()
    page.get_by_role("status").filter(has_text="补正材料已提交").wait_for()

    sign_in(region.window)
    page.goto("/workbench")
    page.locator("table.queue").first.get_by_role("link", name=re.compile("职工参保登记")).click()
    stale_version = page.locator("input[name=version]").first.get_attribute("value")
    page.get_by_role("button", name="受理", exact=True).click()
    page.get_by_role("status").filter(has_text="已受理").wait_for()
    sign_in(region.reviewer)
    page.goto("/workbench")
    page.locator("table.queue").first.get_by_role("link").first.click()
    page.get_by_role("button", name="审核通过").click()
    page.get_by_role("button", name="办结", exact=True).click()
    page.get_by_role("status").filter(has_text="已办结").wait_for()
    assert stale_version == "3"  # 1 submitted, 2 after 补正, 3 back to 待受理

    sign_in(region.applicant)
    page.goto(f"/services/cases/{number}")
    page.get_by_label("不满意", exact=True).check()
    page.get_by_label("评价内容").fill("补正来回两次（测试）")
    page.get_by_role("button", name="提交评价").click()
    page.get_by_role("status").filter(has_text="感谢您的评价").wait_for()

    sign_in(region.supervisor)
    page.goto("/workbench")
    assert "差评整改（1）" in page.locator("#rectifications").inner_text()
    check_accessibility(page, actions=["a[href^='/workbench/rectifications/']"])
    screenshot(page, "workbench-supervisor")
    page.get_by_role("link", name=re.compile("^整改 ")).click()
    page.get_by_label("核实情况").fill("情况属实，已约谈窗口（测试）")
    check_accessibility(page, actions=["#note", "#do-advance"])
    screenshot(page, "workbench-rectification")
    page.get_by_role("button", name="记录核实情况").click()
    page.get_by_role("status").filter(has_text="整改进度已记录").wait_for()
    assert "待整改" in page.locator("dl.facts").inner_text()
