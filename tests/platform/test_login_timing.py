"""Issue 11, item 4: a wrong password for a real account and any password for an unknown username take
the same time (an unknown user costs a scrypt check against a dummy hash) and get the same answer."""

from __future__ import annotations

import statistics
import time

from fastapi.testclient import TestClient

from kuaiban.app import create_app
from kuaiban.db import connect, session_scope
from kuaiban.platform import auth, throttle

from .conftest import PASSWORD

ROUNDS = 12
USERS = 3  # each takes ROUNDS / USERS failures: below the account lock


def test_unknown_and_known_usernames_answer_alike_in_the_same_time(backend_url, monkeypatch):
    monkeypatch.setattr(auth, "_SCRYPT", {"n": 2**14, "r": 8, "p": 1})  # the production cost
    assert ROUNDS // USERS < throttle.PAIR_LIMIT and 2 * ROUNDS < throttle.ADDRESS_LIMIT
    with session_scope(connect(backend_url)) as s:
        for i in range(USERS):
            auth.create_user(s, f"staff{i}", PASSWORD, "window", region="430000")
    client = TestClient(create_app(backend_url))
    client.post("/api/auth/login", json={"username": "warm-up", "password": "x"})  # first-request costs
    times: dict[str, list[float]] = {"known": [], "unknown": []}
    answers = set()
    for i in range(ROUNDS):  # interleaved, so a change in the machine's load hits both alike
        for kind, name in (("known", f"staff{i % USERS}"), ("unknown", f"nobody{i}")):
            start = time.perf_counter()
            r = client.post("/api/auth/login", json={"username": name, "password": "Wrong-Guess-123"})
            times[kind].append(time.perf_counter() - start)
            answers.add((r.status_code, r.json()["detail"], r.json()["field"]))
    assert answers == {(401, "用户名或密码错误", "password")}
    known, unknown = statistics.median(times["known"]), statistics.median(times["unknown"])
    assert abs(known - unknown) / max(known, unknown) < 0.30, (known, unknown)
