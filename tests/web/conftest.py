"""Browser-test fixtures, shared by every page group's end-to-end tests.

- ``live_db_url``: the database the live server uses (the full library, built once per session by
  ``library_db_url`` in tests/conftest.py); tests seed users and cases into it with ``kuaiban.db.connect``.
- ``app_client``: a FastAPI TestClient of the app on that database, for fast handler tests.
- ``live_server``: base URL (``http://127.0.0.1:PORT``) of the real app served by uvicorn in a background
  thread on a free port, one per test session; ``KUAIBAN_VAR`` points at a temporary folder.
- ``browser`` (tests/conftest.py, one per test process): Debian's chromium (``/usr/bin/chromium``, installed by ``scripts/_browser``) driven by
  Playwright, headless; Playwright never downloads a browser of its own.
- ``page``: a fresh Playwright page (own cookies) per test.
- ``screenshot(page, name)``: saves ``test-output/<name>.png`` (full page).
- ``check_accessibility(page, actions=())``: labels, headings, alt texts, ``lang="zh-CN"``, and keyboard use
  (Tab reaches each selector in ``actions`` and the focused element shows a visible focus).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kuaiban.config import ROOT
from tests.live import serving

TEST_OUTPUT = ROOT / "test-output"
TAB_LIMIT = 60  # Tab presses to look for an action before calling it unreachable


@pytest.fixture(scope="session")
def live_db_url(library_db_url) -> str:
    return library_db_url


@pytest.fixture(scope="session")
def app_client(live_db_url):
    """A FastAPI TestClient on the same database, for the fast (non-browser) page tests."""
    from fastapi.testclient import TestClient

    from kuaiban.app import create_app

    with TestClient(create_app(live_db_url)) as client:
        yield client


@pytest.fixture(autouse=True)
def app_client_signed_out_after(request) -> Iterator[None]:
    """The session's ``app_client`` is shared: a test that signed in with it (a registration signs in) leaves
    no cookie to the next test, whatever order the files run in (two workers interleave them)."""
    yield
    if "app_client" in request.fixturenames:
        request.getfixturevalue("app_client").cookies.clear()


@pytest.fixture
def town(tmp_path, monkeypatch):
    """(URL, tests.programs' Town) on a fresh SQLite file of the test's own: 北京 and 湖南 applicants and staff, for
    page tests that claim, review and pay (session 17's walks)."""
    from kuaiban.platform import auth
    from tests.programs.conftest import make_town

    monkeypatch.setattr(auth, "_SCRYPT", {"n": 2**10, "r": 8, "p": 1})
    monkeypatch.setenv("KUAIBAN_VAR", str(tmp_path / "var"))
    url = f"sqlite:///{tmp_path / 'k.db'}"
    return url, make_town(url)


@pytest.fixture(scope="session")
def live_server(live_db_url, tmp_path_factory) -> Iterator[str]:
    """The real app (pages + JSON API) on the full-library database, served in a background thread."""
    var = tmp_path_factory.mktemp("var")
    old_var = os.environ.get("KUAIBAN_VAR")
    os.environ["KUAIBAN_VAR"] = str(var)
    try:
        with serving(live_db_url) as base:
            yield base
    finally:
        if old_var is None:
            os.environ.pop("KUAIBAN_VAR", None)
        else:
            os.environ["KUAIBAN_VAR"] = old_var


@pytest.fixture
def page(browser, live_server):
    """A new page with its own cookies, its base URL the live server, Chinese locale."""
    context = browser.new_context(base_url=live_server, locale="zh-CN", viewport={"width": 1280, "height": 900},
                                  accept_downloads=True)
    context.set_default_timeout(15_000)
    pg = context.new_page()
    try:
        yield pg
    finally:
        context.close()


def save_screenshot(page, name: str) -> Path:
    """Save ``test-output/<name>.png`` (the whole page) and return its path."""
    TEST_OUTPUT.mkdir(exist_ok=True)
    path = TEST_OUTPUT / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def screenshot() -> Callable:
    return save_screenshot


# Runs in the page: every problem found, as readable strings.
_AUDIT_JS = r"""
() => {
  const problems = [];
  const describe = el => el.outerHTML.slice(0, 120);
  if (document.documentElement.getAttribute('lang') !== 'zh-CN')
    problems.push('html lang is ' + document.documentElement.getAttribute('lang') + ', not zh-CN');
  if (!document.title.trim()) problems.push('the page has no <title>');
  const controls = document.querySelectorAll(
    'input:not([type=hidden]):not([type=submit]):not([type=button]):not([type=reset]), select, textarea');
  for (const el of controls) {
    const labelled = (el.id && document.querySelector('label[for="' + CSS.escape(el.id) + '"]'))
      || el.closest('label') || (el.getAttribute('aria-label') || '').trim()
      || (el.getAttribute('aria-labelledby') || '').split(/\s+/).some(id => id && document.getElementById(id));
    if (!labelled) problems.push('form control without a label: ' + describe(el));
  }
  const h1s = document.querySelectorAll('h1');
  if (h1s.length !== 1) problems.push('expected exactly one h1, found ' + h1s.length);
  let previous = 0;
  for (const h of document.querySelectorAll('h1, h2, h3, h4, h5, h6')) {
    const level = Number(h.tagName[1]);
    if (previous && level > previous + 1)
      problems.push('heading level skipped: h' + previous + ' then h' + level + ' «' + h.textContent.trim().slice(0, 30) + '»');
    previous = level;
  }
  for (const img of document.querySelectorAll('img'))
    if (!img.hasAttribute('alt')) problems.push('image without alt: ' + describe(img));
  for (const svg of document.querySelectorAll('svg'))
    if (svg.getAttribute('aria-hidden') !== 'true' && !svg.getAttribute('aria-label')
        && !svg.getAttribute('aria-labelledby') && !svg.querySelector('title'))
      problems.push('svg without a text alternative: ' + describe(svg));
  for (const b of document.querySelectorAll('button, a[href]'))
    if (!(b.textContent.trim() || b.getAttribute('aria-label') || b.getAttribute('title')
          || b.querySelector('img[alt]:not([alt=""])')))
      problems.push('button or link without a name: ' + describe(b));
  return problems;
}
"""

_FOCUS_JS = r"""
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const visible = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
    || (style.boxShadow && style.boxShadow !== 'none');
  return {visible, html: el.outerHTML.slice(0, 120)};
}
"""


# Move the sequential-focus starting point to the top of the page, as when it has just loaded.
_TOP_JS = r"""
() => {
  document.activeElement && document.activeElement.blur();
  document.body.setAttribute('tabindex', '-1');
  document.body.focus();
  document.body.removeAttribute('tabindex');
  window.scrollTo(0, 0);
}
"""


def audit_accessibility(page, actions: tuple[str, ...] | list[str] = ()) -> None:
    """Assert the page's accessibility basics; each selector in ``actions`` must be reachable by Tab
    from the top of the page, and show a visible focus when reached."""
    problems = page.evaluate(_AUDIT_JS)
    assert not problems, "accessibility problems:\n" + "\n".join(problems)
    for selector in actions:
        target = page.locator(selector).first
        assert target.count() == 1, f"no element matches {selector}"
        page.evaluate(_TOP_JS)
        for _ in range(TAB_LIMIT):
            page.keyboard.press("Tab")
            if target.evaluate("el => el === document.activeElement"):
                break
        else:
            raise AssertionError(f"Tab never reaches {selector} within {TAB_LIMIT} presses")
        focus = page.evaluate(_FOCUS_JS)
        assert focus and focus["visible"], f"no visible focus on {selector}: {focus}"
    page.evaluate(_TOP_JS)


@pytest.fixture
def check_accessibility() -> Callable:
    return audit_accessibility
