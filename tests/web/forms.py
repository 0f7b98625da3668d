"""Posting the site's forms from a TestClient as a browser does: every form carries the CSRF token of
the page it was shown on (before signing in, bound to the pre-session cookie that page set)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient

_TOKEN = re.compile(r'name="csrf" value="([0-9a-f]{64})"')


def csrf_of(html: str) -> str:
    return _TOKEN.search(html).group(1)


def post_login(client: TestClient, username: str, password: str, next: str = "/"):
    """Open /login, then post it with the token it carries; the response (a 303 when signed in)."""
    token = csrf_of(client.get("/login").text)
    return client.post("/login", data={"csrf": token, "username": username, "password": password, "next": next},
                       follow_redirects=False)


def signed_in(app, username: str, password: str) -> TestClient:
    """A client of ``app`` signed in through the login form as ``username``."""
    client = TestClient(app)
    assert post_login(client, username, password).status_code == 303
    return client


def post_logout(client: TestClient):
    """The nav's 退出 button, from any page (here /login, which shows the nav)."""
    token = csrf_of(client.get("/login").text)
    return client.post("/logout", data={"csrf": token}, follow_redirects=False)


def post_register(client: TestClient, data: dict):
    """Open /register, then post ``data`` with the token it carries; the response (a 303 when registered)."""
    token = csrf_of(client.get("/register").text)
    return client.post("/register", data={"csrf": token, **data}, follow_redirects=False)


@contextmanager
def client_without_jobs(url: str) -> Iterator[TestClient]:
    """A TestClient of the app on ``url`` running no background job worker (KUAIBAN_JOB_WORKER=0): a module's
    tests that run the 新的待办 digest themselves are not raced by the periodic one."""
    from kuaiban.app import create_app

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KUAIBAN_JOB_WORKER", "0")
        with TestClient(create_app(url)) as client:
            yield client
