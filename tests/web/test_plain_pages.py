"""No developer text, and 关怀模式 large everywhere: a crawl of every page a visitor, a citizen, an
employer, a window clerk and a supervisor can reach by following links (headless Chromium on the shared
browser-test database), failing on English words, code names, file paths and field keys in what a person
reads (text, placeholders, titles, labels for screen readers), and, with 关怀模式 on, on any text smaller
than its small-text size (19 px), at desktop width and at 390 px.

Allowed: the brand (快办 kuaiban), file formats and units a form names (PDF, JPG, PNG, OFD, MB, CSV, GBK,
UTF-8, Excel, xlsx), standard names (GB/T, LPR, BP), 办件编号 (KB…), 18-character codes, the seeded
accounts' user names (data the person typed), and quoted source text (blockquote, the library's articles, search snippets),
which is printed as the compilations print it.
"""

from __future__ import annotations

import collections
import datetime as dt
import random
import re
from urllib.parse import urljoin, urlparse

import pytest
from sqlalchemy import select

from kuaiban.db import connect, session_scope
from kuaiban.platform import auth
from kuaiban.services import cases
from kuaiban.unemployment import samples
from kuaiban.unemployment.idnumber import compose
from kuaiban.unemployment.registration import submit as ue_submit
from tests.web.test_service_pages import FORM, PASSWORD, seed_region

START = ["/", "/library", "/library?q=失业保险金", "/calc", "/services", "/services/guides", "/progress",
         "/workbench", "/unemployment", "/unemployment/apply", "/programs", "/statistics", "/admin", "/messages",
         "/register", "/login", "/services/cases", "/no-such-page"]
SKIP = re.compile(r"^/(logout|care|docs|redoc|openapi|api/|static/)|/file\b|/files?/|/download|format=|\.csv|"
                  r"/result|/template")
PER_SHAPE = 2  # pages of one shape (ids replaced) looked at per person
ALLOWED = {"kuaiban", "PDF", "JPG", "JPEG", "PNG", "OFD", "MB", "CSV", "GBK", "UTF-8", "Excel", "xlsx", "GB/T",
           "LPR", "BP", "APP", "KB", "www.12333.gov.cn"}
ALLOWED_SHAPES = (re.compile(r"^KB\d{8}[0-9A-F]{10}$"), re.compile(r"^[0-9A-Z]{18}$"), re.compile(r"^\d+X$"),
                  re.compile(r"^\d+BP$"),  # 办件编号, 18-character codes, ID numbers, LPR+50BP
                  re.compile(r"^(?=.*\d)[0-9A-Z]{12}$"))  # 基本编码 of 湖南省公共服务事项目录 (湘政办发〔2020〕19号)

# Every text a person reads outside quoted source text: text nodes, and the attributes read aloud or shown.
_TEXT_JS = r"""
() => {
  const skip = "script, style, blockquote, .article, .att-text, .unit, .snippet, article.document table, .measures .source, svg";
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || el.closest(skip) || !n.textContent.trim()) continue;
    out.push(n.textContent);
  }
  for (const el of document.querySelectorAll('[placeholder], [title], [aria-label], [alt]')) {
    if (el.closest(skip)) continue;
    for (const a of ['placeholder', 'title', 'aria-label', 'alt']) if (el.getAttribute(a)) out.push(el.getAttribute(a));
  }
  for (const o of document.querySelectorAll('option')) if (!o.closest(skip)) out.push(o.textContent);
  out.push(document.title);
  return out.join('\n');
}
"""

# With 关怀模式 on: every rendered text (outside charts) at its small-text size or larger.
_SMALL_JS = r"""
(minimum) => {
  const small = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || !n.textContent.trim() || el.closest('script, style, svg, .skip, .visually-hidden')) continue;
    if (!el.getClientRects().length) continue;  // not rendered (closed details, hidden)
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < minimum) small.push(size + 'px «' + n.textContent.trim().slice(0, 30) + '» in <' + el.tagName.toLowerCase()
                                   + (el.className ? '.' + el.className : '') + '>');
  }
  return small;
}
"""
CARE_MINIMUM = 19


def _shape(path: str) -> str:
    return re.sub(r"[0-9A-Fa-f]{6,}|\d+", "#", path)


def _developer_words(text: str, usernames: set[str]) -> set[str]:
    found = set()
    for token in re.findall(r"[A-Za-z0-9_][A-Za-z0-9_./:-]*", text):
        token = token.rstrip(".:-/")
        if not re.search(r"[A-Za-z]", token) or token in ALLOWED or token in usernames:
            continue
        if any(p.match(token) for p in ALLOWED_SHAPES):
            continue
        found.add(token)
    return found


def _sign_in(page, username: str | None) -> None:
    page.context.clear_cookies()
    if username:
        page.goto("/login")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(re.compile(r"/$"))


def _crawl(page, limit: int):
    """(url, page) for each page reached by links from START, at most PER_SHAPE of a shape."""
    base = urlparse(page.url)
    queue, seen, shapes = list(START), set(), collections.Counter()
    visited = 0
    while queue and visited < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        shape = _shape(urlparse(url).path) + ("?" if "?" in url else "")
        if shapes[shape] >= PER_SHAPE:
            continue
        shapes[shape] += 1
        response = page.goto(url)
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        visited += 1
        yield url
        for href in page.eval_on_selector_all("a[href]", "els => els.map(a => a.getAttribute('href'))"):
            target = urlparse(urljoin(f"{base.scheme}://{base.netloc}{url}", href))
            if target.netloc != base.netloc:
                continue
            path = target.path + (f"?{target.query}" if target.query else "")
            if not SKIP.search(path) and path not in seen:
                queue.append(path)


