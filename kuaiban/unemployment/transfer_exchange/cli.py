"""`kuaiban unemployment transfers`: the partner provinces and the exchanger.

    kuaiban unemployment transfers partner --province 50 --name 重庆市 --url http://… [--token T] [--db URL]
    kuaiban unemployment transfers exchange [--db URL] [--once] [--interval 30] [--timeout 5]
    kuaiban unemployment transfers status [--db URL]
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

transfers_app = typer.Typer(help="失业保险关系跨省转移：合作省份与消息交换", no_args_is_help=True)
DbOption = Annotated[str | None, typer.Option("--db", help="数据库地址（默认 var/kuaiban.db）")]


def _engine(db: str | None):
    from kuaiban.db import DatabaseError, connect

    try:
        return connect(db)
    except DatabaseError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None


@transfers_app.command("partner")
def partner_command(
    province: Annotated[str, typer.Option("--province", help="对方省份（行政区划代码或名称）")],
    name: Annotated[str, typer.Option("--name", help="对方系统名称")],
    url: Annotated[str, typer.Option("--url", help="对方转移接口地址")],
    token: Annotated[str | None, typer.Option("--token", help="对方调用本系统接口时出示的凭据（不填则对方只能被调用）")] = None,
    db: DbOption = None,
) -> None:
    """登记（或修改）经接口办理转移的其他省份系统。"""
    from kuaiban.db import session_scope
    from kuaiban.platform import regions
    from kuaiban.platform.errors import ServiceError
    from kuaiban.unemployment.transfer_exchange.sync import set_partner

    engine = _engine(db)
    try:
        code = regions.resolve(province, field="province")
        with session_scope(engine) as s:
            set_partner(s, code[:2], name, url, token)
    except ServiceError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    typer.echo(f"已登记：{regions.label(code[:2] + '0000')} → {url}")


@transfers_app.command("exchange")
def exchange_command(
    db: DbOption = None,
    once: Annotated[bool, typer.Option("--once", help="发送、接收各一轮后退出")] = False,
    interval: Annotated[float, typer.Option("--interval", help="两轮之间的间隔（秒）")] = 30.0,
    timeout: Annotated[float, typer.Option("--timeout", help="每次请求的超时（秒）")] = 5.0,
) -> None:
    """与各合作省份系统交换失业保险关系转移消息（发件箱发送、收件箱接收，各只办理一次）。"""
    from kuaiban.unemployment.transfer_exchange import sync

    engine = _engine(db)
    if once:
        report = sync.exchange_once(engine, timeout=timeout)
        typer.echo(f"发出{report.sent}条，对方已有{report.duplicates}条，接收并办理{report.applied}条，"
                   f"未能办理{report.not_applied}条，错误{len(report.errors)}次")
        return
    sync.run(engine, interval=interval, timeout=timeout)


@transfers_app.command("status")
def status_command(db: DbOption = None) -> None:
    """发件箱状态（JSON）。"""
    from kuaiban.unemployment.transfer_exchange import sync

    typer.echo(json.dumps(sync.pending(_engine(db)), ensure_ascii=False))


def register(app: typer.Typer) -> None:
    app.add_typer(transfers_app, name="transfers")
