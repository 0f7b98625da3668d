"""Crashes: the local sync process killed with SIGKILL at random moments, the simulator killed and
restarted under a running sync. Real processes, real loopback HTTP, real SQLite files."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time

import pytest

from kuaiban.unemployment.national import protocol as p
from kuaiban.unemployment.national.feed import synthetic_applications
from kuaiban.unemployment.national.sync import status
from tests.unemployment.national.harness import ROOT, converge, problems, sync_command

FAST_LOOP = ("--interval", "0.2", "--exit-interval", "0.5", "--tick", "0.05", "--timeout", "0.5",
             "--page-size", "10", "--auto-review", "--exit-every", "4")


def start_sync(simulator, local_url):
    return subprocess.Popen(sync_command(simulator.url, local_url, *FAST_LOOP), cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_for_progress(engine, registered: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while status(engine)["inbox"]["registered"] == registered and time.monotonic() < deadline:
        time.sleep(0.05)


def kill9(proc):
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)


@pytest.mark.slow
def test_kill_9_of_the_local_sync_at_random_moments_loses_and_repeats_nothing(simulator, engine, local_url):
    rng = random.Random(20200720)
    simulator.set_faults(rates={"duplicate": 0.2, "drop_after": 0.05}, seed=5)
    fed = synthetic_applications(100, reject_every=6)
    simulator.feed(fed)
    interrupted = []
    for round_no in range(5):
        proc = start_sync(simulator, local_url)
        if round_no % 2:  # anywhere, start-up included …
            time.sleep(rng.uniform(0.5, 3.0))
        else:  # … or surely in the middle of the work: once it has stored something
            wait_for_progress(engine, status(engine)["inbox"]["registered"])
            time.sleep(rng.uniform(0.0, 0.3))
        kill9(proc)
        interrupted.append((len(fed), status(engine)))
        more = synthetic_applications(100, start=1000 + 100 * round_no, reject_every=6)
        simulator.feed(more)
        fed += more
    adc201s = {r["ADC201"] for r in fed}
    # the kills interrupted work in progress: some runs stopped with applications still to fetch or upload
    outstanding = [fed_so_far - s["inbox"]["registered"] + s["outbox"].get("result", {}).get("waiting", 0)
                   for fed_so_far, s in interrupted]
    print("work outstanding at each kill:", outstanding)
    assert sum(n > 0 for n in outstanding) >= 3
    simulator.set_faults()
    converge(engine, simulator, adc201s)
    assert problems(engine, simulator, adc201s) == []
    assert simulator.stats()["conflicts"] == 0


@pytest.mark.slow
def test_a_simulator_killed_and_restarted_under_a_running_sync_loses_nothing(simulator, engine, local_url):
    rng = random.Random(79)
    fed = synthetic_applications(100, reject_every=6)
    simulator.feed(fed)
    proc = start_sync(simulator, local_url)
    try:
        for _ in range(3):
            time.sleep(rng.uniform(1.0, 2.5))
            simulator.kill()  # SIGKILL: whatever it answered for is in its SQLite file
            time.sleep(0.3)
            simulator.start()  # same file, same port
            assert len(simulator.snapshot()["states"]) == len(fed)
        deadline = time.monotonic() + 60
        adc201s = {r["ADC201"] for r in fed}
        while problems(engine, simulator, adc201s) and time.monotonic() < deadline:
            time.sleep(0.3)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=15)
    assert problems(engine, simulator, adc201s) == []
    assert simulator.stats()["applications"][p.REVIEWED] == 100
    assert proc.returncode == 0  # SIGTERM ends the loop cleanly
