"""Counting clients for the rate limits (kuaiban.platform.throttle), after the s15 review (S2).

- An IPv6 client holds a whole /64 and may rotate through its addresses: it is counted by the /64. An IPv4
  address, or an IPv4-mapped one, is counted whole.
- 注册 has no account to count: its address limit lets a service hall or a carrier's NAT through.
- A counter whose window and lock are over is deleted by a periodic job: no client address is kept longer
  than the counting needs (个人信息保护法 第十九条).
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from kuaiban.db import session_scope
from kuaiban.platform import jobs, throttle
from kuaiban.platform.errors import TooManyRequests
from kuaiban.platform.models import LoginThrottle

T0 = dt.datetime(2026, 12, 2, 9, 0)


@pytest.mark.parametrize(("address", "counted"), [
    ("203.0.113.7", "203.0.113.7"),
    ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"),
    ("2001:db8:1:2::1", "2001:db8:1:2::/64"),
    ("2001:DB8:1:2:0:0:0:9", "2001:db8:1:2::/64"),
    ("2001:db8:1:3::1", "2001:db8:1:3::/64"),
    ("::ffff:203.0.113.7", "203.0.113.7"),
    ("fe80::1%eth0", "fe80::/64"),
    ("testclient", "testclient"),
])
def test_a_client_is_counted_by_its_ipv4_address_or_its_ipv6_64(address: str, counted: str) -> None:
    assert throttle.client(address) == counted
    assert throttle.address_key(address) == f"address:{counted}"


def test_the_forms_keys_use_the_counted_part(monkeypatch) -> None:
    monkeypatch.setitem(throttle.FORM_LIMITS, "calc_batch", (10, 10))
    assert throttle.submission_keys("calc_batch", "2001:db8:1:2::5", 7) == [
        ("calc_batch:address:2001:db8:1:2::/64", 10), ("calc_batch:account:7", 10)]


def test_register_lets_a_shared_address_through() -> None:
    """200 posts in 15 minutes per address (the tests' own FORM_LIMITS are lifted, tests/conftest.py)."""
    assert throttle.REGISTER_ADDRESS_LIMIT == 200


def test_rotating_ipv6_addresses_of_one_64_share_one_limit(engine, monkeypatch) -> None:
    monkeypatch.setitem(throttle.FORM_LIMITS, "calc_batch", (3, 3))
    for i in range(3):  # the third reaches the limit and is still served
        with session_scope(engine) as s:
            throttle.limit_submissions(s, throttle.submission_keys("calc_batch", f"2001:db8:9:9::{i + 1:x}"),
                                       T0 + dt.timedelta(seconds=i))
    with session_scope(engine) as s, pytest.raises(TooManyRequests):
        throttle.limit_submissions(s, throttle.submission_keys("calc_batch", "2001:db8:9:9:ffff::1"),
                                   T0 + dt.timedelta(seconds=5))
    with session_scope(engine) as s:  # the next /64 is another subscriber
        throttle.limit_submissions(s, throttle.submission_keys("calc_batch", "2001:db8:9:a::1"),
                                   T0 + dt.timedelta(seconds=6))


def _keys(engine) -> set[str]:
    with session_scope(engine) as s:
        return set(s.scalars(select(LoginThrottle.key)))


def test_counters_whose_window_and_lock_are_over_are_deleted(engine, monkeypatch) -> None:
    monkeypatch.setitem(throttle.FORM_LIMITS, "register", (2, 2))
    with session_scope(engine) as s:
        throttle.fail(s, "register:address:198.51.100.1", 100, T0)  # one post, long ago
        for i in range(2):  # locked at T0+10 min until T0+25 min
            throttle.fail(s, "register:address:198.51.100.2", 2, T0 + dt.timedelta(minutes=10, seconds=i))
        throttle.fail(s, "register:address:198.51.100.3", 100, T0 + dt.timedelta(minutes=14))
    at = T0 + dt.timedelta(minutes=20)
    with session_scope(engine) as s:
        assert throttle.purge(s, at) == 1
    assert _keys(engine) == {"register:address:198.51.100.2", "register:address:198.51.100.3"}
    with session_scope(engine) as s:  # the lock over, the last window over: nothing left
        assert throttle.purge(s, T0 + dt.timedelta(minutes=30)) == 2
    assert _keys(engine) == set()


def test_the_periodic_job_purges_the_counters(engine) -> None:
    with session_scope(engine) as s:
        throttle.fail(s, "address:198.51.100.9", 30, dt.datetime(2020, 1, 1))
    jobs.run_periodic(engine, "purge_throttle")
    assert _keys(engine) == set()
    assert jobs._periodic["purge_throttle"][0] == throttle.PURGE_EVERY
