"""`kuaiban programs`: what an operator runs from cron, exactly::

    kuaiban programs list --json
    kuaiban programs payroll --program CODE --region CODE --month YYYY-MM --json [--db URL]
    kuaiban programs recheck --program CODE --region CODE --month YYYY-MM --operator USERNAME --json [--db URL]
                             (比对停发)
    kuaiban programs screen --program CODE --registry DIR --out DIR --as-of YYYY-MM-DD --set NAME=VALUE …
                            [--scheduler ADDRESS | --workers N] [--json]
    kuaiban programs loans remind [--date YYYY-MM-DD] [--json] [--db URL]   (创业担保贷款到期提醒)
    kuaiban programs enter-figure --program CODE --region CODE --field NAME --period YYYY-MM --value V
                                  --operator USERNAME [--db URL]
    kuaiban programs confirm-amount --claim ID --month YYYY-MM --amount decided|found --reason TEXT
                                    --operator USERNAME [--internal-note TEXT] [--json] [--db URL]
                                  (核定暂缓发放月份的金额)

``payroll`` builds the month's batch (or, run again, returns it unchanged) and writes its payment file;
it prints ``{"batch", "lines", "total", "file", …, "held"}`` (``held``: the months computed at another amount
than decided, paid at neither until ``confirm-amount``). ``screen`` screens every enterprise of a registry for a
稳岗返还 免申即享 program (kuaiban/programs/screening) and writes the result directory the import reads.
``recheck`` and ``enter-figure`` act as ``--operator`` (kuaiban.programs.cli_support.operator: an active 审核 or 监督 account serving
the region, whom the audit log names). Bad input: one Chinese line, exit code 2.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from kuaiban.db import connect
from kuaiban.platform.cli_options import DbOption, fail, user_errors
from kuaiban.platform.errors import ServiceError
from kuaiban.programs.cli_support import (
    JsonOption,
    OperatorOption,
    ProgramOption,
    RegionOption,
    as_operator,
    echo,
)
from kuaiban.programs.loans.cli import loans_app

programs_app = typer.Typer(help="补贴项目：项目清单与按月发放批次", no_args_is_help=True)
programs_app.add_typer(loans_app, name="loans")  # kuaiban programs loans remind

@programs_app.command("list")
def list_command(as_json: JsonOption = False) -> None:
    """列出全部补贴项目（地区、依据条款、审核环节及时限、计算规则）。"""
    # here, not at the top: every `kuaiban` command (the ingest too) loads this module at start
    from kuaiban.programs import definitions

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
    program: ProgramOption,
    region: RegionOption,
    month: Annotated[str, typer.Option("--month", help="发放月份，如 2021-05")],
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """生成（或再次运行时原样返回）该项目该地区该月的发放批次，并导出发放文件（CSV、XLSX）。"""
    # here, not at the top: every `kuaiban` command (the ingest too) loads this module at start
    from kuaiban.programs import payroll

    with user_errors():
        engine = connect(db)
    try:  # inline, the same core as the queue job staff start from the pages
        batch, built, files = payroll.make(engine, program, region, month)
    except ServiceError as exc:
        raise fail(exc.message) from None
    except OSError as exc:
        raise fail(f"无法写出发放文件：{exc.strerror}") from None
    from kuaiban.db import session_scope

    with session_scope(engine) as session:  # the months held for a caseworker (金额与审核决定不一致): named
        extra = payroll.report(session, batch)
    answer = payroll.batch_dict(batch, files) | extra | {"built": built}
    if as_json:
        typer.echo(json.dumps(answer, ensure_ascii=False))
    else:
        verb = "已生成" if built else "已存在（未重复生成）"
        typer.echo(f"批次 {answer['batch']} {verb}：{answer['lines']} 笔，合计 {answer['total']} 元，文件 {answer['file']}"
                   + (f"；另有 {len(answer['held'])} 个月份发放前核算金额与审核决定不一致，暂缓发放，待经办机构核定"
                      f"（kuaiban programs confirm-amount）" if answer.get("held") else ""))


@programs_app.command("confirm-amount")
def confirm_amount_command(
    claim: Annotated[int, typer.Option("--claim", help="申领编号")],
    month: Annotated[str, typer.Option("--month", help="暂缓发放的月份，如 2021-11")],
    amount: Annotated[str, typer.Option("--amount", help="decided：按原决定金额发放；found：按重新核算金额发放（新的决定）")],
    reason: Annotated[str, typer.Option("--reason", help="核定理由（按重新核算金额发放的，告知申请人）")],
    by: OperatorOption,
    internal_note: Annotated[str | None, typer.Option("--internal-note", help="内部备注（仅工作人员可见）")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """核定暂缓发放月份的金额：发放前核算的金额与审核决定不一致的月份，按原决定金额或按重新核算金额发放，随下一发放批次发放一次。
    以 --operator 指定的审核或监督人员名义办理，操作日志记录办理人。"""
    from kuaiban.programs import held

    answer = as_operator(db, by, lambda session, staff: held.confirm(
        session, staff, claim, month, choice=amount, reason=reason, internal_note=internal_note))
    echo(answer, as_json, lambda a: f"申领 {a['claim']} {a['month']}：{held.CHOICES[a['choice']]}，"
         f"{a['amount']} 元，随下一发放批次发放")


@programs_app.command("recheck")
def recheck_command(
    program: ProgramOption,
    region: RegionOption,
    month: Annotated[str, typer.Option("--month", help="比对月份，如 2021-05（登记未载明发生月份时，按此月停发）")],
    by: OperatorOption,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """比对停发：将该项目该地区正在发放的申领与登记信息（参保缴费、养老保险待遇领取、死亡）再次比对，符合停发情形的按规定停发。
    以 --operator 指定的审核或监督人员名义办理，操作日志记录办理人。"""
    from kuaiban.programs import claims

    answer = as_operator(db, by, lambda session, staff: claims.recheck(session, program, region, month, user=staff))
    echo(answer, as_json, lambda a: f"已比对：停发 {len(a['stopped'])} 件"
         + (f"；暂时无法比对：{'、'.join(a['unavailable'])}" if a["unavailable"] else ""))


@programs_app.command("screen")
def screen_command(
    program: Annotated[str, typer.Option("--program", help="筛查项目代码：stable_job_refund_2021 或 sd_stable_job_refund_2020")],
    registry: Annotated[Path, typer.Option("--registry", help="登记数据目录（分区 Parquet，见 docs/programs.md）")],
    out: Annotated[Path, typer.Option("--out", help="结果目录（须不存在或为空；完成后才出现）")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="筛查日期，如 2021-05-20（默认今天）")] = None,
    figures: Annotated[list[str] | None, typer.Option("--set", help="汇编未载的当地数字 NAME=VALUE，可多次")] = None,
    scheduler: Annotated[str | None, typer.Option("--scheduler", help="已有 Dask 集群的调度器地址")] = None,
    workers: Annotated[int | None, typer.Option("--workers", help="在本机启动 N 个 Dask 工作进程")] = None,
    as_json: JsonOption = False,
) -> None:
    """筛查登记数据中的全部参保单位：逐一计算稳岗返还金额或不予返还的理由，写出结果目录（免申即享）。"""
    from kuaiban.programs.screening import ScreeningError, screen

    if scheduler and workers is not None:
        raise fail("--scheduler 与 --workers 只能选一个")
    if workers is not None and workers < 1:
        raise fail(f"工作进程数应为正整数（收到 {workers}）")
    try:
        day = date.fromisoformat(as_of) if as_of else date.today()
    except ValueError:
        raise fail(f"筛查日期不是有效的日期，请按 2021-05-20 这样的格式填写（收到「{as_of}」）") from None
    pairs: dict[str, str] = {}
    for item in figures or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise fail(f"--set 应写作 名称=数值（收到「{item}」）")
        pairs[name.strip()] = value
    try:
        summary = screen(program, registry, out, as_of=day, figures=pairs, scheduler=scheduler, workers=workers)
    except ScreeningError as exc:
        raise fail(exc.message + _figure_hint(program, exc.field)) from None
    except OSError as exc:
        raise fail(f"无法写出结果目录：{exc.strerror}") from None
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False))
    else:
        typer.echo(f"已筛查 {summary['rows']} 个参保单位（{len(summary['regions'])} 个地区）：符合条件 {summary['eligible']} 个，"
                   f"返还合计 {summary['total_amount']} 元；结果目录 {summary['out']}")


@programs_app.command("enter-figure")
def enter_figure_command(
    program: Annotated[str, typer.Option("--program", help="项目代码，如 hn_social_insurance_subsidy_flexible")],
    region: Annotated[str, typer.Option("--region", help="项目地区代码，如 430000")],
    field: Annotated[str, typer.Option("--field", help="官方数字的字段，如 si_average_wage")],
    period: Annotated[str, typer.Option("--period", help="该数字适用年度的第一个月，如 2022-01")],
    value: Annotated[float, typer.Option("--value", help="公布的数字")],
    by: OperatorOption,
    replace: Annotated[bool, typer.Option("--replace", help="更正该年度已录入的数字（未发放的月份按新数字核算）")] = False,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """录入汇编未载的官方数字（如上年度全省全口径社会平均工资）：该年度的月份此后按它核算发放。"""
    import re

    from kuaiban.programs import definitions, figures

    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", period):
        raise fail(f"年度起始月份不是有效的月份，请按 2022-01 这样的格式填写（收到「{period}」）")
    if not value > 0:
        raise fail(f"官方数字应为正数（收到 {value}）")
    with user_errors():  # figures.enter's ValueError (a field or a period the program has not): one line
        replaced = as_operator(db, by, lambda session, staff: figures.enter(
            session, definitions.get(program), region, field, period, value, replace=replace, actor=staff))
    answer = {"program": program, "region": region, "field": field, "period": period, "value": value,
              "replaced": replaced}
    was = f"（原为 {replaced:g}）" if replaced is not None and replaced != value else ""
    echo(answer, as_json, lambda _: f"已录入 {program} {region} {field} {period} 起：{value:g}{was}")


def _figure_hint(program: str, field: str | None) -> str:
    """How a local figure is given on the command line, when the refusal is about one."""
    from kuaiban.programs.screening import ScreeningError, config

    try:
        names = {f.name for f in config.program(program).figures}
    except ScreeningError:
        return ""
    return f"（--set {field}=值）" if field in names else ""


def register(app: typer.Typer) -> None:
    app.add_typer(programs_app, name="programs")


from kuaiban.programs import held_cli as _held_cli  # noqa: E402,F401  (待核定的发放金额: its command on programs_app)
from kuaiban.programs import listing_cli as _listing_cli  # noqa: E402,F401  (免申即享: its commands on programs_app)
from kuaiban.programs import recovery_cli as _recovery_cli  # noqa: E402,F401  (追回: its commands on programs_app)
