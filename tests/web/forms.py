"""Posting the site's forms from a TestClient as a browser does: every form carries the CSRF token of
the page it was shown on (before signing in, bound to the pre-session cookie that page set)."""

from __future__ import annotations

import re

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
