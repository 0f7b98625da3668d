"""失业登记 national sync at volume: N applications through the whole loop against a simulator process.

    .venv/bin/python benchmarks/unemployment_sync.py --n 100000 --fault-rate 0.02 --baseline-n 10000

Feed → download → register (the real service) → auto-review → result upload, with one approved
registration in ``--exit-every`` deregistered → daily exit upload, against
``python -m kuaiban.unemployment.national.simulator`` on loopback with faults drawn at ``--fault-rate``
per request (split over timeout / 5xx / drop before / drop after commit; pages carry a duplicate at
5× that rate). In the same run, as the baseline, the same loop with faults off on ``--baseline-n``
applications, and the raw simulator round trip (median of small requests). At the end the invariants of
tests/unemployment/national/harness.py are checked and the outcome printed as JSON.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kuaiban.db import connect  # noqa: E402
from kuaiban.unemployment.national.client import HttpNationalPlatform, RetryPolicy  # noqa: E402
from kuaiban.unemployment.national.feed import synthetic_applications  # noqa: E402
from kuaiban.unemployment.national.sync import SyncConfig, status  # noqa: E402
from tests.unemployment.national.harness import SimulatorProcess, problems, synchronizer  # noqa: E402

CLIENT_TIMEOUT = 1.0
SPLIT = {"timeout": 0.1, "error": 0.4, "drop_before": 0.2, "drop_after": 0.3}


def fault_plan(rate: float, seed: int) -> dict:
    rates = {k: rate * share for k, share in SPLIT.items()}
    rates["duplicate"] = min(1.0, rate * 5)
    return {"rates": rates, "timeout_sleep": CLIENT_TIMEOUT * 1.5, "seed": seed}


def round_trip(sim: SimulatorProcess, n: int = 300) -> float:
    """Median seconds of a small request (an empty result upload) on a kept-alive connection."""
    c = HttpNationalPlatform(sim.url, timeout=5)
    c.register("probe", [])
    times = []
    for _ in range(n):
        t = time.perf_counter()
        c.upload_results([])
        times.append(time.perf_counter() - t)
    c.close()
    return statistics.median(times)


def run_loop(work: Path, n: int, fault_rate: float, exit_every: int, reject_every: int, seed: int) -> dict:
    work.mkdir(parents=True)
    sim = SimulatorProcess(work / "national.db").start()
    try:
        fed = synthetic_applications(n, reject_every=reject_every)
        t_feed = time.perf_counter()
        sim.feed(fed)
        feed_s = time.perf_counter() - t_feed
        rtt = round_trip(sim)
        engine = connect(f"sqlite:///{work / 'local.db'}")
        sync = synchronizer(engine, sim.url, timeout=CLIENT_TIMEOUT, exit_every=exit_every,
                            config=SyncConfig(page_size=500, upload_batch=500),
                            retry=RetryPolicy(attempts=8, base_delay=0.05, max_delay=1.0))
        sync.caseworker.batch = 2000
        if fault_rate:
            sim.set_faults(**fault_plan(fault_rate, seed))
        adc201s = {r["ADC201"] for r in fed}
        cycles = 0
        t0 = time.perf_counter()
        while True:
            cycles += 1
            report = sync.cycle(force=True)
            idle = not (report.downloaded or report.results_acked or report.exits_acked or report.transport_errors
                        or any(report.worked.values()))
            if idle:
                break
            print(f"  cycle {cycles}: {json.dumps(report.as_dict(), ensure_ascii=False)}", file=sys.stderr)
        elapsed = time.perf_counter() - t0
        sim.set_faults()  # read the end state without faults
        found = problems(engine, sim, adc201s)
        stats = sim.stats()
        local = status(engine)
        return {
            "applications": n, "fault_rate": fault_rate, "seconds": round(elapsed, 1),
            "applications_per_second": round(n / elapsed, 1), "cycles": cycles, "feed_seconds": round(feed_s, 1),
            "round_trip_ms_median": round(rtt * 1000, 2),
            "faults_injected": stats["faults"],
            "client_failures": dict(sync.platform.failures), "client_retries": sync.platform.retries,
            "client_requests": sync.platform.requests,
            "platform": {k: stats[k] for k in ("applications", "results", "exits", "duplicates_received",
                                               "conflicts", "applications_with_several_results")},
            "local": {"inbox": local["inbox"], "outbox": local["outbox"],
                      "duplicates_skipped": local["counters"].get("download.duplicates", 0)},
            "invariants_hold": not found, "problems": found,
        }
    finally:
        sim.kill()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--fault-rate", type=float, default=0.02)
    ap.add_argument("--baseline-n", type=int, default=10_000, help="the same loop without faults (0: skip)")
    ap.add_argument("--exit-every", type=int, default=10)
    ap.add_argument("--reject-every", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", help="keep the databases in this directory")
    args = ap.parse_args()
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="kb-sync-bench-"))
    out: dict = {}
    try:
        if args.baseline_n:
            print(f"baseline: {args.baseline_n} applications, no faults", file=sys.stderr)
            out["baseline"] = run_loop(work / "baseline", args.baseline_n, 0.0, args.exit_every,
                                       args.reject_every, args.seed)
        print(f"run: {args.n} applications, fault rate {args.fault_rate}", file=sys.stderr)
        out["run"] = run_loop(work / "run", args.n, args.fault_rate, args.exit_every, args.reject_every, args.seed)
        if args.baseline_n:
            out["throughput_ratio_run_over_baseline"] = round(
                out["run"]["applications_per_second"] / out["baseline"]["applications_per_second"], 3)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(out, ensure_ascii=False, indent=2))
    return 0 if all(r["invariants_hold"] for k, r in out.items() if isinstance(r, dict)) else 1


if __name__ == "__main__":
    sys.exit(main())
