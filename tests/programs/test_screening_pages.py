"""Starting a 稳岗返还 screening from the pages and the JSON API (not only `kuaiban programs screen`): a 审核 or
监督 account picks the program, a registry and the date, supplies the local figures the texts do not print,
and the screening runs on the job queue; its page and the API show the regions screened so far, then the
result (enterprises screened, eligible, total) or the reason it failed. A window clerk may do neither; a bad
request is refused at once with the message beside its field. Handlers on both backends, then a supervisor
in headless Chromium."""

from __future__ import annotations

import re
import time

import pytest
from fastapi.testclient import TestClient

from kuaiban import config as app_config
from kuaiban.app import create_app
from tests.live import serving
from tests.platform.conftest import PASSWORD, make_province
from tests.programs.screening_data import credit_code, enterprise, people, write_registry
from tests.web.forms import csrf_of, post_login

PROGRAM = "stable_job_refund_2021"
FIGURES = {"layoff_rate_cap": "0.055", "fund_reserve_ok": "true",
                    "refund_share_sme": "0.6", "refund_share_large": "0.3"}


def yuelu_registry(var) -> None:
    """岳麓区: one small enterprise of 10 insured staff who each paid 1000.00 last year (60 % → 600.00)."""
    a = credit_code("430104")
    write_registry(var / "screening" / "registries" / "yuelu-2020", 2020,
                   {"430104": ([enterprise(a, "small")], people(a, 10, 10000))})


@pytest.fixture
def site(backend_url, tmp_path, monkeypatch):
    monkeypatch.setattr(app_config, "VAR", tmp_path / "var")
    yuelu_registry(tmp_path / "var")
    make_province(backend_url)
    with TestClient(create_app(backend_url)) as client:  # the lifespan runs the node's job worker
        yield client


