"""`kuaiban unemployment sync` and `kuaiban unemployment simulator`: thin commands over :mod:`.sync` and
:mod:`.simulator`.

    kuaiban unemployment sync --platform http://127.0.0.1:8765 [--once] [--interval 3600] [--exit-interval 86400]
    kuaiban unemployment sync --status [--json]
    kuaiban unemployment sync --refused
    kuaiban unemployment simulator --port 8765 --db var/national.db [--faults SPEC]
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import threading
from typing import Annotated

import typer

PLATFORM_ENV = "KUAIBAN_NATIONAL_URL"


def sync_command(
    platform: Annotated[str | None, typer.Option("--platform", help=f"全国平台接口地址（默认取环境变量 {PLATFORM_ENV}）")] = None,
    db: Annotated[str | None, typer.Option("--db", help="数据库地址（默认 var/kuaiban.db）")] = None,
    once: Annotated[bool, typer.Option("--once", help="立即下载、上传各一轮后退出")] = False,
    interval: Annotated[float, typer.Option("--interval", help="申请信息下载周期（秒），规定为1小时")] = 3600.0,
    exit_interval: Annotated[float, typer.Option("--exit-interval", help="退出信息上传周期（秒），规定为每日")] = 86400.0,
    tick: Annotated[float, typer.Option("--tick", help="查找待上传审核结果的间隔（秒）")] = 1.0,
    regions: Annotated[str, typer.Option("--regions", help="本系统负责的行政区划代码前缀，逗号分隔；空为全部")] = "",
    timeout: Annotated[float, typer.Option("--timeout", help="每次请求的超时（秒）")] = 5.0,
    page_size: Annotated[int, typer.Option("--page-size", help="每页下载条数")] = 500,
    auto_review: Annotated[bool, typer.Option("--auto-review", help="用合成数据的自动审核员（仅测试与基准）")] = False,
    exit_every: Annotated[int, typer.Option("--exit-every", help="自动审核员每k条通过的登记注销1条（0为不注销）")] = 0,
    show_status: Annotated[bool, typer.Option("--status", help="只输出同步状态（JSON）")] = False,
    show_refused: Annotated[bool, typer.Option("--refused", help="列出无法入库的下载申请及原因（JSON）")] = False,
    wait: Annotated[bool, typer.Option("--wait", help="已有同步进程在运行时等待它结束（默认提示后退出）")] = False,
) -> None:
    """与全国人社政务服务平台同步失业登记：下载申请、实时上传审核结果、每日上传退出信息。"""
    from kuaiban.db import DatabaseError, connect
    from kuaiban.unemployment.national import sync
    from kuaiban.unemployment.national.client import HttpNationalPlatform

    try:
        engine = connect(db)
    except DatabaseError as exc:
        _fail(str(exc))
    if show_status:
        typer.echo(json.dumps(sync.status(engine), ensure_ascii=False, default=str))
        return
    if show_refused:
        typer.echo(json.dumps(sync.refused_items(engine), ensure_ascii=False))
        return
    url = platform or os.environ.get(PLATFORM_ENV)
    if not url:
        _fail(f"缺少全国平台地址：请用 --platform 或环境变量 {PLATFORM_ENV}")
    if min(interval, exit_interval, tick, timeout) <= 0 or page_size <= 0:
        _fail("--interval、--exit-interval、--tick、--timeout、--page-size 都应大于0")
    try:
        client = HttpNationalPlatform(url, timeout=timeout)
    except ValueError as exc:
        _fail(str(exc))
    caseworker = None
    if auto_review:
        from kuaiban.unemployment.national.caseworker import AutoCaseworker

        caseworker = AutoCaseworker(exit_every=exit_every)
    from kuaiban.unemployment.national.local import RegistrationService

    config = sync.SyncConfig(regions=tuple(r for r in regions.split(",") if r), download_interval=interval,
                             exit_interval=exit_interval, tick=tick, page_size=page_size)
    synchronizer = sync.Synchronizer(engine, client, RegistrationService(), config, caseworker=caseworker)
    from kuaiban.platform.process_lock import Busy

    def waiting() -> None:
        print("另一个全国平台同步进程正在运行，等待它结束……", file=sys.stderr, flush=True)

    try:
        with sync.one_at_a_time(engine, wait=wait, on_wait=waiting):
            if once:
                try:
                    report = synchronizer.cycle(force=True)
                except sync.p.RejectedRequest as exc:
                    _fail(f"全国平台拒绝了请求：{exc}")
                typer.echo(json.dumps(report.as_dict(), ensure_ascii=False))
                return
            stop = threading.Event()
            signal.signal(signal.SIGTERM, lambda *_: stop.set())
            print(f"同步中：{url}（下载周期 {interval:g} 秒，退出信息 {exit_interval:g} 秒）", file=sys.stderr,
                  flush=True)
            with contextlib.suppress(KeyboardInterrupt):
                synchronizer.run(stop)
    except Busy as exc:
        _fail(str(exc))


def simulator_command(
    db: Annotated[str, typer.Option("--db", help="模拟器自己的SQLite文件")],
    port: Annotated[int, typer.Option("--port", help="端口；0表示由系统分配")] = 8765,
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    faults: Annotated[str, typer.Option("--faults", help="故障设置，如 error=0.02,timeout=0.01,seed=1")] = "",
) -> None:
    """运行全国平台模拟器（测试与演示用）。"""
    from kuaiban.unemployment.national import simulator

    raise typer.Exit(simulator.main(["--db", db, "--port", str(port), "--host", host, "--faults", faults]))


def _fail(message: str) -> None:
    print(f"错误：{message}", file=sys.stderr)
    raise typer.Exit(code=2)


def register(app: typer.Typer) -> None:
    """Add ``sync`` and ``simulator`` to the ``kuaiban unemployment`` app."""
    app.command("sync")(sync_command)
    app.command("simulator")(simulator_command)
