"""Fixtures of the account-security tests: a fresh database of each backend, synthetic ID numbers,
and a way to fire requests at the same instant from several threads."""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from collections.abc import Callable

import pytest

from kuaiban.platform import auth
from kuaiban.unemployment.idnumber import compose

PASSWORD = "Quiet-Lantern-47"  # passes the policy: 16 characters, three classes, not guessable
_numbers = itertools.count(101, 2)


@pytest.fixture(autouse=True)
def cheap_scrypt(monkeypatch):
    """Accounts are many here: a cheaper scrypt keeps the tests fast (the timing test sets the real cost)."""
    monkeypatch.setattr(auth, "_SCRYPT", {"n": 2**10, "r": 8, "p": 1})


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