@pytest.fixture(scope="module")
def people(live_db_url):
    """A county with an employer (with a case), a window clerk, a reviewer, a supervisor, and a citizen of it
    with a 失业登记."""
    region = seed_region(live_db_url)
    tag = region.applicant.removeprefix("corp-")
    number = compose(region.name, dt.date(1990, 5, 17), random.randrange(1, 999, 2))
    with session_scope(connect(live_db_url)) as s:
        me = auth.create_applicant(s, "citizen", "测试丁", id_number=number, region=region.name)
        citizen = auth.create_user(s, f"citizen-{tag}", PASSWORD, "applicant", applicant=me, region=region.name)
        firm = s.scalar(select(auth.User).where(auth.User.username == region.applicant))
        cases.submit(s, firm, "1", FORM, items=["1.1.5", "4.1.1"])
    with session_scope(connect(live_db_url)) as s:
        record = samples.application(AAC002=number, AAC044=number, AAC004="1", AAC003="测试丁",
                                     AAB301=region.name, AAB299=region.name)
        record.pop("ADC201", None)
        try:
            ue_submit(s, s.merge(citizen), {k: v for k, v in record.items() if v is not None},
                      declaration_signed=True)
        except Exception:  # a county the sample record's other codes do not fit: the crawl goes on without
            s.rollback()
    return {"visitor": None, "citizen": f"citizen-{tag}", "employer": region.applicant, "window": region.window,
            "reviewer": region.reviewer, "supervisor": region.supervisor}


@pytest.mark.parametrize("who", ["visitor", "citizen", "employer", "window", "reviewer", "supervisor"])
def test_browser_no_developer_text_on_any_reachable_page(page, people, who):
    usernames = {u for u in people.values() if u} | {people["employer"].removeprefix("corp-")}  # 测试企业<tag>
    _sign_in(page, people[who])
    page.goto("/")
    found: dict[str, set[str]] = collections.defaultdict(set)
    pages = 0
    for url in _crawl(page, 140 if who == "visitor" else 60):
        pages += 1
        for word in _developer_words(page.evaluate(_TEXT_JS), usernames):
            found[word].add(url)
    assert pages >= 15, f"the crawl reached only {pages} pages"
    report = "\n".join(f"{w!r} on {sorted(urls)[:3]}" for w, urls in sorted(found.items()))
    assert not found, f"developer text shown to {who}:\n{report}"


CARE_PAGES = {
    "visitor": ["/", "/library?q=失业保险金", "/calc", "/calc/survivor_benefit", "/services", "/services/guides",
                "/services/guides/1.1.5", "/progress", "/unemployment", "/login", "/register"],
    "employer": ["/services/cases", "/services/bundles/1", "/messages", "/programs"],
    "citizen": ["/unemployment/apply", "/unemployment", "/unemployment/mine", "/calc/pension_adjustment"],
    "window": ["/workbench", "/unemployment/review"],
    "supervisor": ["/statistics", "/admin", "/admin/staff"],
}


@pytest.mark.parametrize("width", [1280, 390])
def test_browser_care_mode_text_is_large_everywhere(page, people, screenshot, width):
    page.set_viewport_size({"width": width, "height": 900})
    problems = []
    for who, urls in CARE_PAGES.items():
        _sign_in(page, people[who])
        page.goto("/care?on=1&next=/")
        for url in urls:
            page.goto(url)
            assert page.locator("body.care").count() == 1
            small = page.evaluate(_SMALL_JS, CARE_MINIMUM)
            problems += [f"{url} ({who}): {s}" for s in small[:5]]
            if width == 390:
                overflow = page.evaluate("document.documentElement.scrollWidth")
                if overflow > width + 1:
                    problems.append(f"{url} ({who}): the page is {overflow} px wide at {width} px")
        if who in ("visitor", "employer", "window"):
            screenshot(page, f"care-{who}-{width}")
    assert not problems, "\n".join(problems)


def test_browser_on_a_phone_a_case_reads_as_cards(page, people, screenshot):
    """At 390 px the applicant's case, their cases and their 失业登记 list are one card per row (each value
    with its heading beside it), never a table squeezed to one character per line."""
    page.set_viewport_size({"width": 390, "height": 844})
    _sign_in(page, people["employer"])
    page.goto("/services/cases")
    assert page.locator("table.stack thead").bounding_box()["height"] <= 1  # kept for screen readers only
    page.locator("table.stack a").first.click()
    page.locator("table.tasks").wait_for()
    for table in ("table.tasks", "table.materials"):
        assert page.locator(f"{table} thead").bounding_box()["height"] <= 1
        cell = page.locator(f"{table} td").first
        assert cell.bounding_box()["width"] > 300  # the whole card's width
        assert cell.evaluate("el => getComputedStyle(el, '::before').content").strip('"') in (
            "事项：", "材料：")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "phone-case-cards")
