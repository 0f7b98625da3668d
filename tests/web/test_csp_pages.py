"""Every public page renders under the site's Content-Security-Policy without a single violation."""

from __future__ import annotations

PAGES = ("/", "/library", "/library?q=失业保险金", "/calc", "/calc/pension_adjustment", "/services", "/login",
         "/register", "/unemployment", "/statistics", "/no-such-page")


def test_public_pages_raise_no_policy_violation(page):
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(f"{page.url}: {msg.text}")
            if "Content Security Policy" in msg.text else None)
    for path in PAGES:
        response = page.goto(path)
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"], path
        page.wait_for_load_state("load")
    assert not violations, violations
