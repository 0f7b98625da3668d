"""The 补贴项目 JSON API end to end: a citizen claims, a reviewer decides, a reviewer builds the payroll and
downloads the file, the bank's returns are reconciled and paid again, a supervisor sees totals; an employer
uploads a staff list and gets every row error; staff of another region see nothing."""

from __future__ import annotations

import io
import time

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook

from kuaiban.app import create_app
from kuaiban.programs import definitions
from tests.api_login import bearer_login
from tests.programs.conftest import PASSWORD, STAFF_PASSWORD, make_town
from tests.web.forms import post_login


@pytest.fixture
def api(backend_url):
    town = make_town(backend_url)
    with TestClient(create_app(backend_url)) as client:  # the lifespan runs the node's job worker
        yield client, _login(client), town


def _login(client):
    return bearer_login(client, lambda username: PASSWORD if username in ("bj-citizen", "bj-other", "hn-citizen",
                                                                         "hn-firm") else STAFF_PASSWORD)


def finished(client, headers: dict, job: dict) -> dict:
    """Follow a payment-batch job until a worker has finished it."""
    deadline = time.monotonic() + 60
    while job["state"] in ("queued", "running"):
        assert time.monotonic() < deadline, job
        time.sleep(0.1)
        job = client.get(f"/api/programs/payroll/jobs/{job['job']}", headers=headers).json()
    return job


def test_claim_decide_pay_reconcile_and_count_through_the_api(api, clock_at_aug_3) -> None:
    client, login, _ = api
    citizen, reviewer, supervisor = login("bj-citizen"), login("bj-rev"), login("bj-sup")
    offers = {o["code"]: o for o in client.get("/api/programs/offers", headers=citizen).json()}
    assert "bj_unemployment_benefit" in offers and "hn_hiring_subsidy" not in offers
    assert offers["bj_unemployment_benefit"]["available"] is True

    bad = client.post("/api/programs/bj_unemployment_benefit/claims", headers=citizen,
                      json={"month": "2020-08", "facts": {}, "account": "6222000000000001"})
    assert bad.status_code == 422 and bad.json()["field"] == "contribution_months"
    assert bad.json()["detail"] == "请填写累计缴费月数（按缴费记录预填）"

    r = client.post("/api/programs/bj_unemployment_benefit/claims", headers=citizen,
                    json={"month": "2020-08", "facts": {"contribution_months": 70}, "account": "6222000000000001"})
    assert r.status_code == 201, r.text
    claim = r.json()
    assert claim["status"] == "reviewing" and claim["explanation"]
    queue = client.get("/api/programs/queue", headers=reviewer).json()
    assert [q["id"] for q in queue] == [claim["id"]]
    assert client.get("/api/programs/queue", headers=login("hn-rev")).json() == []
    assert client.get(f"/api/programs/claims/{claim['id']}", headers=login("hn-rev")).status_code == 403

    decided = client.post(f"/api/programs/claims/{claim['id']}/act", headers=reviewer,
                          json={"outcome": "pass", "months": 2, "version": claim["version"]}).json()
    assert decided["status"] == "approved" and [m["month"] for m in decided["schedule"]] == ["2020-08", "2020-09"]

    assert client.post("/api/programs/payroll", headers=citizen,
                       json={"program": "bj_unemployment_benefit", "region": "110000", "month": "2020-09"}
                       ).status_code == 403
    started = client.post("/api/programs/payroll", headers=reviewer,
                          json={"program": "bj_unemployment_benefit", "region": "110000", "month": "2020-09"})
    # done within the request's wait: 200 with the batch, as before the queue; a long one is 202 with the job
    assert (started.status_code, started.json()["state"]) in ((200, "done"), (202, "queued"), (202, "running"))
    batch = finished(client, reviewer, started.json())
    assert batch["state"] == "done" and batch["lines"] == 2 and batch["built"] is True
    again = finished(client, reviewer, client.post(
        "/api/programs/payroll", headers=reviewer,
        json={"program": "bj_unemployment_benefit", "region": "110000", "month": "2020-09"}).json())
    assert (again["batch"], again["built"]) == (batch["batch"], False)
    # the job's files come from the store; its owner, a supervisor of the region read them, others are told nothing
    job_csv = client.get(f"/api/programs/payroll/jobs/{batch['job']}/file", headers=reviewer)
    assert job_csv.status_code == 200 and batch["total"] in job_csv.content.decode("utf-8-sig")
    assert client.get(f"/api/programs/payroll/jobs/{batch['job']}/file?format=xlsx",
                      headers=supervisor).content[:2] == b"PK"
    assert client.get(f"/api/programs/payroll/jobs/{batch['job']}", headers=login("hn-rev")).status_code == 404
    # the pages hand out the very same files, named after the batch (one core, one download response)
    pages = TestClient(client.app)
    assert post_login(pages, "bj-rev", STAFF_PASSWORD).status_code == 303
    for path in (f"/payroll/jobs/{batch['job']}/file?format=xlsx", f"/batches/{batch['batch']}/file"):
        api_file, page_file = client.get(f"/api/programs{path}", headers=reviewer), pages.get(f"/programs{path}")
        assert page_file.status_code == api_file.status_code == 200
        assert f'filename="batch-{batch["batch"]}.' in api_file.headers["content-disposition"]
        for header in ("content-type", "content-disposition", "x-content-type-options"):
            assert page_file.headers[header] == api_file.headers[header]
        assert page_file.content == api_file.content
    assert client.get(f"/api/programs/payroll/jobs/{batch['job']}", headers=citizen).status_code == 404

    xlsx = client.get(f"/api/programs/batches/{batch['batch']}/file?format=xlsx", headers=reviewer)
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "序号" and len(rows) == 4 and rows[-1][8] == float(batch["total"])
    csv = client.get(f"/api/programs/batches/{batch['batch']}/file", headers=reviewer)
    assert csv.headers["content-type"].startswith("text/csv") and batch["total"] in csv.content.decode("utf-8-sig")

    items = client.get(f"/api/programs/batches/{batch['batch']}", headers=reviewer).json()["items"]
    returned = items[0]["line"]
    assert client.post(f"/api/programs/batches/{batch['batch']}/reconcile", headers=reviewer,
                       json={"returned": [{"line": returned, "reason": "户名不符"}]}).json() == {"paid": 1, "returned": 1}
    mine = client.get("/api/programs/payments/mine", headers=citizen).json()
    assert sorted(p["status"] for p in mine) == ["paid", "returned"]
    reissued = client.post("/api/programs/reissue", headers=reviewer,
                           json={"program": "bj_unemployment_benefit", "region": "110000"}).json()
    assert reissued["kind"] == "reissue" and reissued["lines"] == 1

    totals = client.get("/api/programs/totals", headers=supervisor).json()
    assert sum(t["lines"] for t in totals) == 2
    assert round(sum(t["total"] for t in totals), 2) == float(batch["total"])
    assert client.get("/api/programs/totals", headers=reviewer).status_code == 403
    assert client.get("/api/programs/overdue", headers=supervisor).json() == []


