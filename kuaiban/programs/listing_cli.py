"""`kuaiban programs import-screening` and `lapse-unconfirmed`: the 免申即享 list from the command line::

    kuaiban programs import-screening --program CODE --results DIR --operator USERNAME [--db URL] [--json]
    kuaiban programs lapse-unconfirmed --run ID --operator USERNAME [--db URL] [--json]
    kuaiban programs top-up-screening --program CODE --results DIR --operator USERNAME [--db URL] [--json]

``--operator`` names the staff account the import, lapse or top-up is made by: an active 审核 or 监督 account serving
every region of the run (the same check as the pages and the API: ``listing`` with ``actor``, through
kuaiban.platform.access), and the account the audit log records. Without it nothing is changed.

``import-screening`` imports a screening result directory (``kuaiban programs screen … --out DIR``) in one
transaction: all rows or none. Run again with the same directory it changes nothing (``"outcome":
"unchanged"``); a newer run replaces a list not yet published; a published list is never replaced (exit 2,
one Chinese line). ``lapse-unconfirmed`` (from cron, after the deadline) ends the claims not confirmed.
``top-up-screening`` pays what a raised standard adds to the enterprises already listed, with no new 公示
(鲁人社字〔2020〕63号: 直接拨付提高标准部分资金), from a screening run under the raised standard.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from kuaiban.db import connect, session_scope
from kuaiban.platform.cli_options import DbOption, fail, user_errors
from kuaiban.platform.errors import ServiceError
from kuaiban.programs import listing
from kuaiban.programs.cli import OperatorOption, operator, programs_app


def _in_transaction(db: str | None, work):
    """``work(session)`` in one transaction on ``db``; a refusal is one Chinese line and exit code 2."""
    with user_errors():
        engine = connect(db)
    try:
        with session_scope(engine) as session:
            return work(session)
    except ServiceError as exc:
        raise fail(exc.message) from None


@programs_app.command("import-screening")
def import_screening(
    program: Annotated[str, typer.Option("--program", help="项目代码，如 stable_job_refund_2021")],
    results: Annotated[Path, typer.Option("--results", help="筛选结果目录（kuaiban programs screen --out）")],
    by: OperatorOption,
    as_json: Annotated[bool, typer.Option("--json", help="输出JSON")] = False,
    db: DbOption = None,
) -> None:
    """导入免申即享筛选结果：符合条件的单位列入名单（待公示），不符合的保留原因；全部导入或全不导入。"""
    answer = _in_transaction(db, lambda session: listing.import_results(session, program, results,
                                                                        actor=operator(session, by)))
    if as_json:
        typer.echo(json.dumps(answer, ensure_ascii=False))
        return
    verb = {"imported": "已导入", "unchanged": "此前已导入（未作改动）"}[answer["outcome"]]
    replaced = f"，替换未公示的名单 {'、'.join(map(str, answer['replaced']))}" if answer["replaced"] else ""
    typer.echo(f"名单 {answer['run']} {verb}：筛选 {answer['rows']} 家，列入 {answer['listed']} 家，"
               f"不符合 {answer['refused']} 家，合计 {answer['total']} 元{replaced}")


@programs_app.command("lapse-unconfirmed")
def lapse_unconfirmed(
    run: Annotated[int, typer.Option("--run", help="名单编号")],
    by: OperatorOption,
    as_json: Annotated[bool, typer.Option("--json", help="输出JSON")] = False,
    db: DbOption = None,
) -> None:
    """确认期限届满后：名单中未确认收款账户的单位不予发放（逾期未确认）；以 --operator 指定的审核或监督人员名义办理。"""
    count = _in_transaction(db, lambda session: listing.lapse(session, operator(session, by), run))
    typer.echo(json.dumps({"run": run, "lapsed": count}, ensure_ascii=False) if as_json
               else f"名单 {run}：{count} 家逾期未确认，不予发放")


@programs_app.command("top-up-screening")
def top_up_screening(
    program: Annotated[str, typer.Option("--program", help="项目代码，如 sd_stable_job_refund_2020")],
    results: Annotated[Path, typer.Option("--results", help="按提高后标准的筛选结果目录（kuaiban programs screen --out）")],
    by: OperatorOption,
    as_json: Annotated[bool, typer.Option("--json", help="输出JSON")] = False,
    db: DbOption = None,
) -> None:
    """提高标准部分直接拨付：已列入已公示名单的单位按新筛选结果补足差额，不再公示、无需重新申报。"""
    answer = _in_transaction(db, lambda session: listing.top_up(session, program, results,
                                                                actor=operator(session, by)))
    if as_json:
        typer.echo(json.dumps(answer, ensure_ascii=False))
        return
    typer.echo(f"{answer['month']}：补发提高标准部分 {answer['topped_up']} 家，公示中按新标准核定 {answer['raised']} 家，"
               f"合计 {answer['total']} 元")
