"""Fixtures of the platform tests: a province with its cities' staff (administration), on a fresh database of
each backend, with regions as 行政区划代码 (430000 湖南省, 430100 长沙市, 430104 岳麓区, 430200 株洲市); and the
快办 test world (a region, its staff, two applicants) for the message centre; synthetic ID numbers and a way
to fire requests at the same instant from several threads for the account-security tests; a real CLI process
and writing to the audit table as its owner would, for the audit-chain tests."""

from __future__ import annotations

import datetime as dt
import itertools
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine, create_engine, text

from kuaiban.db import connect, session_scope
from kuaiban.platform import auth, calendar
from kuaiban.platform.models import User
from kuaiban.unemployment.idnumber import compose
from tests.services.conftest import World, make_world

PASSWORD = "Quiet-Lantern-47"  # passes the policy: 16 characters, three classes, not guessable
_numbers = itertools.count(101, 2)


@dataclass
class Province:
    engine: Engine
    province: User  # 监督人员 of 430000
    changsha: User  # 监督人员 of 430100
    yuelu: User  # 监督人员 of 430104
    changsha_clerk: User  # 窗口人员 of 430100
    yuelu_reviewer: User  # 后台审核人员 of 430104
    zhuzhou_clerk: User  # 窗口人员 of 430200
    peer: User  # a second 监督人员 of 430100

    def session(self):
        return session_scope(self.engine)


@pytest.fixture(autouse=True)
def forget_entered_holidays() -> Iterator[None]:
    """The calendar is process-wide: leave no entered year behind for the next test."""
    yield
    calendar.install_entered({}, None)


@pytest.fixture
def engine(backend_url) -> Engine:
    """A fresh database of each backend with one account, 湖南's window clerk ``win_hn`` (PASSWORD): what the
    login and form rate-limit tests count against. A test file may define its own ``engine``."""
    engine = connect(backend_url)
    with session_scope(engine) as s:
        auth.create_user(s, "win_hn", PASSWORD, "window", region="430000")
    return engine


def make_province(url: str) -> Province:
    engine = connect(url)
    with session_scope(engine) as s:
        def staff(name: str, role: str, region: str) -> User:
            return auth.create_user(s, name, PASSWORD, role, region=region, display_name=f"测试{name}")

        users = dict(province=staff("hn-sup", "supervisor", "430000"), changsha=staff("cs-sup", "supervisor", "430100"),
                     yuelu=staff("yl-sup", "supervisor", "430104"), changsha_clerk=staff("cs-win", "window", "430100"),
                     yuelu_reviewer=staff("yl-rev", "reviewer", "430104"),
                     zhuzhou_clerk=staff("zz-win", "window", "430200"), peer=staff("cs-sup2", "supervisor", "430100"))
    return Province(engine, **users)


@pytest.fixture
def hunan(backend_url) -> Province:
    return make_province(backend_url)


@pytest.fixture
def world(backend_url) -> World:
    return make_world(backend_url)


def citizen_number() -> str:
    """A well-formed 公民身份号码 of nobody: county 430102, 1990, a fresh odd order code each call."""
    return compose("430102", dt.date(1990, 5, 17), next(_numbers) % 1000)


def at_once(n: int, request: Callable[[int], object]) -> list:
    """``request(i)`` for i in 0..n-1 on n threads released together by a barrier; the answers in order."""
    barrier = threading.Barrier(n)
    answers: list = [None] * n

    def run(i: int) -> None:
        barrier.wait()
        try:
            answers[i] = request(i)
        except Exception as exc:  # reported as the answer, so a crash shows in the assertion
            answers[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return answers


def kuaiban(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kuaiban", *args], capture_output=True, text=True, timeout=120)


def as_table_owner(url: str, *statements: str) -> None:
    """Run SQL on the audit table with its append-only triggers out of the way — what someone holding the
    database file (SQLite) or the owner role (PostgreSQL) can do, and what the hash chain must reveal."""
    if url.startswith("sqlite"):
        conn = sqlite3.connect(url.removeprefix("sqlite:///"))
        triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type='trigger' AND tbl_name='svc_audit'"
                                ).fetchall()
        for name, _ in triggers:
            conn.execute(f"DROP TRIGGER {name}")
        for stmt in statements:
            conn.execute(stmt)
        for _, sql in triggers:
            conn.execute(sql)
        conn.commit()
        conn.close()
        return
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE svc_audit DISABLE TRIGGER USER"))
        for stmt in statements:
            conn.execute(text(stmt))
        conn.execute(text("ALTER TABLE svc_audit ENABLE TRIGGER USER"))
    engine.dispose()
