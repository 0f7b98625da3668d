"""`kuaiban catalog` (the 打包一件事 and 提速办 lists) and `kuaiban sla` (time limits).

Contract (other tools rely on it):
  kuaiban catalog bundles --json   → [{"name", "items": [{"code", "name", "items"?}], "agencies", "notes", "source"}]
  kuaiban catalog speedup --json   → [{"code", "name", "statutory", "target", "source"[, "dated"]}]
  kuaiban sla deadline --start ISO_DATETIME (--working-days N | --days N | --months N | --minutes N) [--db URL] --json
                                   → {"deadline": ISO date, or ISO datetime for minutes, "provisional": bool}
  kuaiban sla recompute [--db URL]  → counts the provisional deadlines again (after a chinese-calendar upgrade)
  kuaiban sla report --months N [--until YYYY-MM] [--region CODE] [--db URL] --json
                                   → {"region", "region_name", "as_of", "months": [{"month": "YYYY-MM", "due",
                                      "on_time", "late", "overdue_open", "not_yet_due", "awaiting_correction",
                                      "limit_unknown", "on_time_rate"}]}  (kuaiban.services.compliance)
  (a start with an offset counts from its day in Beijing time; minutes received on a rest day are due
  by the end of the next working day: kuaiban.platform.calendar)
  (a year chinese-calendar does not know is read from the 节假日安排 a supervisor entered in the
  database: --db, else KUAIBAN_DB or var/kuaiban.db when it exists; a year known to neither gives a
  provisional deadline, counted with weekends and the fixed-date holidays: calendar.estimate)
Bad input ends with one line on standard error naming the option, and exit code 2.
"""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from kuaiban.platform import calendar
from kuaiban.services import catalogue

catalog_app = typer.Typer(help="快办服务目录：打包一件事、提速办事项", no_args_is_help=True, add_completion=False)
sla_app = typer.Typer(help="办结时限：工作日（含法定节假日与调休）、自然日、分钟", no_args_is_help=True,
                      add_completion=False)
JsonOption = Annotated[bool, typer.Option("--json", help="输出 JSON")]
_WEEKDAYS = "一二三四五六日"


def register(app: typer.Typer) -> None:
    """Add the services commands to the main CLI."""
    from kuaiban.platform.users_cli import users_app

    app.add_typer(catalog_app, name="catalog")
    app.add_typer(sla_app, name="sla")
    app.add_typer(users_app, name="users")


def _fail(message: str) -> typer.Exit:
    print(f"错误：{message}", file=sys.stderr)
    return typer.Exit(code=2)


def _print_json(obj: object) -> None:
    print(json.dumps(obj, ensure_ascii=False))


def _limit_text(limit: catalogue.Limit) -> str:
    unit = {"working_days": "个工作日", "days": "日", "months": "个月", "minutes": "分钟"}
    if limit.kind == "none":
        return "无"
    if limit.kind == "local":
        return "各地制定"
    text = f"{limit.value} {unit[limit.kind]}"
    branches = "；".join(
        f"{c.when}：{_limit_text(catalogue.Limit(c.kind, c.value))}" for c in limit.conditions
    )
    return f"{text}（{branches}）" if branches else text


@catalog_app.command("bundles")
def bundles_cmd(as_json: JsonOption = False) -> None:
    """人社服务 10 个“打包一件事”（人社部发〔2020〕26号 附件1）。"""
    items = catalogue.bundles()
    if as_json:
        _print_json([b.as_dict() for b in items])
        return
    for b in items:
        names = "、".join(f"{i.code} {i.name}" if i.code else f"{i.name}（{len(i.items)} 项）" for i in b.items)
        print(f"{b.seq}. {b.name}：{names}")
        print(f"   涉及机构：{'、'.join(b.agencies)}")


@catalog_app.command("speedup")
def speedup_cmd(as_json: JsonOption = False) -> None:
    """“提速办”服务事项备选清单（人社部发〔2020〕26号 附件2）。"""
    items = catalogue.speedup()
    if as_json:
        _print_json([s.as_dict() for s in items])
        return
    for s in items:
        print(f"{s.seq}. {s.code or '—'} {s.name}：现行 {_limit_text(s.statutory)} → 提速后 {_limit_text(s.target)}")
        for d in s.dated:
            scope = f"仅{d.scope}，各经办机构分别计 " if d.scope else ""
            print(f"    自{d.start:%Y年%m月%d日}起（{d.source.doc_no}）：{scope}{_limit_text(d.limit)}")


def _positive(option: str, raw: str) -> int:
    if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
        raise _fail(f"{option} 须为正整数，收到 {raw!r}")
    return int(raw)


def _load_entered_holidays(db: str | None) -> bool:
    """Load the 节假日安排 entered in database ``db`` (None: the default one, if it exists)."""
    from kuaiban.config import default_db_url
    from kuaiban.db import DatabaseError, connect, session_scope
    from kuaiban.platform import holidays

    url = db or default_db_url()
    if db is None and url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return False
    try:
        with session_scope(connect(url)) as session:
            holidays.sync(session)
    except DatabaseError as exc:
        raise _fail(f"--db：{exc}") from None
    return True


