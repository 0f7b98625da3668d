"""Population mode on a Dask cluster gives, row by row and in order, what the single-process path gives.

The cluster is a two-worker LocalCluster with threads (processes=False): the same scheduler, tasks and
serialisation of the partitions' descriptions, without the 5–10 s it takes two worker processes to start
and import OpenFisca on the shared 2-core machine. `kuaiban calc --workers N` starts worker processes.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from kuaiban.cli import app
from kuaiban.rules.calculators import CalculatorError, get
from kuaiban.rules.distributed import plan, run_population_distributed
from kuaiban.rules.population import run_population
from tests.rules.test_population import GENERATORS, _table

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=":0") as local:
        yield local


def _split(table: pa.Table, folder: Path, files: int, row_group_size: int) -> None:
    """The table as `files` Parquet files of several row groups each, in folder order."""
    folder.mkdir()
    size = -(-table.num_rows // files)
    for i in range(files):
        pq.write_table(table.slice(i * size, size), folder / f"{i:02d}.parquet", row_group_size=row_group_size)


@pytest.mark.parametrize("name", ["pension_adjustment", "contribution_base"])
def test_cluster_result_equals_single_process_row_by_row(name: str, tmp_path: Path, cluster) -> None:
    rng = random.Random(f"dask-{name}")
    table = _table([GENERATORS[name](rng) for _ in range(120)], name)
    pq.write_table(table, tmp_path / "whole.parquet")
    run_population(name, tmp_path / "whole.parquet", tmp_path / "single.parquet", progress=False)
    _split(table, tmp_path / "parts", files=3, row_group_size=15)

    summary = run_population_distributed(name, tmp_path / "parts", tmp_path / "out", scheduler=cluster.scheduler_address,
                                         rows_per_partition=20)

    single = pq.read_table(tmp_path / "single.parquet")
    spread = pq.read_table(tmp_path / "out")
    assert summary["partitions"] == 6 and summary["workers"] == 2  # 3 files × (40 rows / 20)
    assert (summary["rows"], summary["computed"] + summary["errors"]) == (120, 120)
    assert summary["errors"] == sum(error is not None for error in single.column("error").to_pylist()) > 0
    assert spread.column_names == single.column_names
    assert spread.to_pylist() == single.to_pylist()  # values, errors and row order
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [f"part-{i:05d}.parquet" for i in range(6)]


def test_hive_directories_supply_their_column(tmp_path: Path, cluster) -> None:
    source = tmp_path / "people"
    for region, wages in (("湖南", [1000.0, 20000.0]), ("北京", [5000.0])):
        (source / f"region={region}").mkdir(parents=True)
        pq.write_table(pa.table({"year": [2020] * len(wages), "monthly_wage": wages}),
                       source / f"region={region}" / "part.parquet")

    run_population_distributed("contribution_base", source, tmp_path / "out", scheduler=cluster.scheduler_address)

    rows = pq.read_table(tmp_path / "out").select(["region", "value", "error"]).to_pylist()
    assert [(row["region"], row["value"]) for row in rows] == [("北京", None), ("湖南", 2859.0), ("湖南", 15162.0)]
    assert rows[0]["error"].startswith("参保地：汇编未给出北京的缴费基数上下限数额")


def test_a_failing_partition_is_named_in_chinese_and_nothing_is_written(tmp_path: Path, cluster) -> None:
    source = tmp_path / "people"
    source.mkdir()
    pq.write_table(pa.table({"region": ["湖南"], "year": [2020], "monthly_wage": [1000.0]}), source / "a.parquet")
    # the dataset's columns come from the first file; the second lacks one the calculator needs
    pq.write_table(pa.table({"region": ["湖南"] * 3, "year": [2020] * 3}), source / "b.parquet")

    with pytest.raises(CalculatorError) as raised:
        run_population_distributed("contribution_base", source, tmp_path / "out",
                                   scheduler=cluster.scheduler_address)

    assert str(raised.value) == ("population：第 2 个分区（b.parquet，第 1 个行组，3 行）计算失败："
                                 "monthly_wage：文件缺少此列")
    assert list(tmp_path.iterdir()) == [source]  # no result, no staging directory left behind


def test_the_plan_checks_columns_and_refuses_to_overwrite(tmp_path: Path) -> None:
    source = tmp_path / "people.parquet"
    pq.write_table(pa.table({"region": ["湖南"], "year": [2020]}), source)
    with pytest.raises(CalculatorError, match=r"^monthly_wage：文件缺少此列$"):
        plan(get("contribution_base"), source)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "old.parquet").write_bytes(b"")
    pq.write_table(pa.table({"region": ["湖南"], "year": [2020], "monthly_wage": [1.0]}), source)
    with pytest.raises(CalculatorError, match=r"^out：结果目录已存在且不为空"):
        run_population_distributed("contribution_base", source, tmp_path / "out", workers=1)


def test_cli_runs_on_a_scheduler_and_reports_counts(tmp_path: Path, cluster) -> None:
    source = tmp_path / "people.parquet"
    pq.write_table(pa.table({"region": ["湖南", "天津", "北京"], "year": [2020] * 3,
                             "monthly_wage": [1000.0, 99999.0, 5000.0]}), source)

    result = CliRunner().invoke(app, ["calc", "contribution_base", "--population", str(source), "--out",
                                      str(tmp_path / "out"), "--scheduler", cluster.scheduler_address, "--json"])

    assert result.exit_code == 0, result.stdout
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert (summary["rows"], summary["computed"], summary["errors"], summary["workers"]) == (3, 2, 1, 2)
    assert pq.read_table(tmp_path / "out").column("value").to_pylist() == [2859.0, 18969.0, None]


def test_cli_refuses_a_scheduler_and_local_workers_together(tmp_path: Path) -> None:
    source = tmp_path / "people.parquet"
    pq.write_table(pa.table({"region": ["湖南"], "year": [2020], "monthly_wage": [1.0]}), source)
    result = CliRunner().invoke(app, ["calc", "contribution_base", "--population", str(source), "--out",
                                      str(tmp_path / "out"), "--scheduler", "tcp://127.0.0.1:1", "--workers", "2"])
    assert result.exit_code == 2
    assert json.loads(result.stdout)["error"].startswith("scheduler：--scheduler 与 --workers 只能选一个")


@pytest.mark.slow
def test_cli_starts_local_worker_processes(tmp_path: Path) -> None:
    """`--workers 2`: two worker processes on this machine (each imports OpenFisca: several seconds)."""
    source = tmp_path / "people.parquet"
    pq.write_table(pa.table({"region": ["湖南", "重庆"], "year": [2020, 2021], "monthly_wage": [1000.0, 1.0]}),
                   source, row_group_size=1)
    result = CliRunner().invoke(app, ["calc", "contribution_base", "--population", str(source), "--out",
                                      str(tmp_path / "out"), "--workers", "2", "--json"])
    assert result.exit_code == 0, result.stdout
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert (summary["rows"], summary["errors"], summary["workers"]) == (2, 0, 2)
    assert pq.read_table(tmp_path / "out").column("value").to_pylist() == [2859.0, 3699.0]


def test_a_directory_without_a_cluster_says_how_to_run_it(tmp_path: Path) -> None:
    (tmp_path / "people").mkdir()
    result = CliRunner().invoke(app, ["calc", "contribution_base", "--population", str(tmp_path / "people"),
                                      "--out", str(tmp_path / "out.parquet")])
    assert result.exit_code == 2
    assert json.loads(result.stdout)["error"].startswith("population：分区 Parquet 目录请用 --workers N")
