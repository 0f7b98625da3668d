"""`kuaiban programs held`: the held months a caseworker may decide (待核定的发放金额, s16)::

    kuaiban programs held --operator USERNAME [--program CODE] [--region CODE] [--page N] [--json] [--db URL]

Lists, for ``--operator`` (an active 审核 or 监督 account: kuaiban.programs.cli_support.operator), the months of
the claims in its regions held at payroll — computed before a batch at another amount than decided, paid at
neither until decided with ``kuaiban programs confirm-amount`` — oldest first (kuaiban.programs.held_queue).
Without ``--page`` every month; with it, that page of 50. ``--program`` and ``--region`` (a city's code includes
its districts) filter it, as the page and the API do. Reads only; nothing is changed or audited.
"""

from __future__ import annotations

from typing import Annotated

import typer

from kuaiban.platform.cli_options import DbOption
from kuaiban.programs.cli import programs_app
from kuaiban.programs.cli_support import JsonOption, OperatorOption, as_operator, echo


@programs_app.command("held")
def held_command(
    by: OperatorOption,
    page: Annotated[int | None, typer.Option("--page", min=1, help="页码（每页 50 条；不填列出全部）")] = None,
    program: Annotated[str | None, typer.Option("--program", help="项目代码")] = None,
    region: Annotated[str | None, typer.Option("--region", help="地区代码（GB/T 2260，含下级地区）")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """列出待核定的发放金额：本辖区发放前核算金额与审核决定不一致、暂缓发放的月份（最早暂缓的在前），
    以 kuaiban programs confirm-amount 核定。"""
    from kuaiban.programs import held_queue

    def work(session, staff):
        return held_queue.queue(session, staff, page=page, program=program, region=region)

    filtered = bool((program or "").strip() or (region or "").strip())
    echo(as_operator(db, by, work), as_json, lambda answer: _sentence(answer, filtered))


def _sentence(answer: dict, filtered: bool = False) -> str:
    if not answer["items"]:
        return ("没有符合筛选条件的待核定发放金额。" if filtered
                else "没有待核定的发放金额：本辖区没有暂缓发放的月份。")
    head = f"待核定的发放金额共 {answer['count']} 个月份" + (
        f"（第 {answer['page']} / {answer['pages']} 页）" if answer["pages"] > 1 else "") + "："
    rows = [f"申领 {i['claim']}  {i['program_name']}  {i['applicant']}  {i['region_name']}  {i['month']}  "
            f"审核决定 {i['decided']} 元  发放前核算 {i['found']} 元  暂缓自 {i['held_since'] or '—'}"
            for i in answer["items"]]
    return "\n".join([head, *rows])
