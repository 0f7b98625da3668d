"""`kuaiban programs`: what an operator runs from cron, exactly::

    kuaiban programs list --json
    kuaiban programs payroll --program CODE --region CODE --month YYYY-MM --json [--db URL]
    kuaiban programs loans remind [--date YYYY-MM-DD] [--json] [--db URL]   (创业担保贷款到期提醒)

``payroll`` builds the month's batch (or, run again, returns it unchanged) and writes its payment file;
it prints ``{"batch", "lines", "total", "file", …}``. Bad input: one Chinese line, exit code 2.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from kuaiban.db import connect, session_scope
from kuaiban.platform.cli_options import DbOption, fail, user_errors
from kuaiban.platform.errors import ServiceError
from kuaiban.programs import definitions, payroll
from kuaiban.programs.loans.cli import loans_app

programs_app = typer.Typer(help="补贴项目：项目清单与按月发放批次", no_args_is_help=True)
programs_app.add_typer(loans_app, name="loans")  # kuaiban programs loans remind


@programs_app.command("list")
def list_command(as_json: Annotated[bool, typer.Option("--json", help="输出JSON")] = False) -> None:
    """列出全部补贴项目（地区、依据条款、审核环节及时限、计算规则）。"""
    items = [definitions.describe(p) for p in definitions.programs().values()]
    if as_json:
        typer.echo(json.dumps(items, ensure_ascii=False, indent=2, default=str))
        return
    for item in items:
        regions = "、".join(r["name"] for r in item["regions"])
        steps = " → ".join(f"{s['name']}（{_limit(s)}）" for s in item["steps"])
        typer.echo(f"{item['code']}  {item['name']}  [{regions}]  {steps}")


def _limit(step: dict) -> str:
    limit = step["time_limit"]
    return f"{limit['working_days']}个工作日" if isinstance(limit, dict) else "时限未规定"


@programs_app.command("payroll")
def payroll_command(
    program: Annotated[str, typer.Option("--program", help="项目代码（见 kuaiban programs list）")],
    region: Annotated[str, typer.Option("--region", help="地区代码（GB/T 2260），如 110000")],
    month: Annotated[str, typer.Option("--month", help="发放月份 YYYY-MM")],
    as_json: Annotated[bool, typer.Option("--json", help="输出JSON")] = False,
    db: DbOption = None,
) -> None:
    """生成（或再次运行时原样返回）该项目该地区该月的发放批次，并导出发放文件（CSV、XLSX）。"""
    with user_errors():
        engine = connect(db)
    try:
        with session_scope(engine) as session:
            batch, built = payroll.build(session, program, region, month)
        with session_scope(engine) as session:
            files = payroll.export(session, batch)
    except ServiceError as exc:
        raise fail(exc.message) from None
    except OSError as exc:
        raise fail(f"无法写出发放文件：{exc.strerror}") from None
    answer = payroll.batch_dict(batch, files) | {"built": built}
    if as_json:
        typer.echo(json.dumps(answer, ensure_ascii=False))
    else:
        verb = "已生成" if built else "已存在（未重复生成）"
        typer.echo(f"批次 {answer['batch']} {verb}：{answer['lines']} 笔，合计 {answer['total']} 元，文件 {answer['file']}")


def register(app: typer.Typer) -> None:
    app.add_typer(programs_app, name="programs")


from kuaiban.programs import listing_cli as _listing_cli  # noqa: E402,F401  (免申即享: its commands on programs_app)
