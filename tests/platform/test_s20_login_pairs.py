"""Nobody can lock someone else out (audit 2026-12 §4.2): five wrong passwords from anyone used to lock the
account for 15 minutes, against the right password from anywhere. Now failures lock the (account, address)
pair; the account's failures from all addresses only slow the addresses that fail; per-address limits stay.

On SQLite and PostgreSQL (``engine``), through ``auth.login`` and through ``POST /api/auth/login``."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import select

from kuaiban.app import create_app
from kuaiban.db import session_scope
from kuaiban.platform import throttle
from kuaiban.platform.errors import Locked, TooManyRequests, Unauthenticated
from kuaiban.platform.models import AuditEntry

from .conftest import PASSWORD
from .test_login_throttle import T0, attempt

ATTACKER, OWNER = "203.0.113.66", "10.0.0.1"


def test_an_attackers_failures_lock_only_the_attackers_address(engine):
    for i in range(throttle.PAIR_LIMIT):
        assert isinstance(attempt(engine, f"guess-{i}", address=ATTACKER, at=T0 + dt.timedelta(seconds=i)),
                          Unauthenticated)
    # the attacker's address is locked for the account, even with the right password
    locked = attempt(engine, PASSWORD, address=ATTACKER, at=T0 + dt.timedelta(minutes=1))
    assert isinstance(locked, Locked) and locked.status == 423
    # the words say what the person did (signing in), not how it is counted (by address: meaningless to them)
    assert "该账号登录失败次数过多" in locked.message and "地址" not in locked.message
    # the owner, from the office, signs in at once
    assert isinstance(attempt(engine, PASSWORD, address=OWNER, at=T0 + dt.timedelta(minutes=1)), tuple)
    # … and the owner's success does not unlock the attacker
    assert isinstance(attempt(engine, PASSWORD, address=ATTACKER, at=T0 + dt.timedelta(minutes=2)), Locked)
    with session_scope(engine) as s:
        details = [e.detail for e in s.scalars(select(AuditEntry).where(AuditEntry.action == "login_failed")
                                                  .order_by(AuditEntry.id))]
    assert "pair_locked_until" in details[throttle.PAIR_LIMIT - 1]
    assert details[-1]["reason"] == "account_locked" and details[-1]["address"] == ATTACKER


def test_guessing_from_many_addresses_slows_them_and_never_the_owner(engine):
    at = T0
    for i in range(throttle.ACCOUNT_SLOW + 5):  # one guess from each of many addresses (a botnet)
        at = T0 + dt.timedelta(seconds=i)
        assert isinstance(attempt(engine, "wrong", address=f"198.51.100.{i + 1}", at=at), Unauthenticated)
    # the addresses that guessed after the account was slowed wait SLOW_DELAY before their next guess
    slowed = attempt(engine, "wrong-again", address=f"198.51.100.{throttle.ACCOUNT_SLOW + 5}",
                     at=at + dt.timedelta(seconds=1))
    assert isinstance(slowed, Locked) and 0 < slowed.retry_after <= throttle.SLOW_DELAY.total_seconds()
    later = at + throttle.SLOW_DELAY + dt.timedelta(seconds=1)
    assert isinstance(attempt(engine, "wrong-again", address=f"198.51.100.{throttle.ACCOUNT_SLOW + 5}", at=later),
                      Unauthenticated)
    # an address that guessed before the slow-down is not held, and an address with no failure never is
    assert isinstance(attempt(engine, "wrong-again", address="198.51.100.1", at=at + dt.timedelta(seconds=1)),
                      Unauthenticated)
    assert isinstance(attempt(engine, PASSWORD, address=OWNER, at=at + dt.timedelta(seconds=2)), tuple)


def test_one_address_is_still_limited_across_accounts(engine):
    for i in range(throttle.ADDRESS_LIMIT):
        attempt(engine, "wrong", username=f"user{i}", address=ATTACKER, at=T0 + dt.timedelta(seconds=i))
    assert isinstance(attempt(engine, PASSWORD, address=ATTACKER, at=T0 + dt.timedelta(minutes=1)), TooManyRequests)
    assert isinstance(attempt(engine, PASSWORD, address=OWNER, at=T0 + dt.timedelta(minutes=1)), tuple)


def test_the_audits_reproduction_through_the_api(backend_url, engine):
    """5 wrong passwords for a staff account from one client, then the right one: 423 there, 200 elsewhere."""
    attacker = TestClient(create_app(backend_url), client=(ATTACKER, 40000))
    owner = TestClient(create_app(backend_url), client=(OWNER, 40001))
    for i in range(throttle.PAIR_LIMIT):
        assert attacker.post("/api/auth/login", json={"username": "win_hn", "password": f"x{i}"}).status_code == 401
    r = attacker.post("/api/auth/login", json={"username": "win_hn", "password": PASSWORD})
    assert r.status_code == 423 and int(r.headers["Retry-After"]) > 0
    r = owner.post("/api/auth/login", json={"username": "win_hn", "password": PASSWORD})
    assert r.status_code == 200, r.text
