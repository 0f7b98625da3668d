"""`kuaiban notifications deliver`: the dispatcher that sends the message centre's outbox.

Run it next to the server (``--interval`` seconds between empty rounds) or from cron with ``--once``.
Several dispatchers may run at once (PostgreSQL hands them different rows; SQLite serialises claims).
"""

from __future__ import annotations

import contextlib
import json
from typing import Annotated

import typer

from kuaiban.db import connect
from kuaiban.platform.cli_options import DbOption, user_errors

notifications_app = typer.Typer(help="消息中心", no_args_is_help=True, add_completion=False)


@notifications_app.command("deliver")
def deliver_cmd(
    once: Annotated[bool, typer.Option("--once", help="只发送一轮当前到期的消息后退出")] = False,
    interval: Annotated[float, typer.Option("--interval", min=0.1, help="没有待发消息时等待的秒数")] = 5.0,
    db: DbOption = None,
) -> None:
    """发送待发消息（短信等外部渠道；默认发送器把发送记录写入数据库），失败的按退避时间重试。"""
    # here, not at the top: every `kuaiban` command (the ingest too) loads this module at start
    from kuaiban.platform import notifications

    with user_errors():
        engine = connect(db)
    sender = notifications.RecordingSender(engine)

    def report(r: notifications.DeliveryReport) -> None:
        if r.sent or r.retrying or r.failed or once:
            print(json.dumps({"sent": len(r.sent), "retrying": len(r.retrying), "failed": len(r.failed)},
                             ensure_ascii=False), flush=True)

    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C ends the loop quietly; a row mid-send is leased
        notifications.run(engine, sender, interval=interval, once=once, on_round=report)


def register(app: typer.Typer) -> None:
    app.add_typer(notifications_app, name="notifications")
