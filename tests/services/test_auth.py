"""Passwords are hashed with a per-user salt; tokens expire; roles decide what is seen."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, text

from kuaiban.platform import auth
from kuaiban.platform.errors import Conflict, Forbidden, Invalid, Unauthenticated
from kuaiban.platform.models import AuditEntry, Token, User

from .conftest import PASSWORD


def test_passwords_are_salted_scrypt_hashes(monkeypatch):
    monkeypatch.setattr(auth, "_SCRYPT", {"n": 2**14, "r": 8, "p": 1})  # the real cost
    a, b = auth.hash_password("same password"), auth.hash_password("same password")
    assert a != b and a.startswith("scrypt$16384$8$1$")
    assert auth.verify_password("same password", a) and not auth.verify_password("same passwore", a)
    assert not auth.verify_password("x", "md5$whatever")


def test_no_plain_password_is_stored(world):
    with world.session() as s:
        stored = s.scalar(select(User.password_hash).where(User.username == "citizen"))
    assert PASSWORD not in stored and auth.verify_password(PASSWORD, stored)


def test_login_gives_a_token_that_expires(world):
    t0 = dt.datetime(2020, 10, 9, 9)
    with world.session() as s:
        token, expires = auth.login(s, "window", PASSWORD, at=t0)
    assert expires == t0 + auth.TOKEN_TTL
    with world.session() as s:
        assert auth.authenticate(s, token, at=t0 + dt.timedelta(hours=1)).username == "window"
        with pytest.raises(Unauthenticated) as e:
            auth.authenticate(s, token, at=expires)
        assert e.value.message == "令牌已过期，请重新登录"
        stored = s.scalar(select(Token.token_hash))
        assert token not in stored  # only its digest
    with world.session() as s:
        auth.logout(s, token)
    with world.session() as s, pytest.raises(Unauthenticated):
        auth.authenticate(s, token, at=t0)


def test_wrong_user_or_password_get_the_same_answer(world):
    with world.session() as s:
        for user, pw in [("window", "wrong-password"), ("nobody", PASSWORD)]:
            with pytest.raises(Unauthenticated) as e:
                auth.login(s, user, pw)
            assert e.value.message == "用户名或密码错误"


def test_user_creation_is_checked_field_by_field(world):
    with world.session() as s:
        for kw, error, fld in [({"role": "admin"}, Invalid, "role"), ({"password": "short"}, Invalid, "password"),
                               ({"username": "window"}, Conflict, "username"),
                               ({"username": " WINDOW "}, Conflict, "username"),  # the same name, normalised
                               ({"role": "applicant"}, Invalid, "applicant"), ({"region": None}, Invalid, "region"),
                               ({"region": "示例市"}, Invalid, "region"), ({"region": "全国"}, Invalid, "region")]:
            args = {"username": "new", "password": "Long enough pw 7", "role": "window", "region": "430100"} | kw
            with pytest.raises(error) as e:
                auth.create_user(s, args["username"], args["password"], args["role"], region=args["region"])
            assert e.value.field == fld


def test_require_role_names_the_roles_in_chinese(world):
    with pytest.raises(Forbidden) as e:
        auth.require_role(world.citizen, "window")
    assert e.value.message == "无权操作：需要窗口人员身份，当前为办事人"


def test_the_audit_log_is_append_only(world):
    with world.session() as s:
        assert s.scalar(select(AuditEntry.id).where(AuditEntry.action == "create_user").limit(1))
    for stmt in ("UPDATE svc_audit SET action = 'forged'", "DELETE FROM svc_audit"):
        with pytest.raises(Exception, match="审计日志只可追加"), world.session() as s:
            s.execute(text(stmt))