def test_an_employer_uploads_a_staff_list_and_gets_every_row_error(api, clock_at_aug_3) -> None:
    client, login, _ = api
    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "公民身份号码", "劳动合同起始日期", "已享受一次性岗位补贴"])
    sheet.append(["", "110101199001019028", "2020-07-01", "否"])
    sheet.append(["测试丁", "110101199001019020", "不详", "否"])
    out = io.BytesIO()
    book.save(out)
    r = client.post("/api/programs/hn_hiring_subsidy/claims/upload", headers=login("hn-firm"),
                    data={"month": "2020-08", "account": "43001234567890",
                          "facts": '{"enterprise_size": "小型企业", "hiring_group": "登记失业人员", '
                                   '"hiring_date": "2020-07-01", "hiring_contract_months": "24", '
                                   '"hiring_contributions_paid": "是"}'},
                    files={"staff_list": ("花名册.xlsx", out.getvalue(),
                                          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")})
    assert r.status_code == 422
    body = r.json()
    assert body["field"] == "staff_list"
    assert [(e.get("row"), e.get("column")) for e in body["errors"]] == [
        (2, "A列（姓名）"), (3, "B列（公民身份号码）"), (3, "C列（劳动合同起始日期）")]
    both = client.post("/api/programs/hn_hiring_subsidy/claims/upload", headers=login("hn-firm"),
                       data={"month": "2020-08", "account": "43001234567890"},
                       files={"staff_list": ("花名册.xlsx", out.getvalue(), "application/octet-stream")}).json()
    fields = [e["field"] for e in both["errors"]]
    assert {"enterprise_size", "hiring_group", "hiring_date", "hiring_contract_months",
            "hiring_contributions_paid"} <= set(fields)  # contributions decide the answer: asked, not read as "no"
    assert fields.count("staff_list") == 3  # the form's and the list's problems in one answer


def test_the_program_list_is_public_and_complete(api) -> None:
    client, _, _ = api
    listed = client.get("/api/programs").json()
    assert {p["code"] for p in listed} >= {"bj_unemployment_subsidy", "hn_social_insurance_subsidy_flexible",
                                          "tj_social_insurance_subsidy_flexible", "hn_hiring_subsidy",
                                          "sd_work_for_training_subsidy", "bj_unemployment_benefit"}
    assert [p["code"] for p in listed] == list(definitions.programs())  # every program, each once
