"""稳岗返还 免申即享 screening: the single-process path beside Dask with 1 and 2 workers, in one run.

    .venv/bin/python benchmarks/screening.py [--enterprises 100000] [--persons 1200000] [--repeat 3]
        [--registry DIR] [--program stable_job_refund_2021] [--out results.json]

Generates a synthetic province registry with benchmarks/make_registry.py (timed; or reads --registry), then
screens it with `kuaiban.programs.screening.screen`, each run into a fresh result directory:

- single: the regions one by one in this process (what `kuaiban programs screen` does without --workers);
- dask-1, dask-2: a LocalCluster of 1 and 2 worker processes, started once beforehand (start-up reported apart),
  the run given its scheduler address (what --scheduler does; --workers N also starts the cluster). The
  start-up includes each worker's loading of OpenFisca and the calculators, as the single process loads them
  before its first run.

Before every run the explanations kept for refusals (kuaiban.programs.screening.compute._reasons) are cleared, in
this process and on the workers, so no run profits from another. Every run's result parts are checked equal to the
first single-process run's. Wall-clock medians of --repeat runs, and the process CPU time of the single runs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import make_registry

from kuaiban.programs.screening import compute, screen

FIGURES = {"stable_job_refund_2021": ({"layoff_rate_cap": "0.055", "fund_reserve_ok": "true",
                                                "refund_share_sme": "0.6", "refund_share_large": "0.3"}, date(2021, 7, 1)),
           "sd_stable_job_refund_2020": ({"fund_reserve_months": "15"}, date(2020, 8, 3))}


def _clear() -> None:
    compute._reasons.clear()


def _warm() -> None:
    """Load OpenFisca's tax-benefit system and the calculators once (the first use of a process pays for it)."""
    from kuaiban.rules.calculators import get

    get("stable_job_refund").run({"region": "370000", "application_date": "2021-07-01", "refund_type": "general",
                                  "unit_kind": "enterprise", "size": "small", "fund_reserve_ok": True,
                                  "insured_last_year": 10, "decrease_last_year": 0, "claimants_last_year": 0,
                                  "layoff_rate_cap": 0.055, "contributions_last_year": 100.0})


def _same(reference: Path, other: Path) -> bool:
    parts = sorted(p.name for p in (reference / "results").iterdir())
    if parts != sorted(p.name for p in (other / "results").iterdir()):
        return False
    return all(pq.read_table(reference / "results" / p).equals(pq.read_table(other / "results" / p)) for p in parts)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--persons", type=int, default=1_200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--registry", type=Path, default=None, help="已生成的登记数据目录（不再生成）")
    parser.add_argument("--program", default="stable_job_refund_2021", choices=sorted(FIGURES))
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    from distributed import Client, LocalCluster

    work = Path(tempfile.mkdtemp(prefix="screening-bench-"))
    figures, as_of = FIGURES[args.program]
    report: dict = {"program": args.program, "load_before": os.getloadavg()}
    try:
        registry = args.registry
        if registry is None:
            registry = work / "registry"
            started = time.perf_counter()
            year = as_of.year - 1
            made = make_registry.generate(registry, args.enterprises, args.persons, args.seed, year=year,
                                          progress=lambda text: None)
            report["generator"] = {"seconds": round(time.perf_counter() - started, 2), **made,
                                   "bytes": sum(p.stat().st_size for p in registry.rglob("*.parquet"))}
            print(json.dumps(report["generator"], ensure_ascii=False), flush=True)
        runs: dict[str, list[float]] = {"single": [], "dask-1": [], "dask-2": []}
        cpu: list[float] = []
        reference: Path | None = None
        equal = True
        _warm()
        summary = {}
        for i in range(args.repeat):
            _clear()
            out = work / f"single-{i}"
            before, started = time.process_time(), time.perf_counter()
            summary = screen(args.program, registry, out, as_of=as_of, figures=figures)
            runs["single"].append(round(time.perf_counter() - started, 3))
            cpu.append(round(time.process_time() - before, 3))
            print(f"single {i}: {runs['single'][-1]} s", flush=True)
            if reference is None:
                reference = out
            else:
                equal &= _same(reference, out)
                shutil.rmtree(out)
        starts = {}
        for workers in (1, 2):
            started = time.perf_counter()
            with LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=":0") as cluster, \
                    Client(cluster) as client:
                client.run(_warm)
                starts[workers] = round(time.perf_counter() - started, 2)
                for i in range(args.repeat):
                    _clear()
                    client.run(_clear)
                    out = work / f"dask{workers}-{i}"
                    started = time.perf_counter()
                    result = screen(args.program, registry, out, as_of=as_of, figures=figures,
                                    scheduler=cluster.scheduler_address)
                    runs[f"dask-{workers}"].append(round(time.perf_counter() - started, 3))
                    print(f"dask-{workers} {i}: {runs[f'dask-{workers}'][-1]} s", flush=True)
                    assert result["workers"] == workers
                    equal &= _same(reference, out)
                    shutil.rmtree(out)
        medians = {name: statistics.median(values) for name, values in runs.items()}
        report |= {
            "enterprises": summary["rows"], "regions": len(summary["regions"]), "eligible": summary["eligible"],
            "total_amount": summary["total_amount"], "runs": runs, "median_seconds": medians,
            "single_cpu_seconds_median": statistics.median(cpu), "cluster_start_seconds": starts,
            "ratio_to_single": {name: round(value / medians["single"], 2) for name, value in medians.items()},
            "enterprises_per_second": {name: round(summary["rows"] / value) for name, value in medians.items()},
            "identical_results": equal, "load_after": os.getloadavg(),
        }
        print(json.dumps(report, ensure_ascii=False, indent=2))
        if args.out:
            args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
