"""Browsers get Chinese error pages with a way back; /api gets Chinese JSON; a 500 leaks nothing."""

from __future__ import annotations

from fastapi.testclient import TestClient

from kuaiban.app import create_app


def test_an_unknown_address_is_a_chinese_page_not_json(sqlite_client):
    r = sqlite_client.get("/no/such/page", headers={"Accept": "text/html", "Referer": "http://testserver/library"})
    assert r.status_code == 404 and "text/html" in r.headers["content-type"]
    assert "页面不存在" in r.text and 'href="/library">返回上一页' in r.text and 'href="/">返回首页' in r.text
    assert '{"detail"' not in r.text


def test_a_referer_from_another_site_is_not_offered_as_the_way_back(sqlite_client):
    r = sqlite_client.get("/no/such/page", headers={"Referer": "https://evil.example/x"})
    assert "evil.example" not in r.text and "返回上一页" not in r.text


def test_a_wrong_method_is_a_chinese_page(sqlite_client):
    r = sqlite_client.put("/library")
    assert r.status_code == 405 and "不支持的操作" in r.text and "allow" in r.headers


def test_api_errors_are_chinese_json(sqlite_client):
    assert sqlite_client.get("/api/no-such").json() == {
        "detail": "您访问的页面不存在，可能是网址有误或页面已被移除。", "field": None}
    r = sqlite_client.delete("/api/health")
    assert r.status_code == 405 and r.json()["detail"].startswith("此页面不支持")
    r = sqlite_client.get("/api/cases")
    assert r.status_code == 401 and r.json()["detail"]  # the router's own Chinese message is kept


def test_an_unparsable_json_body_is_chinese(sqlite_client):
    deep = "[" * 100_000 + "]" * 100_000
    r = sqlite_client.post("/api/unemployment/validate", content=deep, headers={"Content-Type": "application/json"})
    assert 400 <= r.status_code < 500
    assert "There was an error" not in r.text
    assert any("\u4e00" <= ch <= "\u9fff" for ch in r.json()["detail"])


def test_a_server_error_says_sorry_in_chinese_and_shows_no_traceback(tmp_path, monkeypatch):
    monkeypatch.setenv("KUAIBAN_VAR", str(tmp_path))
    app = create_app(f"sqlite:///{tmp_path / 'k.db'}")

    @app.get("/api/boom")
    @app.get("/boom")
    def boom():
        raise RuntimeError("SELECT secret FROM svc_users WHERE password_hash = 'scrypt$…'")

    with TestClient(app, raise_server_exceptions=False) as c:
        api = c.get("/api/boom")
        page = c.get("/boom", headers={"Accept": "text/html"})
    assert api.status_code == 500 and api.json()["detail"].startswith("服务器处理时出错")
    assert page.status_code == 500 and "服务暂时出错" in page.text and "返回首页" in page.text
    for r in (api, page):
        assert "SELECT" not in r.text and "Traceback" not in r.text and "RuntimeError" not in r.text
        assert r.headers["x-content-type-options"] == "nosniff"  # headers even on a 500


def test_a_script_asking_for_json_gets_json_outside_the_api_too(sqlite_client):
    r = sqlite_client.get("/calc/no/such/thing", headers={"Accept": "application/json"})
    assert r.status_code == 404 and r.json()["detail"].startswith("您访问的页面不存在")
