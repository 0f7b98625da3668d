"""稳岗返还 免申即享 through the JSON API (both backends), the pages (CSRF-checked forms) and the command line
(a real process): a result directory imported, published, confirmed, declined, paid; the public list without
signing in; an enterprise without an account registering with its credit code; refusal reasons; access."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from fastapi.testclient import TestClient

from kuaiban.app import create_app
from kuaiban.platform import audit
from kuaiban.programs import listing
from tests.programs.conftest import PASSWORD, STAFF_PASSWORD
from tests.programs.test_cli import kuaiban
from tests.programs.test_listing import PROGRAM, QINGDAO, credit_code, five_rows, make_province, write_results
from tests.web.forms import csrf_of, post_login


@pytest.fixture
def api(backend_url, tmp_path):
    province = make_province(backend_url)
    client = TestClient(create_app(backend_url))
    client.__enter__()  # the lifespan runs the node's job worker (the payment batch is a queue job)

    def login(username: str, password: str | None = None) -> dict:
        password = password or (PASSWORD if username.startswith(("firm", "late")) else STAFF_PASSWORD)
        r = client.post("/api/auth/login", json={"username": username, "password": password})
        assert r.status_code == 200, r.text
        return {"Authorization": f"Bearer {r.json()['token']}"}

    with province.session() as s:
        run_id = listing.import_results(s, PROGRAM, write_results(tmp_path / "run", five_rows()))["run"]
    yield client, login, province, run_id
    client.__exit__(None, None, None)


def test_list_confirm_decline_and_pay_through_the_api(api) -> None:
    client, login, province, run_id = api
    reviewer, jinan, qingdao, firm1, firm3 = (login(u) for u in ("sd-rev", "jn-rev", "qd-rev", "firm1", "firm3"))
    assert client.post(f"/api/programs/listings/{run_id}/publish", headers=firm1,
                       json={"publicity_days": 1, "confirm_working_days": 5}).status_code == 403
    missing = client.post(f"/api/programs/listings/{run_id}/publish", headers=reviewer, json={"confirm_working_days": 5})
    assert missing.status_code == 422 and missing.json()["field"] == "publicity_days"
    published = client.post(f"/api/programs/listings/{run_id}/publish", headers=reviewer,
                            json={"publicity_days": 1, "confirm_working_days": 5})
    assert published.status_code == 200, published.text
    assert published.json()["status"] == "published" and published.json()["listed"] == 4

    public = client.get(f"/api/programs/{PROGRAM}/listing/public")  # no sign-in: it is a public notice
    assert public.status_code == 200 and public.json()["total"] == 4
    assert credit_code(1) not in public.text

    assert client.get("/api/programs/listings", headers=firm1).status_code == 403
    jinan_view = client.get(f"/api/programs/listings/{run_id}", headers=jinan).json()
    assert {i["region"] for i in jinan_view["items"]} == {"370102"}
    assert {i["region"] for i in client.get(f"/api/programs/listings/{run_id}", headers=qingdao).json()["items"]} \
        == {QINGDAO}

    refused = client.get(f"/api/programs/{PROGRAM}/listing/mine", headers=firm3).json()
    assert refused["listed"] is False and refused["reason"] == "上年度裁员率 8% 高于 5.5%"
    mine = client.get(f"/api/programs/{PROGRAM}/listing/mine", headers=firm1).json()
    assert (mine["listed"], mine["amount"], mine["may_answer"]) == (True, "1500.00", True)
    bad = client.post(f"/api/programs/{PROGRAM}/listing/confirm", headers=firm1,
                      json={"bank": "测试银行", "account": "abc", "commitment": True})
    assert bad.status_code == 422 and bad.json()["field"] == "account"
    done = client.post(f"/api/programs/{PROGRAM}/listing/confirm", headers=firm1,
                       json={"bank": "测试银行", "account": "6222000011112222", "commitment": True})
    assert done.status_code == 200 and done.json()["answer"] == "confirmed"
    assert done.json()["account"].endswith("2222") and "62220000" not in done.json()["account"]

    # enterprise 2 had no account: it registers with its credit code and the entry is there
    registered = client.post("/api/auth/register", json={
        "kind": "enterprise", "name": "测试制造有限公司2", "id_number": credit_code(2), "region": "370102",
        "username": "late2", "password": PASSWORD})
    assert registered.status_code == 201, registered.text
    firm2 = login("late2")
    assert client.get(f"/api/programs/{PROGRAM}/listing/mine", headers=firm2).json()["amount"] == "2400.50"
    firm1_claim = mine["claim"]
    assert client.get(f"/api/programs/claims/{firm1_claim}", headers=firm2).status_code == 404
    declined = client.post(f"/api/programs/{PROGRAM}/listing/decline", headers=firm2, json={"note": "不需要"})
    assert declined.json()["status"] == "declined"

    early = client.post(f"/api/programs/listings/{run_id}/close", headers=reviewer)
    assert early.status_code == 409 and "期满后" in early.json()["detail"]
    with province.session() as s:  # two days on (the API acts at the present moment)
        closed = listing.close(s, province.reviewer, run_id, at=audit.now() + dt.timedelta(days=2))
    assert closed["approved"] == 1
    month = audit.now().strftime("%Y-%m")
    batch = client.post("/api/programs/payroll", headers=reviewer,
                        json={"program": PROGRAM, "region": "370000", "month": month}).json()
    assert (batch["lines"], batch["total"]) == (1, "1500.00")
    assert client.post(f"/api/programs/batches/{batch['batch']}/reconcile", headers=reviewer,
                       json={"returned": []}).json() == {"paid": 1, "returned": 0}
    paid = client.get("/api/programs/payments/mine", headers=firm1).json()
    assert [(p["amount"], p["status"]) for p in paid] == [(1500.0, "paid")]
    assert client.get("/api/programs/payments/mine", headers=firm2).json() == []


def test_the_enterprise_and_the_office_through_the_pages(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    province = make_province(url)
    with province.session() as s:
        run_id = listing.import_results(s, PROGRAM, write_results(tmp_path / "run", five_rows()))["run"]
    app = create_app(url)
    reviewer, firm1, firm3, visitor = TestClient(app), TestClient(app), TestClient(app), TestClient(app)
    assert post_login(reviewer, "sd-rev", STAFF_PASSWORD).status_code == 303
    assert post_login(firm1, "firm1", PASSWORD).status_code == 303
    assert post_login(firm3, "firm3", PASSWORD).status_code == 303

    page = reviewer.get("/programs/listings").text
    assert f"名单 {run_id}" in page and "已导入，待公示" in page
    refused = reviewer.post(f"/programs/listings/{run_id}/publish", follow_redirects=False,
                            data={"csrf": csrf_of(page), "publicity_days": "", "confirm_working_days": "5"})
    assert refused.status_code == 422 and "请填写公示天数" in refused.text
    done = reviewer.post(f"/programs/listings/{run_id}/publish", follow_redirects=False,
                         data={"csrf": csrf_of(page), "publicity_days": "5", "confirm_working_days": "10"})
    assert done.status_code == 303
    entries = reviewer.get(f"/programs/listings/{run_id}?show=refused").text
    assert "上年度裁员率 8% 高于 5.5%" in entries and "测试制造有限公司1" not in entries

    public = visitor.get(f"/programs/listing/{PROGRAM}").text
    assert "测试制造有限公司2" in public and "2400.50" in public and credit_code(2) not in public

    assert f'href="/programs/listing/{PROGRAM}"' in firm1.get("/programs/publicity").text
    home = firm1.get("/programs").text
    assert f'/programs/listing/{PROGRAM}/mine' in home and "免申即享，无需申请" in home
    mine = firm1.get(f"/programs/listing/{PROGRAM}/mine").text
    assert "贵单位已列入名单" in mine and "1500.00" in mine
    bad = firm1.post(f"/programs/listing/{PROGRAM}/confirm", follow_redirects=False,
                     data={"csrf": csrf_of(mine), "bank": "测试银行", "account": "6222000011112222"})
    assert bad.status_code == 422 and "请阅读并确认承诺" in bad.text
    ok = firm1.post(f"/programs/listing/{PROGRAM}/confirm", follow_redirects=False,
                    data={"csrf": csrf_of(mine), "bank": "测试银行", "account": "6222000011112222", "commitment": "on"})
    assert ok.status_code == 303
    after = firm1.get(f"/programs/listing/{PROGRAM}/mine").text
    assert "已确认收款账户" in after and "************2222" in after
    history = firm1.get(re.search(r'href="(/programs/claims/\d+)"', after).group(1)).text
    assert "公示中" in history and "收款账户 ************2222" in history
    assert "贵单位未列入名单" in firm3.get(f"/programs/listing/{PROGRAM}/mine").text
    assert firm1.get("/programs/listings").status_code == 403


def test_import_screening_from_the_command_line(tmp_path) -> None:
    db = f"sqlite:///{tmp_path / 'k.db'}"
    make_province(db)
    results = write_results(tmp_path / "run", five_rows())
    first = kuaiban("programs", "import-screening", "--program", PROGRAM, "--results", str(results), "--json",
                    "--operator", "sd-rev", "--db", db, var=tmp_path)
    assert first.returncode == 0, first.stderr
    answer = json.loads(first.stdout)
    assert (answer["outcome"], answer["listed"], answer["refused"], answer["total"]) == ("imported", 4, 1, "6300.50")
    again = kuaiban("programs", "import-screening", "--program", PROGRAM, "--results", str(results), "--json",
                    "--operator", "sd-rev", "--db", db, var=tmp_path)
    assert json.loads(again.stdout)["outcome"] == "unchanged" and json.loads(again.stdout)["run"] == answer["run"]
    wrong = kuaiban("programs", "import-screening", "--program", "stable_job_refund_2021", "--results", str(results),
                    "--operator", "sd-rev", "--db", db, var=tmp_path)
    assert wrong.returncode == 2 and re.fullmatch(r"错误：这份筛选结果属于项目“sd_stable_job_refund_2020”.*\n", wrong.stderr)
    early = kuaiban("programs", "lapse-unconfirmed", "--run", str(answer["run"]), "--operator", "sd-rev", "--db", db,
                    var=tmp_path)
    assert early.returncode == 2 and "确认期限为 未发布" in early.stderr


# The child runs the real CLI with chunks of two rows; after the second chunk is written (flushed, not
# committed) it announces itself and waits: the parent SIGKILLs it there.
CHILD = """
import sys
from pathlib import Path
from kuaiban.programs import listing
from tests.programs.crash_points import waiting_at
stop_here = waiting_at(Path(sys.argv[1]))
listing.CHUNK = 2
real = listing._write_chunk
written = []
def write_chunk(session, *a, **kw):
    real(session, *a, **kw)
    written.append(1)
    if len(written) == 2:
        session.flush()
        stop_here()
listing._write_chunk = write_chunk
from kuaiban.cli import app
sys.argv = ["kuaiban"] + sys.argv[2:]
app()
"""


def test_an_import_killed_in_the_middle_leaves_nothing_and_runs_again(backend_url, tmp_path) -> None:
    import sys

    from sqlalchemy import func, select

    from kuaiban.programs.models import Claim, ListingEntry, ListingRun
    from tests.programs.helpers import kill_when_marked

    province = make_province(backend_url)
    results = write_results(tmp_path / "run", five_rows(), parts=1)
    marker = tmp_path / "inside"
    args = ["programs", "import-screening", "--program", PROGRAM, "--results", str(results), "--json",
            "--operator", "sd-rev", "--db", backend_url]
    kill_when_marked([sys.executable, "-c", CHILD, str(marker), *args], marker, env={"KUAIBAN_VAR": str(tmp_path)})
    with province.session() as s:
        assert [s.scalar(select(func.count()).select_from(t)) for t in (ListingRun, ListingEntry, Claim)] == [0, 0, 0]
    done = kuaiban(*args, var=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["listed"] == 4
