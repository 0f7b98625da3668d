"""The national-platform simulator over real HTTP: paging, states, idempotent uploads, restarts, faults."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request

import pytest

from kuaiban.unemployment import samples
from kuaiban.unemployment.national import protocol as p
from kuaiban.unemployment.national.client import HttpNationalPlatform, RetryPolicy
from kuaiban.unemployment.national.feed import synthetic_applications
from tests.unemployment.national.harness import ROOT


def client(simulator, regions=()) -> HttpNationalPlatform:
    c = HttpNationalPlatform(simulator.url, timeout=2, retry=RetryPolicy(attempts=2, base_delay=0.01))
    c.register("test-system", list(regions))
    return c


def result_for(application, serial):
    record = samples.result(**application, AAZ341=f"L{serial:017d}", AAE036="20200801")
    record["AJC090"] = application["AJC090"][:6]
    return record


def test_pages_cover_every_application_once_in_order_and_the_cursor_moves(simulator):
    simulator.feed(synthetic_applications(23))
    c = client(simulator)
    seen, after = [], 0
    while True:
        page = c.download(after, 10)
        assert len(page.items) <= 10
        seen += [i.adc201 for i in page.items]
        after = page.next_cursor
        if not page.more:
            break
    assert seen == [f"SYN-B-{i:012d}" for i in range(23)]
    assert c.download(after, 10).items == ()


def test_a_download_without_a_cursor_starts_after_the_acknowledged_one(simulator):
    simulator.feed(synthetic_applications(5))
    c = client(simulator)
    first = c.download(0, 3)
    c.acknowledge(first.next_cursor)
    c.acknowledge(1)  # an old acknowledgement arriving late never moves the cursor back
    req = urllib.request.Request(f"{simulator.url}{p.APPLICATIONS}?limit=10", headers={p.CLIENT_HEADER: c.client_id})
    body = json.loads(urllib.request.urlopen(req, timeout=5).read())
    assert [i["ADC201"] for i in body["items"]] == ["SYN-B-000000000003", "SYN-B-000000000004"]


def test_a_client_sees_only_its_regions(simulator):
    simulator.feed(synthetic_applications(2) + synthetic_applications(2, start=2, region="370102"))
    page = client(simulator, ["37"]).download(0, 10)
    assert {i.record["AAB301"] for i in page.items} == {"370102"} and len(page.items) == 2


def test_state_moves_on_download_and_on_result_and_results_are_keyed_by_region_and_serial(simulator):
    apps = synthetic_applications(2)
    simulator.feed(apps)
    c = client(simulator)
    assert set(simulator.snapshot()["states"].values()) == {p.PENDING}
    c.download(0, 1)
    assert simulator.snapshot()["states"] == {apps[0]["ADC201"]: p.IN_REVIEW, apps[1]["ADC201"]: p.PENDING}
    record = result_for(apps[0], 1)
    assert [r.status for r in c.upload_results([record])] == [p.STORED]
    assert [r.status for r in c.upload_results([record])] == [p.DUPLICATE]  # the same key and content
    changed = c.upload_results([record | {"AAE013": "另一个备注"}])
    assert [r.status for r in changed] == [p.CONFLICT]
    assert simulator.snapshot()["states"][apps[0]["ADC201"]] == p.REVIEWED
    stats = simulator.stats()
    assert (stats["results"], stats["duplicates_received"]["results"], stats["conflicts"]) == (1, 1, 1)


def test_local_results_are_accepted_and_unknown_or_invalid_ones_refused_with_the_field(simulator):
    c = client(simulator)
    local = result_for(samples.application(), 2)
    local.pop("ADC201")
    unknown = result_for(samples.application(ADC201="NEVER-ISSUED"), 3)
    invalid = result_for(samples.application(), 4) | {"AAE540": "7"}
    receipts = c.upload_results([local, unknown, invalid])
    assert [r.status for r in receipts] == [p.STORED, p.UNKNOWN_APPLICATION, p.INVALID]
    assert receipts[1].errors[0]["field"] == "ADC201"
    assert [e["field"] for e in receipts[2].errors] == ["AAE540"]
    assert simulator.stats()["results_local"] == 1


def test_exit_uploads_are_idempotent(simulator):
    c = client(simulator)
    record = samples.exit_record(AAE036="20200801")
    assert [r.status for r in c.upload_exits("20200801", [record, record])] == [p.STORED, p.DUPLICATE]
    assert simulator.stats()["exits"] == 1


def test_an_unregistered_client_is_refused_without_retries(simulator):
    c = HttpNationalPlatform(simulator.url, timeout=2)
    with pytest.raises(p.RejectedRequest, match="未注册"):
        c.download(0, 10)
    assert c.requests == 1 and c.retries == 0


def test_state_survives_kill_9_and_restart(simulator):
    apps = synthetic_applications(4)
    simulator.feed(apps)
    c = client(simulator)
    c.download(0, 2)
    c.upload_results([result_for(apps[0], 1)])
    before = simulator.snapshot()
    simulator.restart()  # SIGKILL, then the same file and port
    assert simulator.snapshot() == before
    c.close()
    assert [r.status for r in c.upload_results([result_for(apps[0], 1)])] == [p.DUPLICATE]


def test_faults_set_at_run_time_are_injected_and_counted(simulator):
    c = HttpNationalPlatform(simulator.url, timeout=2, retry=RetryPolicy(attempts=1))
    c.register("t", [])
    simulator.set_faults(once=[{"kind": "error", "path": p.RESULTS, "times": 1},
                               {"kind": "drop_before", "path": p.EXITS, "times": 1}])
    with pytest.raises(p.TransportError, match="HTTP 503"):
        c.upload_results([])
    with pytest.raises(p.TransportError, match="连接中断"):
        c.upload_exits("20200801", [])
    assert c.upload_results([]) == []  # the one-shot faults are spent
    faults = simulator.stats()["faults"]
    assert (faults["error"], faults["drop_before"]) == (1, 1)
    assert dict(c.failures) == {"server_error": 1, "connection": 1}


def test_a_bad_fault_spec_is_refused_at_start_naming_it(tmp_path):
    done = subprocess.run([sys.executable, "-m", "kuaiban.unemployment.national.simulator", "--db",
                           str(tmp_path / "x.db"), "--faults", "explode=0.5"],
                          capture_output=True, text=True, cwd=ROOT, timeout=30)
    assert done.returncode == 2
    assert "未知的故障类型：explode" in done.stderr
