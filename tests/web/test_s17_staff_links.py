"""Staff (窗口, 审核, 监督) are offered only links they may use: each signs in, opens the pages its nav
offers and follows every same-site link from them on (GET), page after page — none answers 无权访问 (403).
The walk (s17) found about twenty applicant-only links (申请, 申领, 在线申请, 我的…) on staff pages, each
ending in a 403."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest

from kuaiban.db import connect, session_scope
from kuaiban.platform import auth
from kuaiban.platform.models import REVIEWER, SUPERVISOR, WINDOW
from tests.web.forms import client_without_jobs, post_login

PASSWORD = "correct-horse-42"
REGION = "430100"
STAFF = (WINDOW, REVIEWER, SUPERVISOR)
_NAV = re.compile(r'<nav aria-label="主导航">(.*?)</nav>', re.S)
_HREF = re.compile(r'<a\b[^>]*\bhref="([^"#]+)"')
_SKIP = ("/logout", "/static/")  # signing out is not a page; files are not pages
# links a staff role is shown and refused on purpose, with the reason (none so far)
LEGITIMATE_403: dict[str, dict[str, str]] = {}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('staff-links') / 'kuaiban.db'}"
    with session_scope(connect(url)) as s:
        for role in STAFF:
            auth.create_user(s, f"staff-{role}", PASSWORD, role, region=REGION)
    with client_without_jobs(url) as client:  # the tests run the 新的待办 digest themselves
        yield client


def _same_site(base: str, href: str) -> str | None:
    target = urlsplit(urljoin(base, href))
    if target.scheme not in ("", "http") or target.netloc not in ("", "testserver"):
        return None
    path = target.path + (f"?{target.query}" if target.query else "")
    return None if path.startswith(_SKIP) else path


@pytest.mark.parametrize("role", STAFF)
def test_no_link_on_a_staff_members_pages_answers_403(site, role):
    site.cookies.clear()
    assert post_login(site, f"staff-{role}", PASSWORD).status_code == 303
    home = site.get("/")
    assert home.status_code == 200
    nav = list(dict.fromkeys(_HREF.findall(_NAV.search(home.text).group(1))))
    refused: dict[str, str] = {}
    seen: dict[str, int] = {}
    crawled: set[str] = set()
    frontier = ["/", *nav]
    for depth in range(8):  # the nav's pages, then every page they lead to (on a fresh site: 3 steps)
        following: list[str] = []
        for page in frontier:
            if page in crawled:
                continue
            crawled.add(page)
            answer = site.get(page)
            if depth == 0:
                assert answer.status_code == 200, f"{role}: nav page {page} answers {answer.status_code}"
            if answer.status_code != 200:
                continue
            for href in _HREF.findall(answer.text):
                target = _same_site("http://testserver" + page, href)
                if target is None:
                    continue
                if target not in seen:
                    seen[target] = site.get(target).status_code
                    if seen[target] == 200:
                        following.append(target)
                if seen[target] == 403:
                    refused.setdefault(target, page)
        frontier = following
        if not frontier:
            break
    expected = LEGITIMATE_403.get(role, {})
    unexpected = {t: p for t, p in refused.items() if t not in expected}
    assert not unexpected, f"{role} is offered links it is refused (link: page): {unexpected}"
    assert len(seen) > 20  # the crawl reached the pages' links
