"""`kuaiban unemployment sync` and `kuaiban unemployment simulator` as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from kuaiban.unemployment.national.feed import synthetic_applications
from tests.unemployment.national.harness import ROOT, sync_command


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, cwd=ROOT, timeout=60, **kw)


@pytest.mark.slow
def test_sync_once_downloads_reviews_and_uploads_then_status_reports_it(simulator, local_url):
    simulator.feed(synthetic_applications(12, reject_every=4))
    done = run(sync_command(simulator.url, local_url, "--once", "--auto-review", "--exit-every", "3"))
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["downloaded"], report["registered"], report["results_acked"]) == (12, 12, 12)
    assert report["worked"] == {"approved": 9, "rejected": 3, "deregistered": report["exits_acked"]}
    assert report["exits_acked"] > 0
    shown = run(sync_command(simulator.url, local_url, "--status"))
    status = json.loads(shown.stdout)
    assert status["inbox"] == {"registered": 12, "refused": 0}
    assert status["outbox"]["result"] == {"acked": 12, "failed": 0, "waiting": 0}


def test_sync_without_a_platform_address_says_so(local_url):
    env = {k: v for k, v in os.environ.items() if k != "KUAIBAN_NATIONAL_URL"}
    done = run([sys.executable, "-m", "kuaiban", "unemployment", "sync", "--db", local_url, "--once"], env=env)
    assert done.returncode == 2
    assert "缺少全国平台地址" in done.stderr


def test_sync_refuses_a_malformed_platform_address(local_url):
    done = run(sync_command("ftp://x", local_url, "--once"))
    assert done.returncode == 2
    assert "全国平台地址应为 http://主机:端口" in done.stderr
