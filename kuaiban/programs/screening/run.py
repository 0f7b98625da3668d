"""A screening run: every region of the registry through `screen_partition`, in this process or on a Dask
cluster, into a staging directory renamed to the result directory only when every region has succeeded.

Result directory (the contract with the 免申即享 import)::

    DIR/manifest.json              program, as_of, regions, rows, eligible, total_amount, sources, figures, created_at
    DIR/results/part-NNNNN.parquet one row per enterprise (compute.RESULT_SCHEMA), part N = the N-th region by code

Both paths run the same function on the same partitions, so they write the same parts.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from kuaiban.programs.screening import aggregate, compute, config, registry
from kuaiban.programs.screening.errors import ScreeningError
from kuaiban.rules.calculators import CalculatorError, get

log = logging.getLogger(__name__)
RESULTS = "results"


def screen_partition(code: str, part: registry.RegionPart, as_of: date, figures: dict[str, Any],
                     staging: str) -> dict[str, Any]:
    """One region: read and check its records, aggregate, compute, write its part. On a worker or here.

    Returns {"index", "region", "rows", "eligible", "total_fen"} or {"index", "failure"} (Chinese)."""
    try:
        program = config.program(code)
        calc = get(program.calculator)
        enterprises = registry.read_enterprises(part, program.enterprise_columns)
        persons, owner = registry.read_persons(part, enterprises.column("credit_code"))
        agg = aggregate.per_enterprise(enterprises.num_rows, persons, owner, as_of.year - 1, program.not_layoffs)
        table = compute.screen_region(program, calc, part.region, enterprises, agg, as_of, figures)
        pq.write_table(table, Path(staging) / RESULTS / f"part-{part.index:05d}.parquet")
    except ScreeningError as error:
        return {"index": part.index, "failure": error.message}
    except CalculatorError as error:
        return {"index": part.index, "failure": str(error)}
    except (OSError, pa.ArrowException) as error:
        log.info("region %s: %r", part.region, error)
        return {"index": part.index, "failure": "文件无法读取或写入"}
    eligible = table.column("eligible").to_numpy(zero_copy_only=False)
    fen = sum(int(a.replace(".", "")) for a in table.column("amount").filter(pa.array(eligible)).to_pylist())
    return {"index": part.index, "region": part.region, "rows": table.num_rows, "eligible": int(eligible.sum()),
            "total_fen": fen}


def _staging_for(out: Path) -> Path:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ScreeningError(f"结果目录「{out.name}」已存在且不为空（不覆盖已有结果）", "out")
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.parent / f".{out.name}.partial-{uuid.uuid4().hex[:8]}"
    (staging / RESULTS).mkdir(parents=True)
    return staging


def _failed(part: registry.RegionPart, reason: str) -> ScreeningError:
    return ScreeningError(f"地区 {part.region} 筛查失败：{reason}", "registry")


def _in_process(code, parts, as_of, figures, staging, on_region) -> list[dict[str, Any]]:
    results = []
    for part in parts:
        result = screen_partition(code, part, as_of, figures, str(staging))
        if "failure" in result:
            raise _failed(part, result["failure"])
        results.append(result)
        on_region(result)
    return results


def _on_cluster(code, parts, as_of, figures, staging, on_region, scheduler, workers, processes):
    from kuaiban.rules.distributed import connect, gather

    try:
        with connect(scheduler, workers, processes) as client:
            futures = {client.submit(screen_partition, code, part, as_of, figures, str(staging), pure=False): part
                       for part in parts}
            results = gather(client, futures, failed=_failed, on_result=on_region,
                             where=lambda part: f"region {part.region}")
            return results, len(client.nthreads())
    except CalculatorError as error:  # the scheduler could not be reached, a bad worker count
        if error.field == "scheduler":
            raise ScreeningError(f"无法连接到 Dask 调度器「{scheduler}」", "scheduler") from None
        raise ScreeningError(f"工作进程数应为正整数（收到 {workers}）", "workers") from None


def screen(code: str, source: Path, out: Path, *, as_of: date, figures: dict[str, str],
           scheduler: str | None = None, workers: int | None = None, processes: bool = True,
           on_region: Callable[[dict[str, Any]], None] | None = None) -> dict[str, Any]:
    """Screen every enterprise of the registry `source` for program `code`; write the result directory `out`.

    `figures` are the ``--set`` pairs as typed. Without `scheduler` or `workers` the regions run here, one by
    one. Returns the manifest plus the run's own figures (seconds, partitions, workers, out)."""
    from kuaiban.rules.distributed import published

    started = time.perf_counter()
    program = config.program(code)
    program.check_as_of(as_of)
    values = program.figures_from(figures)
    year = registry.contribution_year(source)
    if year != as_of.year - 1:
        raise ScreeningError(f"登记数据的缴费记录为 {year} 年度，筛查日期 {as_of} 需要上年度（{as_of.year - 1} 年）的记录",
                             "registry")
    parts = registry.plan(source, program.enterprise_columns)
    staging = _staging_for(out)
    report = on_region or (lambda result: None)
    cluster_workers = 0
    with published(staging, out):
        if scheduler or workers:
            results, cluster_workers = _on_cluster(code, parts, as_of, values, staging, report, scheduler, workers,
                                                   processes)
        else:
            results = _in_process(code, parts, as_of, values, staging, report)
        total = sum(result["total_fen"] for result in results)
        manifest = {
            "program": code,
            "as_of": as_of.isoformat(),
            "regions": [part.region for part in parts],
            "rows": sum(result["rows"] for result in results),
            "eligible": sum(result["eligible"] for result in results),
            "total_amount": f"{total // 100}.{total % 100:02d}",
            "sources": list(program.sources),
            "figures": values,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        (staging / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return manifest | {"out": str(out), "partitions": len(parts), "workers": cluster_workers,
                       "seconds": round(time.perf_counter() - started, 3)}
