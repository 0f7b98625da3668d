"""修改密码, and the change an administrator's reset forces: whoever set a password for someone else (a
supervisor's reset, or the account they opened) knows it, so its holder must choose their own before doing
anything else; setting it proves the current one, counts a wrong one like a failed login, and ends every other
session of the account."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kuaiban.platform import auth, staff
from kuaiban.platform.errors import Invalid, Locked, PasswordChangeRequired, Unauthenticated
from kuaiban.platform.models import AuditEntry, User

from .conftest import PASSWORD

NEW = "Amber-Harbour-Kettle-58"


def _reset(hunan) -> str:
    with hunan.session() as s:
        return staff.reset_password(s, s.get(User, hunan.province.id), hunan.changsha_clerk.id)


def test_after_a_reset_the_one_time_password_signs_in_but_only_to_set_a_new_one(hunan):
    one_time = _reset(hunan)
    with hunan.session() as s:
        token, _ = auth.login(s, "cs-win", one_time)
    with hunan.session() as s:
        with pytest.raises(PasswordChangeRequired) as refused:
            auth.authenticate(s, token)
        assert refused.value.status == 403 and refused.value.field == "password"
        assert "请先设置只有您知道的新密码" in refused.value.message
        user = auth.authenticate(s, token, pending_password_ok=True)
        assert auth.change_password(s, user, one_time, NEW, token=token) == 0
    with hunan.session() as s:
        assert auth.authenticate(s, token).id == hunan.changsha_clerk.id  # this session carries on
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "change_password"))
        assert entry.detail["after_reset"] is True and NEW not in str(entry.detail)
    with hunan.session() as s, pytest.raises(Unauthenticated):
        auth.login(s, "cs-win", one_time)  # the administrator's password no longer works


def test_an_account_a_supervisor_opens_must_set_its_own_password_first(hunan):
    with hunan.session() as s:
        _, one_time = staff.create_staff(s, s.get(User, hunan.province.id), username="cs-rev-new",
                                            role="reviewer", region="430100")
    with hunan.session() as s:
        token, _ = auth.login(s, "cs-rev-new", one_time)
        with pytest.raises(PasswordChangeRequired):
            auth.authenticate(s, token)


def test_a_change_ends_every_other_session(hunan):
    with hunan.session() as s:
        tokens = [auth.login(s, "yl-rev", PASSWORD)[0] for _ in range(3)]
    with hunan.session() as s:
        user = auth.authenticate(s, tokens[0])
        assert auth.change_password(s, user, PASSWORD, NEW, token=tokens[0]) == 2
    with hunan.session() as s:
        assert auth.authenticate(s, tokens[0]).username == "yl-rev"
        for token in tokens[1:]:
            with pytest.raises(Unauthenticated):
                auth.authenticate(s, token)


@pytest.mark.parametrize(("current", "new", "field", "message"), [
    ("", NEW, "current_password", "请填写当前密码"),
    ("not-the-password", NEW, "current_password", "当前密码不正确"),
    (PASSWORD, PASSWORD, "new_password", "不能与当前密码相同"),
    (PASSWORD, "short", "new_password", "密码不符合要求"),
])
def test_each_refusal_names_its_field_and_changes_nothing(hunan, current, new, field, message):
    with hunan.session() as s:
        token, _ = auth.login(s, "yl-rev", PASSWORD)
    with hunan.session() as s, pytest.raises(Invalid) as refused:
        auth.change_password(s, auth.authenticate(s, token), current, new, token=token)
    assert (refused.value.field, message in refused.value.message) == (field, True)
    with hunan.session() as s:
        auth.login(s, "yl-rev", PASSWORD)  # still the old password


def test_guessing_the_current_password_locks_the_account_like_failed_logins(hunan):
    with hunan.session() as s:
        token, _ = auth.login(s, "yl-rev", PASSWORD)
    for _ in range(20):
        try:
            with hunan.session() as s:
                auth.change_password(s, auth.authenticate(s, token), "a-wrong-guess", NEW, token=token)
        except Locked as locked:
            assert locked.field == "current_password" and locked.retry_after > 0
            break
        except Invalid:
            continue
    else:
        pytest.fail("20 wrong current passwords did not lock the account")
    with hunan.session() as s:
        failures = s.scalars(select(AuditEntry.detail).where(AuditEntry.action == "login_failed")).all()
        assert {d["reason"] for d in failures} == {"wrong_current_password"}


# ---------------------------------------------------------------- the JSON API and the pages


def test_the_api_says_so_at_login_refuses_other_calls_and_takes_the_new_password(hunan):
    from fastapi.testclient import TestClient

    from kuaiban.app import create_app

    one_time = _reset(hunan)
    client = TestClient(create_app(str(hunan.engine.url.render_as_string(hide_password=False))))
    login = client.post("/api/auth/login", json={"username": "cs-win", "password": one_time}).json()
    assert login["must_change_password"] is True and login["role"] == "window"
    bearer = {"Authorization": f"Bearer {login['token']}"}
    refused = client.get("/api/cases", headers=bearer)
    assert refused.status_code == 403 and refused.json()["field"] == "password"
    wrong = client.post("/api/auth/password", headers=bearer,
                        json={"current_password": "nope", "new_password": NEW})
    assert wrong.status_code == 422 and wrong.json()["field"] == "current_password"
    done = client.post("/api/auth/password", headers=bearer,
                       json={"current_password": one_time, "new_password": NEW})
    assert done.status_code == 200 and done.json() == {"changed": True, "other_sessions_ended": 0}
    assert client.get("/api/cases", headers=bearer).status_code == 200
    again = client.post("/api/auth/login", json={"username": "cs-win", "password": NEW}).json()
    assert again["must_change_password"] is False


def test_every_page_sends_the_holder_to_set_a_password_then_back(hunan):
    from fastapi.testclient import TestClient

    from kuaiban.app import create_app
    from tests.web.forms import csrf_of, post_login

    one_time = _reset(hunan)
    client = TestClient(create_app(str(hunan.engine.url.render_as_string(hide_password=False))))
    client.get("/login")
    assert post_login(client, "cs-win", one_time, next="/workbench").status_code == 303
    sent = client.get("/workbench", follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"] == "/account/password?next=%2Fworkbench"
    form = client.get(sent.headers["location"])
    assert "由管理人员设置或重置" in form.text and "至少 12 位" in form.text
    mismatch = client.post("/account/password", data={"csrf": csrf_of(form.text), "next": "/workbench",
                                                      "current_password": one_time, "new_password": NEW,
                                                      "confirm_password": NEW + "x"}, follow_redirects=False)
    assert mismatch.status_code == 422 and "两次填写的新密码不一致" in mismatch.text
    done = client.post("/account/password", data={"csrf": csrf_of(mismatch.text), "next": "/workbench",
                                                  "current_password": one_time, "new_password": NEW,
                                                  "confirm_password": NEW}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/workbench"
    assert client.get("/workbench", follow_redirects=False).status_code == 200
