"""Signing in, registering and signing out are forms like any other: each carries a CSRF token, so a
page on another site cannot sign a visitor into an account of its choosing (login CSRF), open one in
their name, or sign them out. Before signing in the token is bound to a pre-session cookie."""

from __future__ import annotations

import uuid

import pytest

from kuaiban.db import connect, session_scope
from kuaiban.platform import auth
from kuaiban.web import csrf
from kuaiban.web.session import COOKIE
from tests.web.forms import csrf_of, post_login, post_logout

PASSWORD = "synthetic-pass-42"
FORGED = "请返回上一页刷新后重新提交"


@pytest.fixture
def clerk(live_db_url, app_client) -> str:
    app_client.cookies.clear()
    name = f"clerk-{uuid.uuid4().hex[:6]}"
    with session_scope(connect(live_db_url)) as s:
        auth.create_user(s, name, PASSWORD, "window", region="430102")
    return name


def test_the_login_page_sets_a_pre_session_cookie_its_form_is_bound_to(app_client, clerk):
    r = app_client.get("/login")
    cookie = r.cookies[csrf.COOKIE]
    assert "httponly" in r.headers["set-cookie"].lower() and "samesite=lax" in r.headers["set-cookie"].lower()
    assert csrf_of(r.text) != cookie  # the form carries a digest of it, not the cookie itself
    assert app_client.get("/login").cookies.get(csrf.COOKIE) is None  # made once, then kept
    assert post_login(app_client, clerk, PASSWORD).status_code == 303


@pytest.mark.parametrize("token", [None, "0" * 64])
def test_a_forged_login_is_refused_and_signs_nobody_in(app_client, clerk, token):
    app_client.get("/login")  # even with the victim's pre-session cookie: the other site has no token
    data = {"username": clerk, "password": PASSWORD, "next": "/"} | ({"csrf": token} if token else {})
    r = app_client.post("/login", data=data, follow_redirects=False)
    assert r.status_code == 403 and FORGED in r.text and "表单已失效" in r.text
    assert COOKIE not in r.cookies


def test_a_forged_registration_is_refused_and_opens_no_account(app_client, live_db_url):
    app_client.cookies.clear()
    username = f"forged-{uuid.uuid4().hex[:6]}"
    r = app_client.post("/register", data={"kind": "citizen", "name": "测试丙", "id_number": "", "province": "110000",
                                           "county": "110101", "username": username, "password": "long enough pw",
                                           "password2": "long enough pw"}, follow_redirects=False)
    assert r.status_code == 403 and FORGED in r.text and COOKIE not in r.cookies
    assert app_client.post("/api/auth/login", json={"username": username, "password": "long enough pw"}
                           ).status_code == 401


def test_a_forged_logout_is_refused_and_the_session_lives_on(app_client, clerk):
    post_login(app_client, clerk, PASSWORD)
    token = app_client.cookies.get(COOKIE)
    r = app_client.post("/logout", follow_redirects=False)
    assert r.status_code == 403 and FORGED in r.text
    assert app_client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert post_logout(app_client).status_code == 303  # the nav's own button carries the token
    assert app_client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    app_client.cookies.clear()
