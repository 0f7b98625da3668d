"""Population mode on a Dask cluster: partitioned Parquet in, one Parquet part per partition out.

The work of one partition is exactly the single-process path (`population.evaluate`: the column-wise
converter, gap checks, OpenFisca in chunks), run on a worker. Partitions follow the input: one per file of
a directory (hive-style `region=湖南/` directories supply their column), and a file's row groups are
grouped into partitions of about `rows_per_partition` rows. Part `part-00007.parquet` holds partition 7's
rows in their input order, so reading the result directory gives the input's rows in the input's order.

Workers write their parts into a staging directory beside `out`, which is renamed to `out` only when
every partition has succeeded: a failed run leaves nothing half-written. The workers must therefore see
`source` and `out` at the same paths as the client (a local cluster does; a remote one needs a shared
file system).
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from kuaiban.rules import messages as msg
from kuaiban.rules.calculators import Calculator, CalculatorError, get
from kuaiban.rules.population import check_shape, evaluate, result_table

ROWS_PER_PARTITION = 1_000_000
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Partition:
    """Some row groups of one Parquet file, plus the constant columns its directory names give."""

    index: int
    path: str
    label: str  # the file as the user knows it: its path inside `source`
    row_groups: tuple[int, ...]
    rows: int
    keys: dict[str, Any] = field(default_factory=dict)
    key_types: dict[str, pa.DataType] = field(default_factory=dict)


def _dataset(source: Path):
    import pyarrow.dataset as ds

    if source.is_dir():
        return ds.dataset(source, format="parquet", partitioning="hive", exclude_invalid_files=False)
    return ds.dataset(source, format="parquet")


def plan(calc: Calculator, source: Path, rows_per_partition: int = ROWS_PER_PARTITION) -> list[Partition]:
    """The partitions of `source` (a Parquet file or a directory of them), checked as the single path
    checks a file: columns present, column and row caps (CalculatorError in Chinese)."""
    import pyarrow.dataset as ds

    if not source.exists():
        raise CalculatorError(msg.error("population", "找不到人群文件或目录", source.name))
    if source.is_file() and source.suffix.lower() != ".parquet":
        raise CalculatorError(msg.error("population", "集群计算的输入应为 .parquet 文件或其目录", source.name))
    try:
        dataset = _dataset(source)
        fragments = sorted(dataset.get_fragments(), key=lambda fragment: fragment.path)
        schema = dataset.schema
        row_groups = {fragment.path: [fragment.metadata.row_group(i).num_rows
                                      for i in range(fragment.metadata.num_row_groups)] for fragment in fragments}
    except (OSError, pa.ArrowException) as error:
        log.info("cannot read %s: %s", source, error)
        raise CalculatorError(msg.error("population", "无法读取为 Parquet 数据", source.name)) from None
    if not fragments:
        raise CalculatorError(msg.error("population", "目录中没有 .parquet 文件", source.name))
    for spec in calc.fields:
        if spec.required and spec.name not in schema.names:
            raise CalculatorError(msg.error(spec.name, "文件缺少此列"))
    partitions: list[Partition] = []
    total = 0
    for fragment in fragments:
        keys = ds.get_partition_keys(fragment.partition_expression) if source.is_dir() else {}
        key_types = {name: schema.field(name).type for name in keys}
        label = str(Path(fragment.path).relative_to(source)) if source.is_dir() else source.name
        groups: list[int] = []
        rows = 0
        sizes = row_groups[fragment.path]
        for group, size in enumerate(sizes):
            groups.append(group)
            rows += size
            if rows >= rows_per_partition or group == len(sizes) - 1:
                partitions.append(Partition(len(partitions), fragment.path, label, tuple(groups), rows, keys,
                                            key_types))
                total += rows
                groups, rows = [], 0
    check_shape(calc, len(schema.names), total)
    return partitions


def read_partition(part: Partition) -> pa.Table:
    """A partition's rows, strings dictionary-encoded as Parquet stores them (as `population.read_table`)."""
    import pyarrow.parquet as pq

    schema = pq.read_schema(part.path)
    strings = [f.name for f in schema if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)]
    table = pq.ParquetFile(part.path, read_dictionary=strings).read_row_groups(list(part.row_groups),
                                                                              use_threads=False)
    for name, value in part.keys.items():
        if name in table.column_names:
            continue
        kind = part.key_types[name]
        if pa.types.is_string(kind) or pa.types.is_dictionary(kind):
            column = pa.DictionaryArray.from_arrays(pa.array(np.zeros(table.num_rows, dtype=np.int32)),
                                                    pa.array([value], pa.string()))
        else:
            column = pa.array(np.full(table.num_rows, value)).cast(kind)
        table = table.append_column(name, column)
    return table


