"""消息中心 through HTTP: the JSON API (token auth) and the pages (cookie, CSRF) — unread count in every
page's nav, the list newest first with unread marked, opening a message marks it read and leads to its
case, "全部标为已读" — on SQLite and PostgreSQL; then the page in headless Chromium at desktop and phone width.

Everyone is synthetic (测试…); each test seeds its own region and accounts.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from kuaiban.app import create_app
from kuaiban.db import connect, session_scope
from kuaiban.platform import auth, notifications
from kuaiban.platform.models import User
from kuaiban.services import cases
from tests.web.forms import post_login

PASSWORD = "synthetic-pass-42"
FORM = {"姓名": "测试甲", "性别": "女", "证件类型": "居民身份证", "证件号码": "110101199001019028",
        "证件有效期": "2030-01-01", "手机号码": "13800000000"}


def seed(url: str) -> tuple[str, str, str]:
    """A company account and a window clerk of a new region, and one case the company submitted."""
    tag = uuid.uuid4().hex[:6]
    company, clerk = f"corp-{tag}", f"window-{tag}"
    with session_scope(connect(url)) as s:
        applicant = auth.create_applicant(s, "enterprise", f"测试企业{tag}", region="430104")
        user = auth.create_user(s, company, PASSWORD, "applicant", applicant=applicant, region="430104")
        auth.create_user(s, clerk, PASSWORD, "window", region="430104")
        number = cases.submit(s, user, "企业招用员工", FORM, items=["2.4.3"]).number
    return company, clerk, number


def account(url: str, username: str) -> User:
    with session_scope(connect(url)) as s:
        u = s.scalar(select(User).where(User.username == username))
        s.expunge(u)
        return u


@pytest.fixture
def site(backend_url):
    return TestClient(create_app(backend_url)), backend_url


def bearer(client: TestClient, username: str) -> dict:
    token = client.post("/api/auth/login", json={"username": username, "password": PASSWORD}).json()["token"]
    return {"Authorization": f"Bearer {token}"}


def test_the_api_lists_the_accounts_messages_and_marks_them_read(site):
    client, url = site
    company, clerk, number = seed(url)
    me, staff = bearer(client, company), bearer(client, clerk)
    assert client.get("/api/messages").status_code == 401
    listing = client.get("/api/messages", headers=me).json()
    assert (listing["total"], listing["unread"], listing["pages"]) == (1, 1, 1)
    (msg,) = listing["items"]
    assert (msg["kind"], msg["kind_name"], msg["ref"], msg["link"], msg["read_at"]) == (
        "case_received", "办件已收到", number, f"/services/cases/{number}", None)
    assert client.get("/api/messages", headers=staff).json()["items"] == []

    for body in ({}, {"ids": [msg["id"]], "all": True}):
        r = client.post("/api/messages/read", headers=me, json=body)
        assert (r.status_code, r.json()["field"]) == (422, "ids")
    r = client.post("/api/messages/read", headers=staff, json={"ids": [msg["id"]]})  # not the clerk's message
    assert (r.status_code, r.json()["field"]) == (404, "ids")
    assert client.post("/api/messages/read", headers=me, json={"ids": [msg["id"]]}).json() == {"marked": 1,
                                                                                              "unread": 0}
    assert client.get("/api/messages", headers=me).json()["items"][0]["read_at"] is not None
    r = client.get("/api/messages", headers=me, params={"page": 0})
    assert (r.status_code, r.json()["field"]) == (422, "page")


def sign_in(client: TestClient, username: str) -> None:
    client.cookies.clear()
    r = post_login(client, username, PASSWORD)
    assert r.status_code == 303, r.text


def nav_badge(html: str) -> str | None:
    found = re.search(r'class="messages-link">消息(?: <span class="badge"[^>]*>([^<]+)</span>)?</a>', html)
    assert found, "the nav has no 消息 link"
    return found.group(1)


def test_every_page_shows_the_unread_count_and_opening_a_message_reads_it(site):
    client, url = site
    company, clerk, number = seed(url)
    with session_scope(connect(url)) as s:
        notifications.post(s, recipients=[account(url, company)], kind="case_done", title="测试通知", text="无链接的通知",
                           at=dt.datetime(2030, 1, 1))
    sign_in(client, company)
    for path in ("/", "/services", f"/services/cases/{number}", "/unemployment", "/calc", "/messages"):
        assert nav_badge(client.get(path).text) == "2", path  # whichever render built the page
    page = client.get("/messages").text
    assert page.index("测试通知") < page.index("办件已收到：企业招用员工")  # newest first
    assert page.count('class="unread"') == 2 and "2</strong> 条未读" in page
    (received,) = [m for m in notifications_of(url, company) if m.ref == number]
    r = client.get(f"/messages/{received.id}", follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, f"/services/cases/{number}")
    assert nav_badge(client.get("/messages").text) == "1"

    sign_in(client, clerk)  # someone else's message is not there to open
    assert client.get(f"/messages/{received.id}").status_code == 404
    assert nav_badge(client.get("/messages").text) is None
    workbench = client.get("/workbench")
    assert workbench.status_code == 200 and nav_badge(workbench.text) is None  # staff pages have the link too

    sign_in(client, company)
    assert client.post("/messages/read", data={"csrf": "forged"}).status_code == 403
    assert nav_badge(client.get("/messages").text) == "1"
    csrf = re.search(r'name="csrf" value="([0-9a-f]{64})"', client.get("/messages").text).group(1)
    r = client.post("/messages/read", data={"csrf": csrf}, follow_redirects=False)
    assert r.headers["location"] == "/messages?done=all"
    done = client.get(r.headers["location"]).text
    assert "全部消息已标为已读" in done and nav_badge(done) is None and "全部标为已读</button>" not in done


def notifications_of(url: str, username: str):
    with session_scope(connect(url)) as s:
        return notifications.messages(s, account(url, username)).items


def test_the_list_is_paged_and_asks_visitors_to_sign_in(site):
    client, url = site
    company, _, _ = seed(url)
    with session_scope(connect(url)) as s:
        for n in range(notifications.PAGE_SIZE + 1):
            notifications.post(s, recipients=[account(url, company)], kind="case_accepted", title=f"测试第{n}条",
                               text="正文", at=dt.datetime(2030, 1, 1) + dt.timedelta(minutes=n))
    r = client.get("/messages", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")
    sign_in(client, company)
    first, second = client.get("/messages").text, client.get("/messages?page=2").text
    assert "测试第20条" in first and "测试第1条" in first and "第 1 / 2 页" in first and 'rel="next"' in first
    assert "测试第0条" in second and "办件已收到" in second and 'rel="prev"' in second
    assert client.get("/messages?page=9", follow_redirects=False).headers["location"] == "/messages?page=2"


# ---------------------------------------------------------------- in the browser


def test_browser_message_centre_at_desktop_and_phone_width(page, live_db_url, screenshot, check_accessibility):
    company, clerk, number = seed(live_db_url)
    with session_scope(connect(live_db_url)) as s:
        task = cases.get_case(s, account(live_db_url, company), number).tasks[0]
        cases.act(s, account(live_db_url, clerk), task.id, "refuse", reason="测试：所附材料与申请事项不符")
    page.goto("/login?next=/services")
    page.get_by_label("用户名").fill(company)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/services$"))
    badge = page.locator("header .messages-link .badge")
    assert badge.inner_text() == "2" and badge.get_attribute("aria-label") == "2 条未读"

    page.locator("header .messages-link").click()
    page.wait_for_url(re.compile(r"/messages$"))
    items = page.locator("ol.messages > li")
    assert items.count() == 2
    assert "不予受理" in items.nth(0).inner_text() and "测试：所附材料与申请事项不符" in items.nth(0).inner_text()
    check_accessibility(page, actions=["ol.messages h2 a", "form[action='/messages/read'] button"])
    screenshot(page, "messages-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing runs off a phone screen
    screenshot(page, "messages-390")

    items.nth(0).get_by_role("link").click()  # opening the refusal leads to the case, and reads it
    page.wait_for_url(re.compile(re.escape(f"/services/cases/{number}") + "$"))
    assert page.locator("header .messages-link .badge").inner_text() == "1"
    page.goto("/messages")
    assert page.locator("ol.messages > li.unread").count() == 1
    page.get_by_role("button", name="全部标为已读").click()
    page.wait_for_url(re.compile(r"/messages\?done=all$"))
    assert page.locator("ol.messages > li.unread").count() == 0
    assert page.locator("header .messages-link .badge").count() == 0
