"""Every role is offered only pages it may open: each kind of account signs in, lands on the home page,
and follows every link of its nav and of the home page's cards — none answers 无权访问 (403) or fails
(500), and every link a role is not offered is one it would be refused (so the nav hides nothing it may
use). The roles are the platform's list, so a new role is checked as soon as it exists."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest
from sqlalchemy import select

from kuaiban.db import connect, session_scope
from kuaiban.platform import auth, new_work
from kuaiban.platform.models import APPLICANT, BANK, GUARANTOR, REVIEWER, ROLES, SUPERVISOR, WINDOW, User
from kuaiban.platform.notification_models import Notification
from kuaiban.web import navigation
from tests.web.forms import client_without_jobs, post_login

PASSWORD = "correct-horse-42"
REGION = "430100"
_NAV = re.compile(r'<nav aria-label="主导航">(.*?)</nav>', re.S)
_CARDS = re.compile(r'<ul class="cards">(.*?)</ul>', re.S)
_HREF = re.compile(r'href="([^"]+)"')


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """An account of every role in 长沙市 (a bank's and a guarantor's with their institution)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('nav') / 'kuaiban.db'}"
    with session_scope(connect(url)) as s:
        for role in ROLES:
            extra = {"agency": "测试机构"} if role in (GUARANTOR, BANK) else {}
            if role == APPLICANT:
                extra = {"applicant": auth.create_applicant(s, "enterprise", "测试企业", region=REGION)}
            auth.create_user(s, f"nav-{role}", PASSWORD, role, region=REGION, **extra)
    with client_without_jobs(url) as client:  # the tests run the 新的待办 digest themselves
        yield client


def links(html: str, block: re.Pattern) -> list[str]:
    found = block.search(html)
    return _HREF.findall(found.group(1)) if found else []


@pytest.mark.parametrize("role", ROLES)
def test_each_role_lands_on_a_page_whose_every_nav_link_opens(site, role):
    site.cookies.clear()
    signed_in = post_login(site, f"nav-{role}", PASSWORD)
    assert signed_in.status_code == 303
    landing = site.get(signed_in.headers["location"])
    assert landing.status_code == 200
    offered = links(landing.text, _NAV) + links(landing.text, _CARDS)
    assert "/library" in offered
    for href in dict.fromkeys(offered):
        page = site.get(href)
        assert page.status_code == 200, f"{role}: {href} answers {page.status_code}"
        assert links(page.text, _NAV) == links(landing.text, _NAV), f"{role}: the nav changes on {href}"
    for entry in navigation.ENTRIES:  # what the nav leaves out is what the role may not open
        if entry.href not in offered:
            assert site.get(entry.href).status_code == 403, f"{role} may open {entry.href} but is not offered it"


def test_a_visitor_is_offered_no_page_reserved_to_some_roles(site):
    site.cookies.clear()
    home = site.get("/")
    offered = links(home.text, _NAV) + links(home.text, _CARDS)
    assert "/library" in offered and "/loans" in offered
    assert not {"/workbench", "/statistics", "/admin"} & set(offered)


def test_each_new_work_queue_links_to_a_page_its_staff_may_open(site):
    """The 新的待办 digest sends staff to the page of each queue (not all to the 经办工作台): every role
    a queue's work may fall to opens that page."""
    assert {q.label: q.link for q in new_work._counters.values()} == {
        "待受理的办件事项": "/workbench", "待审核的补贴申领": "/programs/staff", "待审核的失业登记": "/unemployment/review",
        "待核定的发放金额": "/programs/held"}
    for role in (WINDOW, REVIEWER, SUPERVISOR):
        site.cookies.clear()
        assert post_login(site, f"nav-{role}", PASSWORD).status_code == 303
        for queue in new_work._counters.values():
            if queue.link == "/programs/held" and role == WINDOW:  # held months are decided by 审核 or 监督 only
                assert site.get(queue.link).status_code == 403
                continue
            assert site.get(queue.link).status_code == 200, f"{role}: {queue.link}"


def test_a_digest_of_several_queues_links_each_line_to_its_page(site, monkeypatch):
    """A supervisor with new work in two queues gets one message; it has no single link, and the message
    centre offers the page of each queue it names."""
    queues = {name: q for name, q in new_work._counters.items() if name in ("program_claims", "ue_registrations")}
    monkeypatch.setattr(new_work, "_counters", {  # the real queues, each counting one new item in 长沙市
        name: dataclasses.replace(q, counter=lambda s, since, until: [(REGION, REVIEWER, 1)])
        for name, q in queues.items()})
    engine = site.app.state.engine
    assert new_work.digest(engine, now=dt.datetime(2026, 12, 3, 9, 0)) >= 1
    site.cookies.clear()
    assert post_login(site, f"nav-{SUPERVISOR}", PASSWORD).status_code == 303
    with session_scope(engine) as s:
        supervisor = s.scalar(select(User.id).where(User.username == f"nav-{SUPERVISOR}"))
        message = s.scalars(select(Notification).where(Notification.user_id == supervisor,
                                                       Notification.kind == new_work.KIND)).one()
    assert message.title == "新的待办：2 件" and message.link is None
    inbox = site.get("/messages").text
    for queue in queues.values():
        assert f'<a href="{queue.link}">去办理：{queue.label}</a>' in inbox
    assert site.get(f"/messages/{message.id}", follow_redirects=False).headers["location"] == f"/messages#m{message.id}"
