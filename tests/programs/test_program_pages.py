"""The 补贴申领 pages as a browser posts them (CSRF-checked forms): a citizen claims, a reviewer decides and
builds the month's batch, reconciles it; a supervisor sees totals; the wrong role gets a refusal page."""

from __future__ import annotations

import re
import time

from fastapi.testclient import TestClient

from kuaiban.app import create_app
from tests.programs.conftest import PASSWORD, STAFF_PASSWORD, make_town
from tests.web.forms import csrf_of, post_login


def test_claim_decide_pay_and_count_through_the_pages(tmp_path, clock_at_aug_3) -> None:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    make_town(url)
    app = create_app(url)
    citizen, reviewer, supervisor = TestClient(app), TestClient(app), TestClient(app)
    reviewer.__enter__()  # the lifespan: this node's job worker
    assert post_login(citizen, "bj-citizen", PASSWORD).status_code == 303
    assert post_login(reviewer, "bj-rev", STAFF_PASSWORD).status_code == 303
    assert post_login(supervisor, "bj-sup", STAFF_PASSWORD).status_code == 303

    home = citizen.get("/programs").text
    assert "失业保险金（北京，网上申领）" in home and 'href="/programs/bj_unemployment_benefit/claim"' in home
    form = citizen.get("/programs/bj_unemployment_benefit/claim").text
    bad = citizen.post("/programs/bj_unemployment_benefit/claim", follow_redirects=False,
                       data={"csrf": csrf_of(form), "month": "2020-08", "contribution_months": "七十", "account": "1"})
    assert bad.status_code == 422 and "累计缴费月数应为非负整数" in bad.text and "按缴费记录预填" not in bad.text
    done = citizen.post("/programs/bj_unemployment_benefit/claim", follow_redirects=False,
                        data={"csrf": csrf_of(form), "month": "2020-08", "contribution_months": "70",
                              "account": "6222000000000001"})
    assert done.status_code == 303
    claim_url = done.headers["location"]
    assert "审核中" in citizen.get(claim_url).text

    queue = reviewer.get("/programs/staff").text
    assert claim_url in queue
    page = reviewer.get(claim_url).text
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    decided = reviewer.post(f"{claim_url}/act", follow_redirects=False,
                            data={"csrf": csrf_of(page), "outcome": "pass", "months": "2", "version": version})
    assert decided.status_code == 303
    assert "审核通过，按月发放" in citizen.get(claim_url).text

    staff = reviewer.get("/programs/staff").text
    built = reviewer.post("/programs/staff/payroll", follow_redirects=False,
                          data={"csrf": csrf_of(staff), "program": "bj_unemployment_benefit", "region": "110000",
                                "month": "2020-09"})
    assert built.status_code == 303
    job_url = built.headers["location"]
    deadline = time.monotonic() + 60
    while "自动刷新" in (job := reviewer.get(job_url).text):
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert "已生成：2 笔" in job and reviewer.get(f"{job_url}/file?format=xlsx").content[:2] == b"PK"
    batch_url = re.search(r'href="(/programs/batches/\d+)"', job).group(1)
    batch = reviewer.get(batch_url).text
    assert "共 2 笔" in batch
    assert reviewer.get(f"{batch_url}/file?format=xlsx").content[:2] == b"PK"
    first_line = re.search(r'name="returned_(\d+)"', batch).group(1)
    reconciled = reviewer.post(f"{batch_url}/reconcile", follow_redirects=False,
                               data={"csrf": csrf_of(batch), f"returned_{first_line}": "on",
                                     f"reason_{first_line}": "账户冻结"})
    assert reconciled.status_code == 303
    assert "退票：账户冻结" in reviewer.get(batch_url).text
    assert "退票（待重发）" in citizen.get("/programs").text

    totals = supervisor.get("/programs/supervision").text
    assert "失业保险金（北京，网上申领）" in totals and "2020年9月" in totals
    assert reviewer.get("/programs/supervision").status_code == 403
    assert citizen.get("/programs/staff").status_code == 403
    assert citizen.get(job_url).status_code == 403
    reviewer.__exit__(None, None, None)
