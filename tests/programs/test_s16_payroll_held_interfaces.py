"""A held payment (s16, kuaiban.programs.held) through each way in: the command line (``payroll`` names the held
months; ``confirm-amount`` decides one as ``--operator``), the JSON API (the payroll job's answer and the batch
carry ``held``; ``POST /claims/{id}/payment-amount``) and the pages (the batch page lists the months, the claim
page shows both amounts and the form; the claimant reads that the month waits, never the staff note).

The case is test_s16_payroll_decided_amount's: 湖南 灵活就业社会保险补贴 decided at 604.80 元 a month, the office's
2021 average wage corrected afterwards (624.96 元 computed)."""

from __future__ import annotations

import json
import re
import time

from fastapi.testclient import TestClient
from sqlalchemy import select

from kuaiban.app import create_app
from kuaiban.programs.models import PaymentLine
from tests.programs.conftest import PASSWORD, STAFF_PASSWORD, make_town
from tests.programs.helpers import DECIDED, FLEX, corrected_after_decision, pay_first_claim, schedule
from tests.programs.test_cli import kuaiban
from tests.programs.test_programs_api import _login, finished
from tests.web.forms import csrf_of, post_login


def test_the_command_line_names_the_held_months_and_decides_one_as_the_operator(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    town = make_town(url)
    claim_id = corrected_after_decision(town)
    payroll = ("programs", "payroll", "--program", FLEX, "--region", "430000", "--month", "2021-11", "--db", url)
    done = kuaiban(*payroll, "--json", var=tmp_path / "var")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert (answer["lines"], answer["held"]) == (0, [{"claim": claim_id, "month": "2021-11", "region": "430104",
                                                      "decided": "604.80", "found": "624.96"}])
    said = kuaiban(*payroll, var=tmp_path / "var")
    assert "另有 1 个月份发放前核算金额与审核决定不一致，暂缓发放" in said.stdout

    confirm = ("programs", "confirm-amount", "--claim", str(claim_id), "--month", "2021-11", "--db", url)
    refused = kuaiban(*confirm, "--amount", "decided", "--reason", "理由", "--operator", "hn-win", var=tmp_path)
    assert refused.returncode == 2 and "本命令由后台审核人员或监督人员办理" in refused.stderr
    empty = kuaiban(*confirm, "--amount", "decided", "--reason", " ", "--operator", "hn-rev", var=tmp_path)
    assert empty.returncode == 2 and "请写明核定理由" in empty.stderr
    assert schedule(town, claim_id)[0] == ("2021-11", DECIDED, "held")
    kept = kuaiban(*confirm, "--amount", "decided", "--reason", "以原决定为准", "--operator", "hn-rev", "--json",
                   var=tmp_path)
    assert kept.returncode == 0, kept.stderr
    assert json.loads(kept.stdout)["amount"] == "604.80"
    again = kuaiban(*confirm, "--amount", "found", "--reason", "再次核定", "--operator", "hn-rev", var=tmp_path)
    assert again.returncode == 2 and "没有待核定的发放金额" in again.stderr
    december = kuaiban("programs", "payroll", "--program", FLEX, "--region", "430000", "--month", "2021-12",
                       "--db", url, "--json", var=tmp_path / "var")
    assert json.loads(december.stdout)["lines"] == 1
    with town.session() as s:
        assert s.execute(select(PaymentLine.month, PaymentLine.amount_fen)).all() == [("2021-11", DECIDED)]


def test_the_api_reports_held_months_and_a_reviewer_decides_one(backend_url) -> None:
    town = make_town(backend_url)
    claim_id = corrected_after_decision(town)
    with TestClient(create_app(backend_url)) as client:
        login = _login(client)
        reviewer, window, beijing, province = login("hn-rev"), login("hn-win"), login("bj-rev"), login("hn-rev2")
        r = client.post("/api/programs/payroll", headers=province,
                        json={"program": FLEX, "region": "430000", "month": "2021-11"})
        assert r.status_code in (200, 202), r.text
        job = finished(client, reviewer, r.json()) if r.status_code == 202 else r.json()
        assert job["lines"] == 0 and job["held"] == [{"claim": claim_id, "month": "2021-11", "region": "430104",
                                                      "decided": "604.80", "found": "624.96"}]
        batch = client.get(f"/api/programs/batches/{job['batch']}", headers=province).json()
        assert batch["held"] == job["held"] and batch["items"] == []
        claim = client.get(f"/api/programs/claims/{claim_id}", headers=reviewer).json()
        assert claim["held_payments"] == [{"month": "2021-11", "decided": "604.80", "found": "624.96"}]
        mine = client.get(f"/api/programs/claims/{claim_id}", headers=login("hn-citizen")).json()
        assert "held_payments" not in mine and mine["schedule"][0]["status"] == "held"

        url = f"/api/programs/claims/{claim_id}/payment-amount"
        body = {"month": "2021-11", "choice": "found", "reason": "上年度社会平均工资更正为公布数"}
        assert client.post(url, headers=window, json=body).status_code == 403
        assert client.post(url, headers=beijing, json=body).status_code == 403
        bad = client.post(url, headers=reviewer, json=body | {"reason": ""})
        assert bad.status_code == 422 and bad.json()["field"] == "reason"
        assert client.post(url, headers=reviewer, json=body | {"choice": "other"}).status_code == 422
        done = client.post(url, headers=reviewer, json=body)
        assert done.status_code == 200, done.text
        assert done.json()["confirmed"]["amount"] == "624.96" and done.json()["held_payments"] == []
        assert client.post(url, headers=reviewer, json=body).status_code == 409
        assert client.get(f"/api/programs/batches/{job['batch']}", headers=province).json()["held"] == []


def test_the_pages_show_the_held_month_and_a_reviewer_decides_it(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    town = make_town(url)
    claim_id = corrected_after_decision(town)
    app = create_app(url)
    reviewer, citizen = TestClient(app), TestClient(app)
    reviewer.__enter__()  # the lifespan: this node's job worker
    try:
        assert post_login(reviewer, "hn-rev2", STAFF_PASSWORD).status_code == 303
        assert post_login(citizen, "hn-citizen", PASSWORD).status_code == 303
        staff = reviewer.get("/programs/staff").text
        built = reviewer.post("/programs/staff/payroll", follow_redirects=False,
                              data={"csrf": csrf_of(staff), "program": FLEX, "region": "430000",
                                    "month": "2021-11", "confirmed": "1"})
        assert built.status_code == 303
        deadline = time.monotonic() + 60
        while "自动刷新" in (job := reviewer.get(built.headers["location"]).text):
            assert time.monotonic() < deadline
            time.sleep(0.1)
        assert "另有 1 个月份发放前核算的金额与审核决定不一致，暂缓发放" in job
        batch = reviewer.get(re.search(r'href="(/programs/batches/\d+)"', job).group(1)).text
        assert "暂缓发放、待核定金额的月份" in batch and f'href="/programs/claims/{claim_id}#held"' in batch
        assert "604.80" in batch and "624.96" in batch

        claim_url = f"/programs/claims/{claim_id}"
        page = reviewer.get(claim_url).text
        assert "待核定的发放金额" in page and "2021年11月：审核决定 604.80 元，发放前核算 624.96 元" in page
        mine = citizen.get(claim_url).text
        assert "暂缓发放（发放前核算金额与审核决定不一致，待经办机构核定）" in mine
        assert "待核定的发放金额" not in mine and "请核定本月发放金额" not in mine  # the staff note is staff's
        missing = reviewer.post(f"{claim_url}/payment-amount", follow_redirects=False,
                                data={"csrf": csrf_of(page), "month": "2021-11", "reason": "理由"})
        assert missing.status_code == 422 and "请选择按原决定金额发放或按重新核算金额发放" in missing.text
        done = reviewer.post(f"{claim_url}/payment-amount", follow_redirects=False,
                             data={"csrf": csrf_of(page), "month": "2021-11", "choice": "decided",
                                   "reason": "以原决定为准"})
        assert done.status_code == 303
        after = reviewer.get(claim_url).text
        assert "待核定的发放金额" not in after and "按原决定金额发放" in after
        assert schedule(town, claim_id)[0] == ("2021-11", DECIDED, "due")
    finally:
        reviewer.__exit__(None, None, None)


def test_the_batch_page_lists_a_month_paid_at_the_rate_actually_paid(tmp_path) -> None:
    """先缴后补: November paid at 26 % (561.60 元, decided 604.80 元) is paid and listed on the batch's page."""
    from kuaiban.programs import payroll

    url = f"sqlite:///{tmp_path / 'k.db'}"
    town = make_town(url)
    claim_id = pay_first_claim(town, {"2021-11": {"paid": True, "rate": 0.26}})
    with town.session() as s:
        batch_id = payroll.build(s, FLEX, "430000", "2021-11")[0].id
    client = TestClient(create_app(url))
    assert post_login(client, "hn-rev2", STAFF_PASSWORD).status_code == 303
    page = client.get(f"/programs/batches/{batch_id}").text
    assert "按当月实际缴费核算、与审核决定金额不同的笔数" in page and f'href="/programs/claims/{claim_id}"' in page
    assert "604.80" in page and "561.60" in page and "暂缓发放、待核定金额的月份" not in page