def api_login(client, username: str) -> dict:
    r = client.post("/api/auth/login", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def followed(get, until) -> object:
    """``get()`` again until ``until(answer)`` (the job finished), at most a minute."""
    deadline = time.monotonic() + 60
    while not until(answer := get()):
        assert time.monotonic() < deadline, "the screening did not finish"
        time.sleep(0.2)
    return answer


def test_a_reviewer_starts_a_screening_through_the_api_and_follows_it(site) -> None:
    reviewer, clerk = api_login(site, "yl-rev"), api_login(site, "cs-win")
    choices = site.get("/api/programs/screenings/choices", headers=reviewer).json()
    assert choices["registries"] == ["yuelu-2020"]
    offered = {p["code"]: [f["name"] for f in p["figures"]] for p in choices["programs"]}
    assert sorted(offered[PROGRAM]) == sorted(FIGURES)

    request = {"program": PROGRAM, "registry": "yuelu-2020", "as_of": "2021-07-01"}
    missing = site.post("/api/programs/screenings", headers=reviewer,
                        json=request | {"figures": {"layoff_rate_cap": "0.055"}})
    assert missing.status_code == 422 and missing.json()["field"] == "fund_reserve_ok"
    assert "--set" not in missing.json()["detail"]  # a person reads it on a page too
    late = site.post("/api/programs/screenings", headers=reviewer, json=request | {"as_of": "2019-01-01",
                                                                                   "figures": FIGURES})
    assert late.status_code == 422 and late.json()["field"] == "as_of"
    assert site.post("/api/programs/screenings", headers=clerk, json=request | {"figures": FIGURES}).status_code == 403

    started = site.post("/api/programs/screenings", headers=reviewer, json=request | {"figures": FIGURES})
    assert started.status_code == 202, started.text
    job = started.json()
    assert job["state"] in ("queued", "running", "done") and job["regions"] == 1
    done = followed(lambda: site.get(f"/api/programs/screenings/{job['job']}", headers=reviewer).json(),
                    lambda j: j["state"] in ("done", "failed"))
    assert done["state"] == "done", done["message"]
    assert (done["rows"], done["eligible"], done["total_amount"]) == (1, 1, "600.00")
    assert done["regions_done"] == done["regions"] == 1 and done["program_name"]
    assert site.get(f"/api/programs/screenings/{job['job']}", headers=clerk).status_code == 404

    # the result becomes the program's list (a draft to publish); importing it again changes nothing
    imported = site.post(f"/api/programs/screenings/{job['job']}/import", headers=reviewer)
    assert imported.status_code == 200, imported.text
    listed = imported.json()
    assert (listed["outcome"], listed["status"], listed["listed"], listed["total"]) == ("imported", "draft", 1, "600.00")
    again = site.post(f"/api/programs/screenings/{job['job']}/import", headers=reviewer).json()
    assert (again["run"], again["outcome"]) == (listed["run"], "unchanged")
    assert site.post(f"/api/programs/screenings/{job['job']}/import", headers=clerk).status_code == 404


def screened(site, reviewer) -> dict:
    request = {"program": PROGRAM, "registry": "yuelu-2020", "as_of": "2021-07-01", "figures": FIGURES}
    job = site.post("/api/programs/screenings", headers=reviewer, json=request).json()
    return followed(lambda: site.get(f"/api/programs/screenings/{job['job']}", headers=reviewer).json(),
                    lambda j: j["state"] in ("done", "failed"))


def test_the_import_runs_on_the_queue_and_a_caller_that_does_not_wait_follows_it(site) -> None:
    """A province's result takes minutes to import: ``wait=0`` answers 202 with the import job at once, and the
    job's address gives the list when it is done — the same list a waiting caller gets."""
    reviewer, clerk = api_login(site, "yl-rev"), api_login(site, "cs-win")
    job = screened(site, reviewer)
    started = site.post(f"/api/programs/screenings/{job['job']}/import?wait=0", headers=reviewer)
    assert started.status_code == 202, started.text
    follow = f"/api/programs/screenings/imports/{started.json()['job']}"
    done = followed(lambda: site.get(follow, headers=reviewer).json(), lambda j: j["state"] in ("done", "failed"))
    assert done["state"] == "done", done["message"]
    assert (done["outcome"], done["listed"], done["refused"], done["total"]) == ("imported", 1, 0, "600.00")
    assert "actor" not in done  # the account id stays inside
    assert site.get(follow, headers=clerk).status_code == 404
    waited = site.post(f"/api/programs/screenings/{job['job']}/import", headers=reviewer).json()
    assert (waited["run"], waited["outcome"]) == (done["run"], "unchanged")
    assert site.post(f"/api/programs/screenings/{job['job']}/import?wait=11", headers=reviewer).status_code == 422


def test_an_import_that_cannot_be_done_answers_409_with_its_reason(site) -> None:
    import shutil

    reviewer = api_login(site, "yl-rev")
    job = screened(site, reviewer)
    shutil.rmtree(app_config.VAR / "screening" / "results" / job["result"])  # the result's files are gone
    refused = site.post(f"/api/programs/screenings/{job['job']}/import", headers=reviewer)
    assert refused.status_code == 409, refused.text
    assert refused.json()["field"] == "job" and refused.json()["detail"]


def test_a_supervisor_starts_a_screening_from_the_pages_and_watches_it(site) -> None:
    assert post_login(site, "cs-win", PASSWORD).status_code == 303
    assert site.get("/programs/screenings").status_code == 403  # a window clerk does not screen
    site.cookies.clear()
    assert post_login(site, "hn-sup", PASSWORD).status_code == 303
    assert 'href="/programs/screenings"' in site.get("/programs/listings").text
    form = site.get("/programs/screenings")
    assert form.status_code == 200 and "yuelu-2020" in form.text
    token = csrf_of(form.text)
    base = {"csrf": token, "program": PROGRAM, "registry": "yuelu-2020", "as_of": "2021-07-01",
            f"figure.{PROGRAM}.layoff_rate_cap": "0.055"}
    refused = site.post("/programs/screenings", data=base, follow_redirects=False)
    # the missing figure is named beside its own input, and what was typed is kept
    assert refused.status_code == 422
    assert re.search(rf'id="figure\.{PROGRAM}\.fund_reserve_ok-error">[^<]*缺少当地数字', refused.text)
    assert 'value="0.055"' in refused.text
    bad_date = site.post("/programs/screenings", data=base | {"as_of": "7月1日"}, follow_redirects=False)
    assert bad_date.status_code == 422 and 'id="as_of-error"' in bad_date.text

    started = site.post("/programs/screenings", data=base | {f"figure.{PROGRAM}.fund_reserve_ok": "true",
                                                             f"figure.{PROGRAM}.refund_share_sme": "0.6",
                                                             f"figure.{PROGRAM}.refund_share_large": "0.3"},
                        follow_redirects=False)
    assert started.status_code == 303, started.text
    page_url = started.headers["location"]
    done = followed(lambda: site.get(page_url).text, lambda html: "筛查完成" in html or "未能完成" in html)
    assert "共筛查 1 个参保单位（1 个地区），符合条件 1 个，返还合计 600.00 元" in done
    assert 'http-equiv="refresh"' not in done  # no more reloading once finished
    imported = site.post(f"{page_url}/import", data={"csrf": csrf_of(done)}, follow_redirects=False)
    assert imported.status_code == 303 and re.fullmatch(r"/programs/listings/\d+", imported.headers["location"])
    assert "600.00" in site.get(imported.headers["location"]).text


def test_a_long_import_is_followed_on_the_screening_page(site, monkeypatch) -> None:
    """When the import takes longer than the page waits (here: the page does not wait), the screening's page
    shows the import's progress, then the list's figures and the link to publish it."""
    from kuaiban.web import listing_pages

    monkeypatch.setattr(listing_pages, "IMPORT_WAIT", 0.0)
    job = screened(site, api_login(site, "yl-rev"))
    assert post_login(site, "hn-sup", PASSWORD).status_code == 303
    page_url = f"/programs/screenings/{job['job']}"
    posted = site.post(f"{page_url}/import", data={"csrf": csrf_of(site.get(page_url).text)}, follow_redirects=False)
    assert posted.status_code == 303 and posted.headers["location"].startswith(f"{page_url}?imported=")
    done = followed(lambda: site.get(posted.headers["location"]).text,
                    lambda html: "名单已导入" in html or "未能导入" in html)
    assert "名单已导入（待公示）：列入 1 个单位，不符合 0 个，合计 600.00 元" in done
    assert re.search(r'href="/programs/listings/\d+">查看并发布名单', done)
    assert 'http-equiv="refresh"' not in done and "导入为免申即享名单</button>" not in done


@pytest.fixture
def server(tmp_path, monkeypatch):
    monkeypatch.setattr(app_config, "VAR", tmp_path / "var")
    monkeypatch.setenv("KUAIBAN_VAR", str(tmp_path / "var"))
    yuelu_registry(tmp_path / "var")
    url = f"sqlite:///{tmp_path / 'k.db'}"
    make_province(url)
    with serving(url) as base:
        yield base


def test_browser_a_supervisor_screens_and_sees_the_result(server, browser) -> None:
    opened = set(browser.contexts)
    try:
        page = browser.new_context(base_url=server, locale="zh-CN").new_page()
        page.set_default_timeout(20_000)
        page.goto("/login?next=/programs/listings")
        page.fill("#username", "hn-sup")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.get_by_role("link", name="发起稳岗返还筛查").click()
        page.select_option("#program", PROGRAM)
        page.select_option("#registry", "yuelu-2020")
        page.fill("#as_of", "2021-07-01")
        for name, value in FIGURES.items():
            page.fill(f"[id='figure.{PROGRAM}.{name}']", value)
        page.get_by_role("button", name="开始筛查").click()
        page.get_by_text("筛查完成").wait_for(timeout=60_000)  # the page reloads itself every 3 s until then
        assert "返还合计 600.00 元" in page.inner_text("#job-message")
    finally:  # the browser is the process's (tests/conftest.py): close what this test opened
        for context in set(browser.contexts) - opened:
            context.close()
