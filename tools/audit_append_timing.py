"""Time 快办 submissions (``services.cases.submit``, one transaction each) on a throw-away database.

A small local loop, not the load benchmark: it shows what the audit chain's append lock costs on the
submission path. ``--threads`` runs that many submitters at once (each its own transaction), which
is where a lock held until COMMIT would show. Usage:

    PYTHONPATH=$PWD python tools/audit_append_timing.py sqlite:///tmp/t.db --n 300 --threads 4
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "services"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--n", type=int, default=300, help="submissions in all")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()

    from conftest import FORM, make_world  # the test suite's region, staff and materials

    from kuaiban.platform import auth
    from kuaiban.services import cases

    auth._SCRYPT = {"n": 2**10, "r": 8, "p": 1}
    world = make_world(args.url)
    per_thread = args.n // args.threads
    latencies: list[float] = []

    def run() -> None:
        for _ in range(per_thread):
            t0 = time.perf_counter()
            with world.session() as s:
                cases.submit(s, world.citizen, "企业招用员工", FORM)
            latencies.append(time.perf_counter() - t0)

    for _ in range(20):  # warm-up: caches, pool
        with world.session() as s:
            cases.submit(s, world.citizen, "企业招用员工", FORM)
    threads = [threading.Thread(target=run) for _ in range(args.threads)]
    t0, cpu0 = time.perf_counter(), time.process_time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    q = statistics.quantiles(latencies, n=100)
    print(f"{len(latencies)} submissions, {args.threads} thread(s): {len(latencies) / wall:.0f}/s, "
          f"median {statistics.median(latencies) * 1000:.1f} ms, p99 {q[98] * 1000:.1f} ms, "
          f"CPU of this process {cpu / len(latencies) * 1000:.2f} ms per submission")


if __name__ == "__main__":
    main()
