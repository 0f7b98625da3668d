"""Two app nodes on one PostgreSQL (issue 17 item 4): what one node writes, the other serves.

Each node is a real uvicorn process with its own port and its own ``KUAIBAN_VAR`` (nothing shared on
disk); they share the database, the file store in it (``KUAIBAN_STORAGE=database``) and the personal-data
key. A whole 一件事 crosses them: submitted with an uploaded file on node A, accepted, reviewed and
completed on node B, where the applicant downloads the very bytes uploaded on A.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kuaiban.config import ROOT
from kuaiban.platform import auth
from tests.conftest import fresh_pg_database
from tests.live import free_port, wait_until_serving
from tests.web.forms import csrf_of, post_login
from tests.web.test_service_pages import FORM, ITEMS, PASSWORD, SHARED, seed_region

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
CONTRACT = b"%PDF-1.4 synthetic contract, uploaded on node A"


def start_node(url: str, var: str, env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "kuaiban.app:create_app", "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "warning"],
        env={**os.environ, **env, "KUAIBAN_DB": url, "KUAIBAN_VAR": var, "PYTHONPATH": str(ROOT)}, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(proc, base, "an app node", seconds=90)
    except RuntimeError:
        proc.kill()
        raise
    return proc, base


@pytest.fixture
def nodes(tmp_path, monkeypatch) -> Iterator[tuple[str, str, str]]:
    shared = {"KUAIBAN_STORAGE": "database",
              "KUAIBAN_DATA_KEY": "k1:" + base64.b64encode(os.urandom(32)).decode()}
    for name, value in shared.items():
        monkeypatch.setenv(name, value)  # the seeding below encrypts with the nodes' key
    monkeypatch.setattr(auth, "_SCRYPT", {"n": 2**10, "r": 8, "p": 1})  # cheap hashes for the synthetic users
    with fresh_pg_database("kb_two_nodes") as url:
        procs = []
        try:
            a = start_node(url, str(tmp_path / "node-a"), shared)
            procs.append(a[0])
            b = start_node(url, str(tmp_path / "node-b"), shared)
            procs.append(b[0])
            yield url, a[1], b[1]
        finally:
            for proc in procs:
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()


def whole_case(url: str, node_a: str, node_b: str) -> str:
    """Submit with an upload through ``node_a``; accept, review, complete and download through ``node_b``."""
    region = seed_region(url)
    with httpx.Client(base_url=node_a) as applicant_on_a:
        assert post_login(applicant_on_a, region.applicant, PASSWORD).status_code == 303
        page = applicant_on_a.get("/services/bundles/1/apply", params={"items": ITEMS, "choose": "1"})
        data = {"csrf": csrf_of(page.text), "items": ITEMS, **{f"field:{k}": v for k, v in FORM.items()}}
        r = applicant_on_a.post("/services/bundles/1/apply", data=data,
                                files={f"file:{SHARED}": ("劳动合同.pdf", CONTRACT, "application/pdf")})
        assert r.status_code == 303, r.text
        number = r.headers["location"].split("/")[-1].split("?")[0]

    with httpx.Client(base_url=node_b) as b:
        def token(username: str) -> dict[str, str]:
            r = b.post("/api/auth/login", json={"username": username, "password": PASSWORD})
            assert r.status_code == 200, r.text
            return {"Authorization": f"Bearer {r.json()['token']}"}

        window, reviewer = token(region.window), token(region.reviewer)
        case = b.get(f"/api/cases/{number}", headers=reviewer).json()
        assert case["number"] == number and len(case["tasks"]) == len(ITEMS)
        for task in case["tasks"]:
            version = task["version"]
            for action, who in (("accept", window), ("review", reviewer), ("complete", reviewer)):
                r = b.post(f"/api/tasks/{task['id']}/{action}", headers=who, json={"version": version})
                assert r.status_code == 200, r.text
                version = r.json()["version"]

    with httpx.Client(base_url=node_b) as applicant_on_b:
        assert post_login(applicant_on_b, region.applicant, PASSWORD).status_code == 303
        assert "已办结" in applicant_on_b.get(f"/services/cases/{number}").text
        download = applicant_on_b.get(f"/services/cases/{number}/materials/1")
        assert download.status_code == 200 and download.content == CONTRACT
    return number


def test_a_case_submitted_on_one_node_is_handled_and_downloaded_on_the_other(nodes, tmp_path):
    url, node_a, node_b = nodes
    whole_case(url, node_a, node_b)
    # nothing of the case went to either node's own disk
    assert not any((tmp_path / node / "files").exists() for node in ("node-a", "node-b"))


@pytest.fixture
def proxy(nodes, tmp_path) -> Iterator[tuple[str, str, Path]]:
    """deploy/nginx.conf in front of the two nodes (when Debian's nginx is installed)."""
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:
        pytest.skip("nginx is not installed (apt-get install nginx); the direct two-node test still runs")
    url, node_a, node_b = nodes
    port = free_port()
    prefix = tmp_path / "nginx"
    prefix.mkdir()
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    upstreams = re.findall(r"^\s*server 127\.0\.0\.1:800[12] .*$", conf, re.M)
    assert len(upstreams) == 2, "deploy/nginx.conf lists the two example nodes"
    for line, node in zip(upstreams, (node_a, node_b), strict=True):
        conf = conf.replace(line, line.replace(line.split()[1], node.removeprefix("http://")))
    conf = (conf.replace("listen 8000;", f"listen 127.0.0.1:{port};")
            .replace("/run/kuaiban-nginx.pid", str(prefix / "nginx.pid"))
            .replace("/var/log/nginx/", f"{prefix}/")
            .replace("worker_processes auto;", "worker_processes 1;\nuser root root;"))  # test only
    (prefix / "nginx.conf").write_text(conf)
    proc = subprocess.Popen([nginx, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"])
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(proc, base, "nginx with deploy/nginx.conf", seconds=30)
        yield url, base, prefix / "kuaiban-access.log"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_behind_nginx_every_node_serves_and_the_case_goes_through(proxy, nodes):
    url, base, access_log = proxy
    number = whole_case(url, base, base)
    used = set(re.findall(r"upstream=(\S+)", access_log.read_text()))
    assert {n.removeprefix("http://") for n in nodes[1:]} <= used, used  # round robin across both nodes
    assert number


def test_nodes_starting_at_once_on_a_new_database_migrate_it_once():
    """Every node runs the migrations at start-up; on PostgreSQL they take turns (an advisory lock), so
    four processes starting together all come up on one schema instead of failing on each other's tables."""
    from sqlalchemy import text

    from kuaiban.db import make_engine

    with fresh_pg_database("kb_migrate_race") as url:
        starts = [subprocess.Popen([sys.executable, "-c", "import sys; from kuaiban.db import connect; connect(sys.argv[1])",
                                    url], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                                   stderr=subprocess.PIPE) for _ in range(4)]
        outcomes = [(p.wait(120), p.stderr.read().decode()) for p in starts]
        assert outcomes == [(0, "")] * 4
        engine = make_engine(url)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
        engine.dispose()


def test_a_batch_job_started_on_a_node_that_is_killed_is_finished_by_the_other(tmp_path, monkeypatch):
    """A 200,000-row batch (about 6 s of work) is uploaded to node A; node A is killed with SIGKILL while it
    computes; node B, started afterwards, finds the job stalled, runs it again, and serves the result to the
    browser that uploaded it (and to no other)."""
    env = {"KUAIBAN_STORAGE": "database", "KUAIBAN_JOB_STALE_SECONDS": "5", "KUAIBAN_JOB_SWEEP_SECONDS": "2",
           "KUAIBAN_DATA_KEY": "k1:" + base64.b64encode(os.urandom(32)).decode()}
    retiree = "湖南,2020,enterprise,360,{},1945-03-01,2005-06-30,吉首市\n"
    body = ("region,year,scheme,contribution_months,pension_base,birth_date,retirement_date,county\n"
            + "".join(retiree.format(3000 + i % 1000) for i in range(200_000))).encode()
    with fresh_pg_database("kb_job_failover") as url:
        node_a, base_a = start_node(url, str(tmp_path / "node-a"), env)
        node_b = None
        try:
            with httpx.Client(base_url=base_a, timeout=60) as browser:
                r = browser.post("/calc/pension_adjustment/batch", files={"file": ("people.csv", body)})
                assert r.status_code == 303, r.text
                job_id = r.headers["location"].rsplit("/", 1)[1]
                cookie = browser.cookies.get("kuaiban_jobs")
                deadline = time.monotonic() + 60
                while browser.get(f"/calc/jobs/{job_id}/status").json()["state"] != "running":
                    assert time.monotonic() < deadline
                    time.sleep(0.05)
            node_a.kill()  # SIGKILL: no clean-up, no goodbye to the queue
            node_a.wait()
            node_b, base_b = start_node(url, str(tmp_path / "node-b"), env)
            with httpx.Client(base_url=base_b, cookies={"kuaiban_jobs": cookie}, timeout=60) as browser:
                deadline = time.monotonic() + 120
                while (job := browser.get(f"/calc/jobs/{job_id}/status").json())["state"] in ("queued", "running"):
                    assert time.monotonic() < deadline, job
                    time.sleep(0.5)
                assert job["state"] == "done" and job["computed"] == 200_000, job
                result = browser.get(f"/calc/jobs/{job_id}/result.csv")
                assert result.status_code == 200 and result.content.decode("utf-8-sig").count("\n") == 200_001
            with httpx.Client(base_url=base_b) as stranger:
                assert stranger.get(f"/calc/jobs/{job_id}/result.csv").status_code == 404
            from sqlalchemy import text

            from kuaiban.db import make_engine

            engine = make_engine(url)
            with engine.connect() as conn:  # begun on A, run again from the start on B
                assert conn.execute(text("SELECT attempts FROM plat_jobs WHERE id = :i"), {"i": job_id}).scalar() >= 2
            engine.dispose()
        finally:
            for proc in (node_a, node_b):
                if proc is not None and proc.poll() is None:
                    proc.terminate()
                    proc.wait(10)


def test_a_payment_batch_started_on_a_node_that_is_killed_is_finished_by_the_other_and_pays_once(tmp_path, monkeypatch):
    """A reviewer starts a 200,000-line payment batch through node A's API; node A is killed with SIGKILL while
    the job runs; node B, started afterwards, finds it stalled and finishes it: one batch, every due month
    paid once, the payment file served from the shared store to the reviewer (and to no stranger)."""
    from sqlalchemy import text

    from kuaiban.db import connect
    from kuaiban.db import session_scope as scope
    from kuaiban.platform.personal_data import seal

    rows = 200_000
    env = {"KUAIBAN_STORAGE": "database", "KUAIBAN_JOB_STALE_SECONDS": "5", "KUAIBAN_JOB_SWEEP_SECONDS": "2",
           "KUAIBAN_DATA_KEY": "k1:" + base64.b64encode(os.urandom(32)).decode()}
    for name, value in env.items():
        monkeypatch.setenv(name, value)  # the seeding below seals with the nodes' key
    monkeypatch.setattr(auth, "_SCRYPT", {"n": 2**10, "r": 8, "p": 1})
    with fresh_pg_database("kb_payroll_failover") as url:
        engine = connect(url)
        with scope(engine) as s:
            auth.create_user(s, "bj-rev", "Quiet-Lantern-47-staff", "reviewer", region="110000", display_name="测试审核")
            auth.create_user(s, "hn-rev", "Quiet-Lantern-47-staff", "reviewer", region="430000", display_name="测试审核")
        with engine.begin() as c:  # approved claims, one due month each (as benchmarks/programs_payroll.py)
            c.execute(text(
                "INSERT INTO svc_applicants (id, kind, name, id_number, id_number_hash, region, created_at) "
                "SELECT 1000 + g, 'citizen', '测试' || g, :n, 'two-nodes-' || g, '110105', now() "
                "FROM generate_series(1, :rows) g"),
                {"n": seal("110101199001019028", "svc_applicants.id_number"), "rows": rows})
            c.execute(text(
                "INSERT INTO prog_claims (id, program, applicant_id, region, month, status, step, facts, account, "
                "flags, monthly_fen, explanation, reasons, version, created_at) "
                "SELECT g, 'bj_unemployment_benefit', 1000 + g, '110105', '2020-09', 'approved', 0, '{}', :a, '[]', "
                "184300, '[]', '[]', 1, now() FROM generate_series(1, :rows) g"),
                {"a": seal("6222000000000001", "prog_claims.account"), "rows": rows})
            c.execute(text(
                "INSERT INTO prog_entitlements (claim_id, applicant_id, program, region, month, amount_fen, status) "
                "SELECT g, 1000 + g, 'bj_unemployment_benefit', '110105', '2020-09', 184300, 'due' "
                "FROM generate_series(1, :rows) g"), {"rows": rows})
        node_a, base_a = start_node(url, str(tmp_path / "node-a"), env)
        node_b = None

        def token(client: httpx.Client, username: str) -> dict[str, str]:
            r = client.post("/api/auth/login", json={"username": username, "password": "Quiet-Lantern-47-staff"})
            assert r.status_code == 200, r.text
            return {"Authorization": f"Bearer {r.json()['token']}"}

        try:
            with httpx.Client(base_url=base_a, timeout=60) as a:
                reviewer = token(a, "bj-rev")
                r = a.post("/api/programs/payroll?wait=0", headers=reviewer,  # answer at once with the job
                           json={"program": "bj_unemployment_benefit", "region": "110000", "month": "2020-09"})
                assert r.status_code == 202, r.text
                job_id = r.json()["job"]
                deadline = time.monotonic() + 60
                while a.get(f"/api/programs/payroll/jobs/{job_id}", headers=reviewer).json()["state"] != "running":
                    assert time.monotonic() < deadline
                    time.sleep(0.05)
            time.sleep(0.5)  # inside the batch's transaction
            node_a.kill()
            node_a.wait()
            with engine.connect() as c:
                assert c.execute(text("SELECT state FROM plat_jobs WHERE id = :i"), {"i": job_id}).scalar() == "running"
            node_b, base_b = start_node(url, str(tmp_path / "node-b"), env)
            with httpx.Client(base_url=base_b, timeout=60) as b:
                reviewer = token(b, "bj-rev")
                deadline = time.monotonic() + 180
                while (job := b.get(f"/api/programs/payroll/jobs/{job_id}", headers=reviewer).json())["state"] in (
                        "queued", "running"):
                    assert time.monotonic() < deadline, job
                    time.sleep(0.5)
                assert job["state"] == "done" and job["lines"] == rows and job["built"] is True, job
                assert job["attempts"] >= 2  # begun on A, run again on B
                file = b.get(f"/api/programs/payroll/jobs/{job_id}/file", headers=reviewer)
                assert file.status_code == 200 and file.content.decode("utf-8-sig").count("\r\n") == rows + 2
                assert b.get(f"/api/programs/payroll/jobs/{job_id}/file", headers=token(b, "hn-rev")).status_code == 404
            with engine.connect() as c:
                assert c.execute(text("SELECT count(*) FROM prog_batches")).scalar() == 1
                assert c.execute(text("SELECT count(*), count(DISTINCT (applicant_id, month)) FROM prog_payment_lines")
                                 ).one() == (rows, rows)
        finally:
            for proc in (node_a, node_b):
                if proc is not None and proc.poll() is None:
                    proc.terminate()
                    proc.wait(10)
            engine.dispose()
