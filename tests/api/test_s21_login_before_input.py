"""Who is calling is checked before what they sent (security audit s21, kuaiban/api/caller_first.py).

Before: an anonymous ``POST /api/programs/claims/1/act {"x": 1}`` answered ``422 字段 outcome 格式错误`` — the shape
of the body taught to anyone, no sign-in needed — and so did every endpoint that checks the token inside
(``as_user``: /api/cases, /api/admin/…, /api/messages/…), and, on every router, a body that is not JSON. Now every
route that needs a signed-in caller answers 401 to a caller without a valid token, whatever the body, path or query;
a signed-in caller still gets the 422 naming the field.
"""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from kuaiban.api.caller_first import bearer, reads
from kuaiban.app import create_app
from kuaiban.db import connect, session_scope
from kuaiban.platform import auth

PASSWORD = "Tall-Granite-Owl-73"
JSON = {"Content-Type": "application/json"}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('first') / 'k.db'}"
    with session_scope(connect(url)) as s:
        auth.create_user(s, "first-sup", PASSWORD, "supervisor", region="430000")
    with TestClient(create_app(url)) as c:
        yield c


def _api_routes(routes) -> list[APIRoute]:
    """Every route under /api, also inside the routers the app includes."""
    found = []
    for route in routes:
        if isinstance(route, APIRoute) and route.path.startswith("/api"):
            found.append(route)
        elif getattr(route, "original_router", None) is not None:
            found += _api_routes(route.original_router.routes)
    return found


def _login_routes(app) -> list[tuple[str, str]]:
    """(method, path) of every API route that reads the bearer token, path parameters filled with text that is
    not a number (itself a validation error where the route wants an integer)."""
    found = []
    for route in _api_routes(app.routes):
        if reads(route.dependant, bearer):
            path = re.sub(r"\{[^}]+\}", "not-a-number", route.path)
            found += [(method, path) for method in sorted(route.methods - {"HEAD"})]
    return found


def test_every_api_route_that_needs_a_sign_in_is_built_by_the_one_route_class(client) -> None:
    """One check for the whole API: a router added later without the class would be caught here."""
    api = [r for r in _api_routes(client.app.routes) if reads(r.dependant, bearer)]
    assert len(api) > 80
    wrong = [r.path for r in api if type(r).__name__ != "CheckedFirst"]
    assert not wrong, wrong


def test_the_audits_example_is_401_not_the_shape_of_the_body(client) -> None:
    r = client.post("/api/programs/claims/1/act", json={"x": 1})
    assert r.status_code == 401, r.text
    assert r.json() == {"detail": "未登录：请在 Authorization 头中提供令牌", "field": "Authorization"}
    assert "outcome" not in r.text
    r = client.post("/api/cases", json={"x": 1}, headers={"Authorization": "Bearer not-a-token"})
    assert r.status_code == 401 and r.json()["detail"] == "令牌无效或已注销"
    assert "bundle" not in r.text


def test_every_login_route_answers_401_to_a_bad_body_without_a_valid_token(client) -> None:
    routes = _login_routes(client.app)
    assert len(routes) > 80
    for headers in ({}, {"Authorization": "Bearer not-a-token"}):
        wrong = []
        for method, path in routes:
            # a body that is not JSON, and a query parameter of the wrong type where a route has one
            r = client.request(method, path + "?limit=x&page=x&hours=x", content=b"{bad", headers=JSON | headers)
            if r.status_code != 401:
                wrong.append((method, path, r.status_code, r.text[:80]))
        assert not wrong, wrong


def test_a_broken_multipart_form_is_401_before_it_is_read(client) -> None:
    headers = {"Content-Type": "multipart/form-data; boundary=x"}
    for path in ("/api/programs/x/claims/upload", "/api/uploads"):
        r = client.post(path, content=b"--x\r\nbroken", headers=headers)
        assert r.status_code == 401, (path, r.status_code, r.text)


def test_a_signed_in_caller_still_learns_which_field_is_wrong(client) -> None:
    r = client.post("/api/auth/login", json={"username": "first-sup", "password": PASSWORD})
    signed_in = {"Authorization": f"Bearer {r.json()['token']}"}
    r = client.post("/api/programs/claims/1/act", json={"x": 1}, headers=signed_in)
    assert r.status_code == 422 and r.json()["field"] == "outcome"
    r = client.post("/api/admin/materials", content=b"{bad", headers=JSON | signed_in)
    assert r.status_code == 422 and r.json()["detail"] == "请求内容不是有效的 JSON（第 2 个字符附近）"
    r = client.get("/api/cases?limit=x", headers=signed_in)
    assert r.status_code == 422 and r.json()["field"] == "limit"


def test_public_routes_keep_answering_their_input(client) -> None:
    """Routes without a sign-in are judged on what they were sent, as before."""
    r = client.post("/api/auth/login", content=b"{bad", headers=JSON)
    assert r.status_code == 422 and r.json()["detail"].startswith("请求内容不是有效的 JSON")
    r = client.post("/api/unemployment/validate", json={"x": 1})
    assert r.status_code == 422


def test_the_partner_interface_judges_the_partners_token_first(client) -> None:
    """失业保险关系转移's partner systems sign their messages with X-Partner-Token: a message that does not parse
    from a sender without a registered token is 401 (it was 422)."""
    r = client.post("/api/unemployment/transfer-exchange/v1/transfer-messages", content=b"{bad", headers=JSON)
    assert r.status_code == 401 and r.json()["field"] == "X-Partner-Token", r.text
    r = client.post("/api/unemployment/transfer-exchange/v1/transfer-messages", content=b"{bad",
                    headers=JSON | {"X-Partner-Token": "guess"})
    assert r.status_code == 401
