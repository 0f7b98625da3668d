"""/docs renders Swagger UI in a real browser from this server's own files, under the site's CSP."""

from __future__ import annotations

from urllib.parse import urlsplit


def test_the_api_docs_render_offline_with_no_policy_violation(page, live_server, screenshot):
    requested: list[str] = []
    problems: list[str] = []
    page.on("request", lambda req: requested.append(req.url))
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))

    page.goto("/docs")
    page.locator(".swagger-ui .info .title").wait_for()
    assert "快办 kuaiban" in page.locator(".swagger-ui .info .title").inner_text()
    page.locator(".opblock-tag", has_text="快办服务").first.wait_for()
    assert page.locator(".opblock").count() > 20  # the operations are listed
    screenshot(page, "api-docs")

    own = urlsplit(live_server).netloc
    assert all(urlsplit(url).netloc == own for url in requested if url.startswith("http")), requested
    assert any(url.endswith("/docs-assets/swagger-ui-bundle.js") for url in requested)
    assert not problems, problems  # no Content-Security-Policy violation, no script error
