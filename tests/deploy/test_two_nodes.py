"""Two app nodes on one PostgreSQL (issue 17 item 4): what one node writes, the other serves.

Each node is a real uvicorn process with its own port and its own ``KUAIBAN_VAR`` (nothing shared on
disk); they share the database, the file store in it (``KUAIBAN_STORAGE=database``) and the personal-data
key. A whole 一件事 crosses them: submitted with an uploaded file on node A, accepted, reviewed and
completed on node B, where the applicant downloads the very bytes uploaded on A.
"""

from __future__ import annotations

import base64
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from kuaiban.config import ROOT
from kuaiban.platform import auth
from tests.conftest import fresh_pg_database
from tests.web.forms import csrf_of, post_login
from tests.web.test_service_pages import FORM, ITEMS, PASSWORD, SHARED, seed_region

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
CONTRACT = b"%PDF-1.4 synthetic contract, uploaded on node A"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_node(url: str, var: str, env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "kuaiban.app:create_app", "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "warning"],
        env={**os.environ, **env, "KUAIBAN_DB": url, "KUAIBAN_VAR": var, "PYTHONPATH": str(ROOT)}, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                return proc, base
        except httpx.TransportError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError("an app node did not start")
        time.sleep(0.2)


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


def test_a_case_submitted_on_one_node_is_handled_and_downloaded_on_the_other(nodes, tmp_path):
    url, node_a, node_b = nodes
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
    # nothing of the case went to either node's own disk
    assert not any((tmp_path / node / "files").exists() for node in ("node-a", "node-b"))
