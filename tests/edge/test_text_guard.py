"""A NUL character (which PostgreSQL cannot store) or an absurdly long text is refused at the edge with 422
naming the field — on SQLite and PostgreSQL alike, where PostgreSQL used to answer 500."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from kuaiban.db import connect, session_scope
from kuaiban.edge import errors
from kuaiban.edge.text_guard import MAX_TEXT
from kuaiban.platform import auth


def test_nul_in_a_json_login_name_is_a_422_naming_the_field(client):
    r = client.post("/api/auth/login", json={"username": "a\u0000b", "password": "x"})
    assert r.status_code == 422
    assert r.json()["field"] == "username" and "NUL" in r.json()["detail"]


def test_nul_deep_inside_a_json_body_names_its_path(client):
    r = client.post("/api/cases", json={"bundle": "3", "form": {"姓名": "测试\u0000甲"}})
    assert r.status_code == 422 and r.json()["field"] == "form.姓名"


def test_nul_in_a_query_parameter_or_the_path_is_a_422(client):
    r = client.get("/api/cases?status=a%00b")
    assert (r.status_code, r.json()["field"]) == (422, "status")
    r = client.get("/api/cases/KB%00x")
    assert (r.status_code, r.json()["field"]) == (422, "path")


def test_nul_in_a_page_form_gets_a_chinese_page(client):
    r = client.post("/login", data={"username": "a\x00b", "password": "x"}, headers={"Accept": "text/html"})
    assert r.status_code == 422
    assert "text/html" in r.headers["content-type"]
    assert "“username”含有不允许的控制字符" in r.text


def test_a_text_longer_than_the_limit_is_refused(client):
    r = client.post("/api/auth/login", json={"username": "u", "password": "x" * (MAX_TEXT + 1)})
    assert r.status_code == 422
    assert r.json() == {"detail": f"“password”过长：不超过 {MAX_TEXT} 个字符", "field": "password"}


def test_ordinary_input_passes_untouched(client):
    r = client.post("/api/auth/login", json={"username": "无此用户", "password": "x" * MAX_TEXT})
    assert r.status_code == 401  # the login handler answered


@pytest.fixture
def refusing_db_app(backend_url) -> TestClient:
    """A route that stores what it is given in a text column: the database-error handler's case
    (multipart text, which the guard does not read)."""
    engine = connect(backend_url)
    app = FastAPI()
    errors.install(app)

    @app.get("/api/echo")
    def echo(value: str) -> dict:
        with engine.begin() as conn:
            return {"stored": conn.execute(text("SELECT CAST(:v AS VARCHAR(20))"), {"v": value}).scalar()}

    return TestClient(app, raise_server_exceptions=False)


def test_a_value_the_database_refuses_is_a_422_not_a_500(refusing_db_app, backend_url):
    r = refusing_db_app.get("/api/echo", params={"value": "a\x00b"})  # no guard in this app: reaches the DB
    if backend_url.startswith("sqlite"):
        assert r.status_code == 200  # SQLite stores the NUL
    else:
        assert r.status_code == 422
        assert "无法保存的字符" in r.json()["detail"]
        assert "NUL" not in r.text and "SELECT" not in r.text


def test_an_integer_beyond_what_the_database_holds_is_a_422(client, backend_url):
    """SQLite's driver cannot bind it (OverflowError), PostgreSQL refuses it (DataError): a 422 on both."""
    with session_scope(connect(backend_url)) as s:
        person = auth.create_applicant(s, "citizen", "测试丙", region="430000")
        auth.create_user(s, "overflow_t", "Overfl0w-Test-42", "applicant", applicant=person, region="430000")
    token = client.post("/api/auth/login", json={"username": "overflow_t", "password": "Overfl0w-Test-42"}).json()
    r = client.get("/api/cases", params={"offset": 10**30}, headers={"Authorization": f"Bearer {token['token']}"})
    assert r.status_code == 422 and "超出范围" in r.json()["detail"]
