"""A request body that is not JSON (audit s20 NEW-5): `{bad` to /api/auth/login answered 422 “字段 1 不是有效的 JSON”
with ``"field": "1"`` — pydantic's character position shown as a field name. Every API route now says
“请求内容不是有效的 JSON（第 N 个字符附近）” with no field, through the one validation-error path."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from kuaiban.app import create_app

HEADERS = {"Content-Type": "application/json"}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    path = tmp_path_factory.mktemp("json") / "k.db"
    with TestClient(create_app(f"sqlite:///{path}")) as c:
        yield c


@pytest.mark.parametrize("path", ["/api/auth/login", "/api/calc/unemployment_benefit", "/api/admin/materials",
                                  "/api/unemployment/registrations"])
def test_a_body_that_is_not_json_is_named_as_such_without_a_field(client, path: str) -> None:
    r = client.post(path, content=b"{bad", headers=HEADERS)
    if r.status_code in (401, 403, 404, 405):  # a route that turns the caller away before reading the body
        pytest.skip(f"{path}: {r.status_code}")
    assert r.status_code == 422, (path, r.status_code, r.text)
    body = r.json()
    # `{bad`: the decoder stops at the b, the 2nd character
    assert body["detail"] == "请求内容不是有效的 JSON（第 2 个字符附近）", body
    assert body.get("field") is None
    assert all(e.get("field") is None for e in body.get("errors", []))


def test_the_login_route_the_audit_used(client) -> None:
    r = client.post("/api/auth/login", content=b"{bad", headers=HEADERS)
    assert r.status_code == 422 and r.json()["detail"] == "请求内容不是有效的 JSON（第 2 个字符附近）"
    r = client.post("/api/auth/login", content=b'{"username": "a",\n "password": }', headers=HEADERS)
    assert r.status_code == 422 and r.json()["detail"].startswith("请求内容不是有效的 JSON（第 ")
    assert "字段" not in r.json()["detail"]
