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

from pathlib import Path
from typing import Annotated

import typer

from kuaiban.platform.cli_options import DbOption
from kuaiban.programs import listing
from kuaiban.programs.cli import programs_app
from kuaiban.programs.cli_support import JsonOption, OperatorOption, as_operator, echo


@programs_app.command("import-screening")
def import_screening(
    program: Annotated[str, typer.Option("--program", help="项目代码，如 stable_job_refund_2021")],
    results: Annotated[Path, typer.Option("--results", help="筛选结果目录（kuaiban programs screen --out）")],
    by: OperatorOption,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """导入免申即享筛选结果：符合条件的单位列入名单（待公示），不符合的保留原因；全部导入或全不导入。"""
    answer = as_operator(db, by, lambda session, staff: listing.import_results(session, program, results, actor=staff))
    echo(answer, as_json, _imported)


def _imported(answer: dict) -> str:
    verb = {"imported": "已导入", "unchanged": "此前已导入（未作改动）"}[answer["outcome"]]
    replaced = f"，替换未公示的名单 {'、'.join(map(str, answer['replaced']))}" if answer["replaced"] else ""
    return (f"名单 {answer['run']} {verb}：筛选 {answer['rows']} 家，列入 {answer['listed']} 家，"
            f"不符合 {answer['refused']} 家，合计 {answer['total']} 元{replaced}")


@programs_app.command("lapse-unconfirmed")
def lapse_unconfirmed(
    run: Annotated[int, typer.Option("--run", help="名单编号")],
    by: OperatorOption,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """确认期限届满后：名单中未确认收款账户的单位不予发放（逾期未确认）；以 --operator 指定的审核或监督人员名义办理。"""
    count = as_operator(db, by, lambda session, staff: listing.lapse(session, staff, run))
    echo({"run": run, "lapsed": count}, as_json, lambda a: f"名单 {run}：{a['lapsed']} 家逾期未确认，不予发放")


@programs_app.command("top-up-screening")
def top_up_screening(
    program: Annotated[str, typer.Option("--program", help="项目代码，如 sd_stable_job_refund_2020")],
    results: Annotated[Path, typer.Option("--results", help="按提高后标准的筛选结果目录（kuaiban programs screen --out）")],
    by: OperatorOption,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """提高标准部分直接拨付：已列入已公示名单的单位按新筛选结果补足差额，不再公示、无需重新申报。"""
    answer = as_operator(db, by, lambda session, staff: listing.top_up(session, program, results, actor=staff))
    echo(answer, as_json, lambda a: f"{a['month']}：补发提高标准部分 {a['topped_up']} 家，公示中按新标准核定 "
                                    f"{a['raised']} 家，合计 {a['total']} 元")
