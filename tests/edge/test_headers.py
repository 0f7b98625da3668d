"""Every response carries the security headers; the pages satisfy their Content-Security-Policy."""

from __future__ import annotations

from fastapi.testclient import TestClient

from kuaiban.edge.headers import CSP


def test_pages_api_errors_and_static_files_carry_the_headers(sqlite_client):
    for path in ("/", "/library", "/api/health", "/no-such-page", "/api/no-such", "/static/site.css", "/docs"):
        r = sqlite_client.get(path)
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"], path
        assert r.headers["x-content-type-options"] == "nosniff", path
        assert r.headers["x-frame-options"] == "DENY", path
        assert r.headers["referrer-policy"] == "strict-origin-when-cross-origin", path
        assert "strict-transport-security" not in r.headers, path  # plain http


def test_the_policy_allows_only_this_sites_own_scripts_and_styles(sqlite_client):
    policy = sqlite_client.get("/").headers["content-security-policy"]
    assert policy == CSP
    assert "script-src 'self';" in policy and "'unsafe-inline'" not in policy


def test_hsts_only_over_https(tmp_path, monkeypatch):
    from kuaiban.app import create_app

    monkeypatch.setenv("KUAIBAN_VAR", str(tmp_path))
    with TestClient(create_app(f"sqlite:///{tmp_path / 'k.db'}"), base_url="https://testserver") as c:
        assert c.get("/api/health").headers["strict-transport-security"].startswith("max-age=31536000")


def test_no_template_has_inline_script_or_style():
    """What the policy forbids, the pages must not need: no <script> body, style attribute or on… handler."""
    import re

    from kuaiban.web.templating import HERE

    for path in (HERE / "templates").rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert not re.search(r"<style\b|\sstyle=|\son[a-z]+=", html), path