def run_partition(name: str, part: Partition, staging: str) -> dict[str, Any]:
    """On a worker: one partition through the single-process path, its part file written.

    Returns {"index", "rows", "errors"}, or {"index", "failure"} with a Chinese reason: the client
    reports the first failed partition by its number and file.
    """
    try:
        calc = get(name)
        table = read_partition(part)
        values, errors = evaluate(calc, table)
        import pyarrow.parquet as pq

        pq.write_table(result_table(calc, table, values, errors), Path(staging) / f"part-{part.index:05d}.parquet")
    except CalculatorError as error:
        return {"index": part.index, "failure": str(error)}
    except (OSError, pa.ArrowException) as error:
        log.info("partition %d (%s): %r", part.index, part.path, error)
        return {"index": part.index, "failure": "文件无法读取或写入"}
    return {"index": part.index, "rows": table.num_rows, "errors": errors.count()}


def _failed(part: Partition, reason: str) -> CalculatorError:
    groups = part.row_groups
    where = f"第 {groups[0] + 1} 个行组" if len(groups) == 1 else f"第 {groups[0] + 1}–{groups[-1] + 1} 个行组"
    return CalculatorError(msg.error("population", f"第 {part.index + 1} 个分区（{part.label}，{where}，"
                                                   f"{part.rows} 行）计算失败：{reason}"))


@contextlib.contextmanager
def connect(scheduler: str | None, workers: int | None, processes: bool = True) -> Iterator[Any]:
    """A Dask client: to the scheduler at `scheduler`, or to a local cluster of `workers` workers
    (one thread each: the rules are NumPy code that holds the GIL between array operations)."""
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            client = Client(scheduler, timeout="10s")
        except (OSError, TimeoutError, ValueError) as error:
            log.info("cannot reach %s: %r", scheduler, error)
            raise CalculatorError(msg.error("scheduler", "无法连接到 Dask 调度器", scheduler)) from None
        with client:
            yield client
        return
    if workers is None or workers < 1:
        raise CalculatorError(msg.error("workers", "工作进程数应为正整数", workers))
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=processes, dashboard_address=":0",
                      silence_logs=logging.CRITICAL) as cluster, Client(cluster) as client:
        yield client


def gather(client, futures: dict, *, failed: Callable[[Any, str], Exception], on_result: Callable[[dict], None],
           where: Callable[[Any], str]) -> list[dict]:
    """The results of ``futures`` (each submitted on ``client`` → its part) as they complete, ``on_result``
    told of each. A result with a ``failure`` (or a worker that died, a task that could not run: 计算节点出错或退出,
    logged with ``where(part)``) cancels the rest and raises ``failed(part, reason)``."""
    from distributed import as_completed

    results = []
    for future in as_completed(futures):
        part = futures[future]
        try:
            result = future.result()
        except Exception as error:  # a worker that died or a task that could not run
            log.info("%s: %r", where(part), error)
            result = {"index": part.index, "failure": "计算节点出错或退出"}
        if "failure" in result:
            client.cancel(list(futures))
            raise failed(part, result["failure"])
        results.append(result)
        on_result(result)
    return results


@contextlib.contextmanager
def published(staging: Path, out: Path) -> Iterator[None]:
    """The block writes into ``staging`` (beside ``out``, which was checked absent or empty); then ``staging``
    becomes ``out``. If anything fails or is interrupted, ``staging`` is removed: a failed run leaves nothing."""
    try:
        yield
        if out.exists():
            out.rmdir()  # checked empty before the staging directory was made
        staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _staging_for(out: Path) -> Path:
    if out.suffix.lower() == ".csv":
        raise CalculatorError(msg.error("out", "集群计算的结果为 Parquet 目录，不能写成 .csv", out.name))
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise CalculatorError(msg.error("out", "结果目录已存在且不为空（不覆盖已有结果）", out.name))
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.parent / f".{out.name}.partial-{uuid.uuid4().hex[:8]}"
    staging.mkdir()
    return staging


def run_population_distributed(name: str, source: Path, out: Path, *, scheduler: str | None = None,
                               workers: int | None = None, processes: bool = True,
                               rows_per_partition: int = ROWS_PER_PARTITION,
                               on_rows: Callable[[int], None] | None = None,
                               on_plan: Callable[[int], None] | None = None) -> dict[str, Any]:
    """Compute calculator `name` for every row of `source` on a Dask cluster; `out` becomes a directory
    of Parquet parts (input columns + value + error, rows in input order). Returns the same summary as
    the single-process path, with the partition and worker counts."""
    calc = get(name)
    started = time.perf_counter()
    parts = plan(calc, source, rows_per_partition)
    if on_plan:
        on_plan(sum(part.rows for part in parts))
    staging = _staging_for(out)
    with published(staging, out), connect(scheduler, workers, processes) as client:
        futures = {client.submit(run_partition, name, part, str(staging), pure=False): part for part in parts}
        results = gather(client, futures, failed=_failed,
                         on_result=lambda result: on_rows(result["rows"]) if on_rows else None,
                         where=lambda part: f"partition {part.index}")
        cluster_workers = len(client.nthreads())
    rows = sum(result["rows"] for result in results)
    bad = sum(result["errors"] for result in results)
    return {
        "calculator": name,
        "rows": rows,
        "computed": rows - bad,
        "errors": bad,
        "unit": calc.unit,
        "out": str(out),
        "partitions": len(parts),
        "workers": cluster_workers,
        "seconds": round(time.perf_counter() - started, 3),
    }