@sla_app.command("deadline")
def deadline_cmd(
    start: Annotated[str | None, typer.Option("--start", help="起算时间，ISO 8601（如 2020-09-30T09:00:00+08:00）")] = None,
    working_days: Annotated[str | None, typer.Option("--working-days", help="工作日数")] = None,
    days: Annotated[str | None, typer.Option("--days", help="自然日数")] = None,
    months: Annotated[str | None, typer.Option("--months", help="月数（如稳岗返还“最长不得超过3个月”）")] = None,
    minutes: Annotated[str | None, typer.Option("--minutes", help="分钟数（即办事项）")] = None,
    db: Annotated[str | None, typer.Option("--db", help="录有节假日安排的数据库（默认 var/kuaiban.db）")] = None,
    as_json: JsonOption = False,
) -> None:
    """计算办结期限：起算当日不计入（民法典第二百零一条）；按月的，到期月的对应日（第二百零二条）。"""
    if start is None:
        raise _fail("缺少 --start（起算时间，ISO 8601）")
    try:
        begin = datetime.fromisoformat(start.strip())
    except ValueError:
        raise _fail(f"--start 须为 ISO 8601 日期时间（如 2020-09-30T09:00:00+08:00），收到 {start!r}") from None
    given = {opt: raw for opt, raw in
             (("--working-days", working_days), ("--days", days), ("--months", months), ("--minutes", minutes))
             if raw is not None}
    if len(given) != 1:
        raise _fail("须且只能指定 --working-days、--days、--months、--minutes 其中之一")
    (option, raw), = given.items()
    n = _positive(option, raw)
    unit = option.removeprefix("--").replace("-", "_")
    if db is not None:
        _load_entered_holidays(db)
    if db is None and calendar.estimate(begin, **{unit: n}).provisional:
        # only now is a database needed: a year beyond the system calendar may have been entered there
        _load_entered_holidays(None)
    result, provisional = calendar.estimate(begin, **{unit: n})
    note = f"临时推算：{calendar.PROVISIONAL_NOTE}" if provisional else None
    if as_json:
        _print_json({"deadline": result.isoformat(), "provisional": provisional})
    elif isinstance(result, datetime):
        print(f"期限：{result.isoformat()}" + (f"（{note}）" if note else ""))
    else:
        assert isinstance(result, date)
        print(f"期限：{result.isoformat()}（星期{_WEEKDAYS[result.weekday()]}" + (f"，{note}）" if note else "）"))


MAX_MONTHS = 120


@sla_app.command("recompute")
def recompute_cmd(
    db: Annotated[str | None, typer.Option("--db", help="数据库（默认 var/kuaiban.db）")] = None,
) -> None:
    """按现有节假日安排重新计算临时期限（升级系统日历、新收录某年的安排之后运行；录入节假日安排时会自动重算）。"""
    from kuaiban.config import default_db_url
    from kuaiban.db import DatabaseError, connect, session_scope
    from kuaiban.platform import holidays

    try:
        with session_scope(connect(db or default_db_url())) as session:
            holidays.recompute(session)
    except DatabaseError as exc:
        raise _fail(f"--db：{exc}") from None
    print("已按现有节假日安排重新计算临时期限；仍涉及未知年份的，继续标为临时期限")


@sla_app.command("report")
def report_cmd(
    months: Annotated[str | None, typer.Option("--months", help="统计最近几个月（含截止月），1–120")] = None,
    until: Annotated[str | None, typer.Option("--until", help="截止月份，如 2020-10（默认本月）")] = None,
    region: Annotated[str | None, typer.Option("--region", help="地区：行政区划代码或名称（默认全国）")] = None,
    db: Annotated[str | None, typer.Option("--db", help="数据库（默认 KUAIBAN_DB 或 var/kuaiban.db）")] = None,
    as_json: JsonOption = False,
) -> None:
    """按月统计办结时限执行情况：各月到期事项中按时办结、超时办结、超期未办结的件数与按时办结率。"""
    from kuaiban.config import default_db_url
    from kuaiban.db import DatabaseError, connect, session_scope
    from kuaiban.platform import audit, regions
    from kuaiban.platform.errors import Invalid
    from kuaiban.services import compliance

    if months is None:
        raise _fail("缺少 --months（统计最近几个月）")
    n = _positive("--months", months)
    if n > MAX_MONTHS:
        raise _fail(f"--months 不超过 {MAX_MONTHS}，收到 {months!r}")
    now = audit.now()
    last = now.date().replace(day=1)
    if until is not None:
        try:
            last = datetime.strptime(until.strip(), "%Y-%m").date()
        except ValueError:
            raise _fail(f"--until 截止月份不是有效的月份，请按 2020-10 这样的格式填写（收到「{until}」）") from None
    try:
        code = regions.resolve_scope(region, field="--region") if region else None  # 全国: every region
    except Invalid as exc:
        raise _fail(f"--region：{exc.message}") from None
    url = db or default_db_url()
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        raise _fail(f"--db：数据库不存在：{url.removeprefix('sqlite:///')}")
    try:
        with session_scope(connect(url)) as session:
            report = compliance.by_month(session, months=n, until=last, now=now, region=code)
    except DatabaseError as exc:
        raise _fail(f"--db：{exc}") from None
    if as_json:
        _print_json(report)
        return
    print(f"{report['region_name']} 办结时限执行情况（截至 {report['as_of']}，按到期月份）")
    for m in report["months"]:
        rate = "—" if m["on_time_rate"] is None else f"{m['on_time_rate'] * 100:.1f}%"
        print(f"{m['month']}  到期 {m['due']}  按时办结 {m['on_time']}  超时办结 {m['late']}  "
              f"超期未办结 {m['overdue_open']}  未到期 {m['not_yet_due']}  待补正 {m['awaiting_correction']}  "
              f"按时率 {rate}  时限未知 {m['limit_unknown']}")
