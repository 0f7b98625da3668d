"""`kuaiban programs loans`: what an operator runs from cron for 创业担保贷款::

    kuaiban programs loans remind [--date YYYY-MM-DD] [--json] [--db URL]

``remind`` posts the 到期提醒 of 鲁人社字〔2020〕27号 第十一条 (在贷款到期前1个月，通知借款人按时履约还贷) once per
loan maturing within a month; run daily, a loan is reminded once. Prints how many were sent.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

import typer

from kuaiban.db import connect, session_scope
from kuaiban.platform import audit
from kuaiban.platform.cli_options import DbOption, fail, user_errors
from kuaiban.programs.cli_support import JsonOption

loans_app = typer.Typer(help="创业担保贷款：到期提醒", no_args_is_help=True)


@loans_app.command("remind")
def remind_command(
    date: Annotated[str | None, typer.Option("--date", help="按哪一天计算，如 2022-02-01（默认今天）")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """向一个月内到期、尚未提醒的创业担保贷款借款人发送到期提醒。"""
    # imported here: the flow loads every calculator's spec, which every other `kuaiban` command would wait for
    from kuaiban.programs.loans import flow

    try:
        at = dt.datetime.combine(dt.date.fromisoformat(date), dt.time(8)) if date else audit.now()
    except ValueError:
        raise fail("--date 应为日期，如 2022-02-01") from None
    with user_errors():
        engine = connect(db)
    with session_scope(engine) as session:
        sent = flow.remind_maturities(session, at=at)
    typer.echo(json.dumps({"sent": sent}) if as_json else f"已发送到期提醒 {sent} 条")
