"""`kuaiban programs recoveries` and `repay`: the 追回 debts from the command line::

    kuaiban programs recoveries [--status open|owed|partial|repaid|written_off] [--region CODE] [--program CODE]
                                [--json] [--db URL]
    kuaiban programs repay --recovery ID --reference REF --amount 300.00 --paid-on YYYY-MM-DD
                           --channel bank_transfer|counter|other --operator USERNAME [--note TEXT] [--json] [--db URL]

``repay`` records one repayment (a bank's file of returns) in the name of ``--operator``, a window, reviewer or
supervisor account serving the recovery's region, whom the audit log names; the same reference again changes
nothing (``"recorded": false``). 核销 is a supervisor's decision and is made on the pages or the API only.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Annotated

import typer

from kuaiban.platform.cli_options import DbOption, fail
from kuaiban.programs import caseworkers, recovery
from kuaiban.programs.cli import programs_app
from kuaiban.programs.cli_support import JsonOption, as_operator, echo, in_transaction


@programs_app.command("recoveries")
def recoveries_command(
    status: Annotated[str, typer.Option("--status", help="open（未结清）、owed、partial、repaid、written_off 或 all")] = "open",
    region: Annotated[str | None, typer.Option("--region", help="地区代码（GB/T 2260）")] = None,
    program: Annotated[str | None, typer.Option("--program", help="项目代码")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """列出追回款项：月份、应退回、已退回、尚欠、状态和依据。"""
    rows = in_transaction(db, lambda s: recovery.listing(s, None, status=None if status == "all" else status,
                                                         region=region, program=program, limit=100_000))
    echo(rows, as_json, _table)


def _table(rows: list[dict]) -> str:
    if not rows:
        return "没有这类追回"
    return "\n".join(f"{r['id']}  {r['program_name']}  {r['region_name']}  "
                     f"{r['applicant']['name'] if 'applicant' in r else ''}  {'、'.join(r['months'])}  "
                     f"应退回 {r['amount']}  已退回 {r['repaid']}  尚欠 {r['outstanding']}  {r['status_name']}"
                     for r in rows)


@programs_app.command("repay")
def repay_command(
    recovery_id: Annotated[int, typer.Option("--recovery", help="追回编号")],
    reference: Annotated[str, typer.Option("--reference", help="退回凭证号（银行流水号或收据号）")],
    amount: Annotated[str, typer.Option("--amount", help="退回金额（元），如 300.00")],
    paid_on: Annotated[str, typer.Option("--paid-on", help="退回日期，如 2021-05-20")],
    channel: Annotated[str, typer.Option("--channel", help="bank_transfer（银行转账）、counter（窗口缴回）或 other")],
    by: Annotated[str, typer.Option("--operator", help="办理人的工作人员账号（窗口、审核或监督，管辖该追回的地区）")],
    note: Annotated[str | None, typer.Option("--note", help="内部说明（仅工作人员可见）")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """登记一笔退回（可部分退回）；同一凭证号再次登记不重复记录。"""
    try:
        yuan = Decimal(amount)
    except InvalidOperation:
        raise fail(f"退回金额应为金额（元），如 300.00（收到「{amount}」）") from None
    if not yuan.is_finite() or yuan != yuan.quantize(Decimal("0.01")):
        raise fail(f"退回金额最多两位小数（收到「{amount}」）")
    try:
        day = dt.date.fromisoformat(paid_on)
    except ValueError:
        raise fail(f"退回日期不是有效的日期，请按 2021-05-20 这样的格式填写（收到「{paid_on}」）") from None

    def work(s, staff):  # staff: named in the audit log; its regions are checked
        _, recorded = recovery.record_repayment(s, staff, recovery_id, amount_fen=int(yuan * 100), paid_on=day,
                                                channel=channel, reference=reference, note=note)
        return recovery.recovery_dict(s, s.get(recovery.Recovery, recovery_id), staff=True) | {"recorded": recorded}

    answer = as_operator(db, by, work, caseworkers.CASEWORKERS)
    echo(answer, as_json, lambda a: f"追回 {recovery_id} {'已登记' if a['recorded'] else '此前已登记（未重复记录）'}："
                                    f"已退回 {a['repaid']} 元，尚欠 {a['outstanding']} 元（{a['status_name']}）")
