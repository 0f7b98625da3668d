"""Issue 11, item 3: failed logins are counted per account and per address in the database (shared by
every worker process), answered with 423 / 429, a Chinese message saying when to retry and a
``Retry-After`` header, and written to the audit log without the password."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from kuaiban.app import create_app
from kuaiban.db import session_scope
from kuaiban.platform import auth, throttle
from kuaiban.platform.errors import Locked, TooManyRequests, Unauthenticated
from kuaiban.platform.models import AuditEntry
from tests.web.forms import post_login

from .conftest import PASSWORD

T0 = dt.datetime(2026, 12, 2, 9, 0)


def attempt(engine, password: str, *, username: str = "win_hn", address: str = "10.0.0.1",
            at: dt.datetime = T0):
    """One login in its own transaction, as a request does; the token, or the error it raised."""
    try:
        with session_scope(engine) as s:
            return auth.login(s, username, password, address=address, at=at)
    except (Unauthenticated, Locked, TooManyRequests) as exc:
        return exc


def failed_entries(engine) -> list[dict]:
    with session_scope(engine) as s:
        return [e.detail for e in s.scalars(select(AuditEntry).where(AuditEntry.action == "login_failed")
                                            .order_by(AuditEntry.id))]


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(engine):
    for i in range(throttle.PAIR_LIMIT):
        assert isinstance(attempt(engine, f"guess-{i}", at=T0 + dt.timedelta(seconds=i)), Unauthenticated)
    locked = attempt(engine, PASSWORD, at=T0 + dt.timedelta(minutes=1))
    assert isinstance(locked, Locked) and locked.status == 423
    assert locked.retry_after == 14 * 60 + 4  # locked at the fifth failure (T0+4 s) for 15 minutes; asked at T0+1 min
    assert "登录失败次数过多" in locked.message and "分钟后" in locked.message
    # after the lock the right password works, and the success forgets the failures
    assert isinstance(attempt(engine, PASSWORD, at=T0 + throttle.LOCKOUT + dt.timedelta(seconds=5)), tuple)
    for i in range(throttle.PAIR_LIMIT - 1):
        attempt(engine, "wrong", at=T0 + dt.timedelta(minutes=20, seconds=i))
    assert isinstance(attempt(engine, PASSWORD, at=T0 + dt.timedelta(minutes=21)), tuple)


def test_failures_outside_the_window_do_not_add_up(engine):
    for i in range(throttle.PAIR_LIMIT - 1):
        attempt(engine, "wrong", at=T0 + dt.timedelta(seconds=i))
    later = T0 + throttle.WINDOW + dt.timedelta(minutes=1)
    attempt(engine, "wrong", at=later)  # the fifth, but the first of a new window
    assert isinstance(attempt(engine, PASSWORD, at=later + dt.timedelta(seconds=1)), tuple)


def test_an_unknown_username_is_locked_like_a_real_one(engine):
    """Otherwise the absence of a lock would tell which usernames exist."""
    for i in range(throttle.PAIR_LIMIT):
        attempt(engine, "wrong", username="nobody", at=T0 + dt.timedelta(seconds=i))
    assert isinstance(attempt(engine, "wrong", username="nobody", at=T0 + dt.timedelta(seconds=9)), Locked)


def test_failed_logins_are_audited_with_address_and_reason_never_the_password(engine):
    attempt(engine, "Secret-Guess-1", address="10.1.2.3")
    attempt(engine, "Secret-Guess-2", username="Secret-Typed-Into-Name", address="10.1.2.3")
    known, unknown = failed_entries(engine)
    assert known == {"address": "10.1.2.3", "reason": "wrong_password", "username": "win_hn"}
    assert unknown == {"address": "10.1.2.3", "reason": "unknown_user",
                       "username_sha256": hashlib.sha256(b"secret-typed-into-name").hexdigest()}
    with session_scope(engine) as s:
        logged = str([e.detail for e in s.scalars(select(AuditEntry))])
    assert "Secret-Guess" not in logged and "secret-typed" not in logged.lower()


def test_one_address_guessing_many_accounts_gets_429(engine):
    for i in range(throttle.ADDRESS_LIMIT):
        attempt(engine, "wrong", username=f"user{i}", address="10.9.9.9", at=T0 + dt.timedelta(seconds=i))
    refused = attempt(engine, PASSWORD, address="10.9.9.9", at=T0 + dt.timedelta(minutes=1))
    assert isinstance(refused, TooManyRequests) and refused.status == 429 and refused.retry_after > 0
    assert isinstance(attempt(engine, PASSWORD, address="10.0.0.2", at=T0 + dt.timedelta(minutes=1)), tuple)
    assert failed_entries(engine)[-1]["reason"] == "address_throttled"


def test_the_json_login_answers_423_with_retry_after_and_workers_share_the_count(backend_url, engine):
    # two app instances = two worker processes' engines and pools; the counts live in the database
    workers = [TestClient(create_app(backend_url)) for _ in range(2)]
    for i in range(throttle.PAIR_LIMIT):
        r = workers[i % 2].post("/api/auth/login", json={"username": "win_hn", "password": f"wrong-{i}"})
        assert r.status_code == 401
    r = workers[0].post("/api/auth/login", json={"username": "WIN_HN", "password": PASSWORD})
    assert r.status_code == 423 and r.json()["field"] == "username"
    assert 0 < int(r.headers["Retry-After"]) <= throttle.LOCKOUT.total_seconds()
    assert "分钟后" in r.json()["detail"]


def test_the_login_page_answers_429_with_retry_after(backend_url, engine):
    client = TestClient(create_app(backend_url))
    for i in range(throttle.ADDRESS_LIMIT):
        assert post_login(client, f"someone{i}", "wrong").status_code == 401
    r = post_login(client, "win_hn", PASSWORD)
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
    assert "登录失败次数过多" in r.text and "kuaiban_token" not in r.cookies


@pytest.mark.timeout(60)
def test_a_failed_login_after_a_write_in_the_same_transaction_neither_waits_nor_is_lost(engine):
    """The caller already appended to the audit log (holding its append lock on PostgreSQL, the write lock
    on SQLite): the failure is then logged in the caller's transaction instead of one of its own, which
    would wait for the caller for ever."""
    with session_scope(engine) as s:
        auth.create_user(s, "win_late", PASSWORD, "window", region="430000")
        with pytest.raises(Unauthenticated):
            auth.login(s, "win_late", "wrong-password", address="10.0.0.9", at=T0)
        failed = s.scalars(select(AuditEntry).where(AuditEntry.action == "login_failed")).all()
        assert [e.detail["username"] for e in failed] == ["win_late"]
