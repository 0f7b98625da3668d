"""/openapi.json tells the truth: Schemathesis against a live server finds no server error, no response
outside its documented schema, no undocumented status code, content type or header.

A real uvicorn process on a fresh SQLite database, with a supervisor of 430000 and a citizen; the run
carries the supervisor's token (staff endpoints are exercised signed in; Schemathesis also tries them
without). The number of examples per operation is bounded so the test stays within about a minute.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kuaiban.config import ROOT
from kuaiban.db import connect, session_scope
from kuaiban.platform import auth
from tests.live import free_port, wait_until_serving

CHECKS = ("not_a_server_error,response_schema_conformance,status_code_conformance,"
          "content_type_conformance,response_headers_conformance")
SUPERVISOR = ("sup_contract", "Sup3r-Contract-42")


@pytest.fixture(scope="module")
def api_server(tmp_path_factory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("contract")
    url = f"sqlite:///{folder / 'kuaiban.db'}"
    with session_scope(connect(url)) as s:
        auth.create_user(s, SUPERVISOR[0], SUPERVISOR[1], "supervisor", region="430000")
        person = auth.create_applicant(s, "citizen", "测试甲", region="430000")
        auth.create_user(s, "citizen_contract", "Cit1zen-Contract-42", "applicant", applicant=person, region="430000")
    port = free_port()
    env = {**os.environ, "KUAIBAN_DB": url, "KUAIBAN_VAR": str(folder / "var"), "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory", "kuaiban.app:create_app", "--host",
                             "127.0.0.1", "--port", str(port), "--log-level", "warning"], env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(proc, base, "the API server")
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_the_error_bodies_and_codes_are_documented(api_server):
    doc = httpx.get(f"{api_server}/openapi.json", timeout=60).json()  # the schema is built on first request
    assert "HTTPValidationError" not in doc["components"]["schemas"]
    login = doc["paths"]["/api/auth/login"]["post"]["responses"]
    assert {"401", "413", "422"} <= set(login)
    assert login["422"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ApiError"}


@pytest.mark.slow
def test_schemathesis_finds_no_server_error_and_no_schema_violation(api_server, tmp_path):
    token = httpx.post(f"{api_server}/api/auth/login",
                       json={"username": SUPERVISOR[0], "password": SUPERVISOR[1]}, timeout=60).json()["token"]
    st = Path(sys.executable).with_name("st")
    run = subprocess.run(
        [str(st), "run", f"{api_server}/openapi.json", "--max-examples", "3", "--seed", "20261202",
         "--phases", "coverage,fuzzing", "--checks", CHECKS, "--workers", "1", "--request-timeout", "60",
         "--exclude-path", "/api/auth/logout",  # would revoke the token mid-run
         "-H", f"Authorization: Bearer {token}", "--no-color"],
        capture_output=True, text=True, timeout=540, cwd=tmp_path)  # its cache folder stays out of the repo
    # the errors section comes first in schemathesis's report, the summary last: show both
    assert run.returncode == 0, run.stdout[:6000] + "\n…\n" + run.stdout[-3000:] + run.stderr[-2000:]
    assert "Tested: " in run.stdout
