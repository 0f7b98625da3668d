"""The 经办工作台 for whole cases: the queue filtered by applicant, item, state and overdue, each row naming
the applicant (the ID number masked); one page per case to 受理 / 审核 / 办结 every ready task at once with
exceptions; 补正 needs its reason; 退回 and 转办 with reasons (TestClient on SQLite and PostgreSQL), then
in headless Chromium at desktop and phone sizes (test-output/workbench-case-*.png)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient

from kuaiban.db import connect, session_scope
from kuaiban.services import cases

from .forms import csrf_of
from .test_service_pages import FORM, browser_sign_in, login, page_app, seed_region, user
from .test_workbench_pages import post_action, submitted, task_ids


@pytest.fixture
def desk(backend_url, tmp_path, monkeypatch):
    monkeypatch.setenv("KUAIBAN_VAR", str(tmp_path / "var"))
    region = seed_region(backend_url)
    return TestClient(page_app(backend_url)), backend_url, region


MASKED = FORM["证件号码"][:6] + "********" + FORM["证件号码"][-4:]


def _case_post(client, number: str, action: str, excepted=()):
    page = client.get(f"/workbench/cases/{number}").text
    return client.post(f"/workbench/cases/{number}", data={"csrf": csrf_of(page), "action": action,
                                                            "except": [str(e) for e in excepted]},
                       follow_redirects=False)


def test_the_queue_names_the_applicant_masked_and_filters(desk):
    client, url, region = desk
    number = submitted(url, region, items=("1.1.5", "4.1.1"))
    late = submitted(url, region, items=("2.4.3",), at=dt.datetime(2021, 3, 1, 9))
    login(client, region.window)
    html = client.get("/workbench").text
    assert f"{region.company} · 测试甲（{MASKED}）" in html and FORM["证件号码"] not in html
    only = client.get("/workbench", params={"item": "4.1.1"}).text.split('id="queue"')[1].split('id="overdue"')[0]
    assert "劳动用工备案" in only and "职工参保登记" not in only
    assert number not in client.get("/workbench", params={"q": "别人"}).text.split('id="queue"')[1].split('id="overdue"')[0]
    assert number in client.get("/workbench", params={"q": "测试甲"}).text
    overdue = client.get("/workbench", params={"overdue": "1"}).text.split('id="queue"')[1].split('id="overdue"')[0]
    assert late in overdue and number not in overdue
    assert "待补正" in client.get("/workbench", params={"state": "待补正"}).text


def test_a_whole_case_in_one_action_with_an_exception(desk):
    client, url, region = desk
    number = submitted(url, region, items=("1.1.5", "4.1.1", "2.4.3"))
    ids = task_ids(url, region, number)
    login(client, region.window)
    page = client.get(f"/workbench/cases/{number}").text
    assert "整件受理（3 个事项）" in page and "例外（单独办理）" in page
    r = _case_post(client, number, "accept", excepted=[ids["4.1.1"]])
    assert r.status_code == 303 and r.headers["location"] == f"/workbench/cases/{number}?done=case_accept"
    after = client.get(r.headers["location"]).text
    assert "已整件受理。" in after and "整件受理（1 个事项）" in after
    trail = after.split('id="trail"')[1]
    assert "职工参保登记</strong>：待受理 → 已受理" in trail and "劳动用工备案</strong>：待受理" not in trail
    login(client, region.reviewer)
    assert _case_post(client, number, "review").status_code == 303
    assert _case_post(client, number, "complete").status_code == 303
    with session_scope(connect(url)) as s:
        states = {t.item_code: t.state for t in cases.get_case(s, user(url, region.supervisor), number).tasks}
    assert states == {"1.1.5": "已办结", "4.1.1": "待受理", "2.4.3": "已办结"}


def test_a_correction_needs_its_reason_and_shows_every_problem_at_once(desk):
    client, url, region = desk
    task = task_ids(url, region, submitted(url, region))["1.1.5"]
    login(client, region.window)
    r = post_action(client, task, "correct", missing_other="申请书（测试）", correction_due="明天")
    assert r.status_code == 422
    assert "请填写补正原因（申请人将看到）" in r.text and "请选择有效的日期" in r.text
    assert 'aria-describedby="correct-reason-error"' in r.text and 'aria-describedby="correction_due-error"' in r.text
    tomorrow = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    ok = post_action(client, task, "correct", missing_other="申请书（测试）", reason="须本人签字（测试）",
                     correction_due=tomorrow)
    assert ok.status_code == 303
    html = client.get(ok.headers["location"]).text
    assert f"补正期限：{tomorrow}" in html and "须本人签字（测试）" in html


def test_send_back_and_transfer_with_reasons(desk):
    client, url, region = desk
    ids = task_ids(url, region, submitted(url, region))
    login(client, region.window)
    r = post_action(client, ids["4.1.1"], "transfer", agency="", reason="")
    assert r.status_code == 422 and "请填写转办的承办机构" in r.text and "转办须说明理由" in r.text
    assert post_action(client, ids["4.1.1"], "transfer", agency="劳动监察（测试）", reason="属用工备案（测试）"
                       ).status_code == 303
    assert post_action(client, ids["1.1.5"], "accept").status_code == 303
    login(client, region.reviewer)
    r = post_action(client, ids["1.1.5"], "send_back", reason="")
    assert r.status_code == 422 and 'id="send_back-reason-error"' in r.text
    r = post_action(client, ids["1.1.5"], "send_back", reason="材料与表单不一致（测试）")
    assert r.status_code == 303
    page = client.get(r.headers["location"]).text
    assert "待受理" in page and "材料与表单不一致（测试）" in page and "退回窗口" in page


def test_browser_the_window_accepts_a_whole_case_on_a_phone(page, live_db_url, screenshot, check_accessibility):
    region = seed_region(live_db_url)
    number = submitted(live_db_url, region, items=("1.1.5", "4.1.1", "2.4.3"))
    browser_sign_in(page, region.window, "/workbench")
    page.get_by_label("办事人、申请表中的姓名或办件编号").fill(number)
    page.get_by_role("button", name="筛选").click()
    check_accessibility(page, actions=["#f-q", "table.queue a"])
    screenshot(page, "workbench-queue-filtered")
    page.get_by_role("link", name=number).first.click()
    page.get_by_role("heading", level=1, name=re.compile(number)).wait_for()
    page.get_by_label(re.compile("^4.1.1 劳动用工备案")).check()
    check_accessibility(page, actions=["#do-case-accept"])
    page.get_by_role("button", name="整件受理（3 个事项）").click()
    page.get_by_role("status").filter(has_text="已整件受理").wait_for()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/workbench")
    widths = page.eval_on_selector_all("table.queue td", "tds => tds.map(td => td.getBoundingClientRect().width)")
    assert widths and min(widths) > 100  # rows become cards: no cell one character wide
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "workbench-queue-phone")
    page.goto(f"/workbench/cases/{number}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # long 办件编号 and the trail fit
    screenshot(page, "workbench-case-phone")


def test_a_supply_with_one_wrong_file_keeps_the_right_one(desk):
    from .test_service_pages import CERTIFICATE, SHARED

    client, url, region = desk
    number = submitted(url, region, items=("1.1.5",))  # both materials missing
    task = task_ids(url, region, number)["1.1.5"]
    with session_scope(connect(url)) as s:
        cases.act(s, user(url, region.window), task, "correct", reason="材料未提交（测试）")
    login(client, region.applicant)
    html = client.get(f"/services/cases/{number}").text
    assert "补正原因：材料未提交（测试）" in html
    r = client.post(f"/services/cases/{number}/supply", data={"csrf": csrf_of(html)},
                    files={f"file:{SHARED}": ("c.pdf", b"%PDF-1.4 contract", "application/pdf"),
                           f"file:{CERTIFICATE}": ("virus.exe", b"MZ\x90\x00 not a document", "application/pdf")})
    assert r.status_code == 422 and f"已保存：{SHARED}" in r.text and "文件格式不符" in r.text
    assert f'name="file:{SHARED}"' not in r.text and f'name="file:{CERTIFICATE}"' in r.text  # only what is left
    with session_scope(connect(url)) as s:
        case = cases.get_case(s, user(url, region.applicant), number)
        assert {m.name: m.status for m in case.materials}[SHARED] == "已提交" and case.tasks[0].state == "待补正"
    page = client.get(f"/services/cases/{number}").text
    r = client.post(f"/services/cases/{number}/supply", data={"csrf": csrf_of(page)},
                    files={f"file:{CERTIFICATE}": ("w.pdf", b"%PDF-1.4 wage", "application/pdf")},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].endswith("?done=supplied")
