"""The screening on a two-worker Dask LocalCluster writes what the single-process path writes, part by part.

As in tests/rules/test_population_dask.py the shared cluster runs its workers as threads (processes=False):
the same scheduler, tasks and serialisation without the seconds two worker processes take to start on the
loaded 2-core machine; one test starts real worker processes the way `--workers 2` does."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from kuaiban.programs.screening import ScreeningError, screen
from tests.programs.screening_data import credit_code, enterprise, generated, people, write_registry

distributed = pytest.importorskip("distributed")
NATIONAL = "stable_job_refund_2021"
FIGURES = {"layoff_rate_cap": "0.055", "fund_reserve_ok": "true",
                    "refund_share_sme": "0.6", "refund_share_large": "0.3"}


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=":0") as local:
        yield local


@pytest.fixture(scope="module")
def single(tmp_path_factory) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("screening")
    registry = generated(root / "registry", enterprises=500, persons=6000, counties=5, seed=11)
    return registry, screen(NATIONAL, registry, root / "single", as_of=date(2021, 7, 1), figures=FIGURES)


def _same(a: Path, b: Path, manifest_a: dict, manifest_b: dict) -> None:
    parts = sorted(p.name for p in (a / "results").iterdir())
    assert parts == sorted(p.name for p in (b / "results").iterdir()) and len(parts) == 5
    for part in parts:
        assert pq.read_table(a / "results" / part).equals(pq.read_table(b / "results" / part))
    keep = ("program", "as_of", "regions", "rows", "eligible", "total_amount", "sources", "figures")
    assert {k: manifest_a[k] for k in keep} == {k: manifest_b[k] for k in keep}


def test_two_workers_write_what_one_process_writes(single, cluster, tmp_path: Path) -> None:
    registry, manifest = single
    spread = screen(NATIONAL, registry, tmp_path / "spread", as_of=date(2021, 7, 1), figures=FIGURES,
                    scheduler=cluster.scheduler_address)
    assert spread["workers"] == 2 and spread["partitions"] == 5
    assert manifest["rows"] == 500 and 0 < manifest["eligible"] < 500
    _same(Path(manifest["out"]), tmp_path / "spread", manifest, spread)


@pytest.mark.slow
def test_worker_processes_write_what_one_process_writes(single, tmp_path: Path) -> None:
    registry, manifest = single
    spread = screen(NATIONAL, registry, tmp_path / "spread", as_of=date(2021, 7, 1), figures=FIGURES, workers=2)
    assert spread["workers"] == 2
    _same(Path(manifest["out"]), tmp_path / "spread", manifest, spread)


def test_a_failed_region_on_the_cluster_leaves_nothing(cluster, tmp_path: Path) -> None:
    a, b = credit_code(), credit_code("370103")
    registry = write_registry(tmp_path / "registry", 2020, {
        "370102": ([enterprise(a)], people(a, 3, 1000)),
        "370103": ([enterprise(b)], people(b, 3, 1000, left=date(2020, 3, 1), why=None))})
    with pytest.raises(ScreeningError) as caught:
        screen(NATIONAL, registry, tmp_path / "out", as_of=date(2021, 7, 1), figures=FIGURES,
               scheduler=cluster.scheduler_address)
    assert caught.value.message == ("地区 370103 筛查失败：persons/region=370103/part-00000.parquet：列 separation"
                                    "（终止参保原因（仍在保为空））参保已终止的应写明原因（第 1 行等 3 行）")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["registry"]


def test_an_unreachable_scheduler_is_named(tmp_path: Path) -> None:
    a = credit_code()
    registry = write_registry(tmp_path / "registry", 2020, {"370102": ([enterprise(a)], people(a, 3, 1000))})
    with pytest.raises(ScreeningError) as caught:
        screen(NATIONAL, registry, tmp_path / "out", as_of=date(2021, 7, 1), figures=FIGURES,
               scheduler="tcp://127.0.0.1:9")
    assert "无法连接到 Dask 调度器" in caught.value.message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["registry"]
