"""Every role is offered only pages it may open: each kind of account signs in, lands on the home page,
and follows every link of its nav and of the home page's cards — none answers 无权访问 (403) or fails
(500), and every link a role is not offered is one it would be refused (so the nav hides nothing it may
use). The roles are the platform's list, so a new role is checked as soon as it exists."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from kuaiban.app import create_app
from kuaiban.db import connect, session_scope
from kuaiban.platform import auth
from kuaiban.platform.models import APPLICANT, BANK, GUARANTOR, ROLES
from kuaiban.web import navigation
from tests.web.forms import post_login

PASSWORD = "correct-horse-42"
REGION = "430100"
_NAV = re.compile(r'<nav aria-label="主导航">(.*?)</nav>', re.S)
_CARDS = re.compile(r'<ul class="cards">(.*?)</ul>', re.S)
_HREF = re.compile(r'href="([^"]+)"')


@pytest.fixture(autouse=True)
def cheap_scrypt(monkeypatch):
    monkeypatch.setattr(auth, "_SCRYPT", {"n": 2**10, "r": 8, "p": 1})


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
    with TestClient(create_app(url)) as client:
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
