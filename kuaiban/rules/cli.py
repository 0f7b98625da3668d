"""`kuaiban calc`: run a named calculator on one input, a batch of JSON lines, or a population file."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from kuaiban.rules import messages as msg

ERROR_EXIT = 2


def _emit(obj: dict[str, Any], compact: bool = True) -> None:
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":") if compact else None,
                      indent=None if compact else 2)
    sys.stdout.write(text + "\n")


def _fail(message: str) -> None:
    _emit({"error": message})
    raise typer.Exit(ERROR_EXIT)


def _not_json(field: str, error: json.JSONDecodeError) -> str:
    return msg.error(field, f"不是有效的 JSON（第 {error.lineno} 行第 {error.colno} 列有误）")


def run_one(name: str, raw: Any) -> dict[str, Any]:
    """One calculator on one input object: the result, or {"error": ...}."""
    from kuaiban.rules.calculators import CalculatorError, get

    try:
        return get(name).run(raw)
    except CalculatorError as error:
        return {"error": str(error)}


def run_batch_line(line: str) -> dict[str, Any]:
    """One JSON line {"calculator", "input"} -> its result or {"error": ...}."""
    try:
        request = json.loads(line)
    except json.JSONDecodeError as error:
        return {"error": _not_json("line", error)}
    if not isinstance(request, dict) or not isinstance(request.get("calculator"), str):
        return {"error": msg.error("calculator", '缺少计算器名称（每行应为 {"calculator": 名称, "input": {...}}）')}
    if "input" not in request:
        return {"error": msg.missing("input")}
    return run_one(request["calculator"], request["input"])


def _run_on_cluster(name: str, source: Path, out: Path, scheduler: str | None, workers: int | None):
    """Population mode on Dask, with a progress bar on stderr (stdout carries the JSON summary)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from kuaiban.rules.calculators import CalculatorError
    from kuaiban.rules.distributed import run_population_distributed

    if scheduler is not None and workers is not None:
        raise CalculatorError(msg.error("scheduler", "--scheduler 与 --workers 只能选一个（连接已有集群，或在本机启动）"))
    with Progress(TextColumn(f"[bold]{name}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("rows", total=None)
        return run_population_distributed(
            name, source, out, scheduler=scheduler, workers=workers,
            on_plan=lambda rows: bar.update(task, total=rows), on_rows=lambda rows: bar.advance(task, rows))


def calc(
    name: Annotated[str | None, typer.Argument(help="计算器名称，如 pension_adjustment")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="单行 JSON 输出")] = False,
    batch: Annotated[bool, typer.Option("--batch", help="从标准输入读取 JSON 行 {calculator, input}")] = False,
    list_: Annotated[bool, typer.Option("--list", help="列出全部计算器及其输入、覆盖范围和依据")] = False,
    population: Annotated[Path | None, typer.Option("--population", help="人群文件 .parquet 或 .csv")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="人群计算结果文件 .parquet 或 .csv（集群计算时为目录）")] = None,
    scheduler: Annotated[str | None, typer.Option("--scheduler", help="在 Dask 集群上计算：调度器地址，如 tcp://10.0.0.5:8786")] = None,
    workers: Annotated[int | None, typer.Option("--workers", help="在本机启动 N 个 Dask 工作进程计算")] = None,
) -> None:
    """政策计算：读取标准输入的 JSON 对象，输出数值、明细与逐条引用条文的计算说明。"""
    if list_:
        from kuaiban.rules.calculators import CALCULATORS

        listing = {"calculators": [calc.describe() for calc in CALCULATORS.values()]}
        _emit(listing, compact=as_json)
        return
    if batch:
        for line in sys.stdin:
            if line.strip():
                _emit(run_batch_line(line))
        return
    if name is None:
        _fail(msg.error("calculator", "缺少计算器名称 NAME（可用 kuaiban calc --list --json 查看全部计算器）"))
    if population is not None:
        if out is None:
            _fail(msg.error("out", "使用 --population 时须用 --out FILE 指定结果文件"))
        from kuaiban.rules.calculators import CalculatorError

        try:
            if scheduler is not None or workers is not None:
                summary = _run_on_cluster(name, population, out, scheduler, workers)
            else:
                from kuaiban.rules.population import run_population

                summary = run_population(name, population, out, progress=True)
        except CalculatorError as error:
            _fail(str(error))
        _emit(summary, compact=as_json)
        return
    if scheduler is not None or workers is not None:
        _fail(msg.error("population", "--scheduler 与 --workers 只用于 --population 人群计算"))
    try:
        raw = json.loads(sys.stdin.read())
    except json.JSONDecodeError as error:
        _fail(_not_json("input", error))
    result = run_one(name, raw)
    _emit(result, compact=as_json)
    if "error" in result:
        raise typer.Exit(ERROR_EXIT)


def register(app: typer.Typer) -> None:
    """Add the rules commands to the main CLI."""
    app.command("calc")(calc)
