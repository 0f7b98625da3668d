"""“该用户名已被使用” (security audit s21): registration must say a username is taken, but each such answer tells that an
account of that name exists. Before, an address could ask without limit (the API's 409, and the page even beside
the form's other errors); now an address hears it at most ``REGISTER_TAKEN_LIMIT`` times per window — counted as the
证件号码's answer is, on a counter of its own — and then nothing about any name, free or taken (429). Sign-in failures
say the same for an unknown user, a wrong password and a disabled account. SQLite and PostgreSQL."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from kuaiban.app import create_app
from kuaiban.db import connect, session_scope
from kuaiban.platform import auth, throttle
from kuaiban.platform.models import User
from tests.web.forms import csrf_of

from .conftest import PASSWORD, citizen_number


def body(username: str, **extra) -> dict:
    return {"username": username, "password": PASSWORD, "kind": "citizen", "name": "测试申", "region": "430102",
            "id_number": citizen_number()} | extra


def test_an_address_hears_that_a_username_is_taken_a_limited_number_of_times(backend_url, monkeypatch):
    monkeypatch.setitem(throttle.FORM_LIMITS, "register_username_taken", (3, 3))
    prober = TestClient(create_app(backend_url), client=("198.51.100.17", 1))
    other = TestClient(create_app(backend_url), client=("198.51.100.18", 1))
    for i in range(4):
        assert other.post("/api/auth/register", json=body(f"owner{i}")).status_code == 201
    answers = [prober.post("/api/auth/register", json=body(f"Owner{i}")) for i in range(4)]
    assert [r.status_code for r in answers] == [409, 409, 409, 429]  # the third reaches the limit, still answered
    assert answers[0].json() == {"detail": "该用户名已被使用，请换一个", "field": "username"}
    assert int(answers[3].headers["Retry-After"]) > 0 and "用户名" not in answers[3].json()["detail"]
    # then nothing about any name from that address: a free name's 201 would answer the question too
    late = prober.post("/api/auth/register", json=body("free-name"))
    assert late.status_code == 429 and auth.USERNAME_TAKEN not in late.text
    # another address is not affected, and the 证件号码's own budget was not used
    assert other.post("/api/auth/register", json=body("elsewhere")).status_code == 201
    with session_scope(connect(backend_url)) as s:
        assert s.query(User).filter(User.username.in_(["free-name", "owner0"])).count() == 1


def test_the_username_is_answered_before_the_number_and_the_number_not_at_all(backend_url, monkeypatch):
    """A registration whose name and number are both taken hears only about the name (and only that is counted)."""
    client = TestClient(create_app(backend_url), client=("198.51.100.19", 1))
    number = citizen_number()
    assert client.post("/api/auth/register", json=body("holder", id_number=number)).status_code == 201
    r = client.post("/api/auth/register", json=body("holder", id_number=number))
    assert (r.status_code, r.json()["field"]) == (409, "username")
    with session_scope(connect(backend_url)) as s:
        keys = {k for (k,) in s.execute(throttle.LoginThrottle.__table__.select()
                                        .with_only_columns(throttle.LoginThrottle.key))}
    assert "register_username_taken:address:198.51.100.19" in keys
    assert "register_taken:address:198.51.100.19" not in keys


def test_the_page_counts_the_answer_beside_other_errors_too(backend_url, monkeypatch):
    monkeypatch.setitem(throttle.FORM_LIMITS, "register_username_taken", (2, 2))
    monkeypatch.setattr(auth, "_SCRYPT", {"n": 2**10, "r": 8, "p": 1})
    page = TestClient(create_app(backend_url), client=("198.51.100.20", 1))
    assert TestClient(create_app(backend_url)).post("/api/auth/register", json=body("taken-one")).status_code == 201

    def post(username: str):
        data = {"kind": "citizen", "name": "测试个人", "id_number": citizen_number(), "province": "430000",
                "city": "430100", "county": "430102", "username": username, "password": PASSWORD,
                "password2": "not the same", "next": "/"}
        return page.post("/register", data={"csrf": csrf_of(page.get("/register").text), **data},
                         follow_redirects=False)

    said = [auth.USERNAME_TAKEN in post("taken-one").text for _ in range(2)]
    assert said == [True, True]  # beside 两次输入的密码不一致, as before — now counted
    late = post("taken-one")
    assert late.status_code == 429 and auth.USERNAME_TAKEN not in late.text
    free = post("free-one")
    assert free.status_code == 429 and "提交过于频繁" in free.text  # a free name is not told apart either


def test_a_failed_sign_in_says_the_same_for_an_unknown_user_a_wrong_password_and_a_disabled_account(backend_url,
                                                                                                   monkeypatch):
    monkeypatch.setattr(auth, "_SCRYPT", {"n": 2**10, "r": 8, "p": 1})
    with session_scope(connect(backend_url)) as s:
        auth.create_user(s, "known-clerk", PASSWORD, "window", region="430100")
        auth.create_user(s, "gone-clerk", PASSWORD, "window", region="430100").active = False
    client = TestClient(create_app(backend_url))
    tries = {"unknown": ("nobody-here", PASSWORD), "wrong": ("known-clerk", PASSWORD + "x"),
             "disabled": ("gone-clerk", PASSWORD)}
    api = {k: client.post("/api/auth/login", json={"username": u, "password": p}) for k, (u, p) in tries.items()}
    assert {(r.status_code, r.text) for r in api.values()} == {
        (401, '{"detail":"用户名或密码错误","field":"password"}')}

    def page_error(username: str, password: str) -> tuple[int, str]:
        r = client.post("/login", data={"csrf": csrf_of(client.get("/login").text), "username": username,
                                        "password": password, "next": "/"}, follow_redirects=False)
        return r.status_code, " ".join(re.findall(r'class="field-error"[^>]*>([^<]*)<', r.text))

    pages = {k: page_error(u, p) for k, (u, p) in tries.items()}
    assert len(set(pages.values())) == 1 and pages["unknown"][0] == 401
    assert "用户名或密码错误" in pages["unknown"][1]
