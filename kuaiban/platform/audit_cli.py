"""`kuaiban audit verify`: check the audit log's hash chain. Exit 0 intact, 1 not, 2 bad input."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from kuaiban.db import DatabaseError, connect, session_scope
from kuaiban.platform.audit_chain import verify

audit_app = typer.Typer(help="审计日志", no_args_is_help=True, add_completion=False)
DbOption = Annotated[str | None, typer.Option("--db", help="数据库地址（默认 var/kuaiban.db）")]


@audit_app.command("verify")
def verify_cmd(db: DbOption = None, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """逐条核对审计日志的哈希链，报告被改动、删除或插入的条目（完整时退出码 0，否则 1）。"""
    try:
        with session_scope(connect(db)) as session:
            report = verify(session)
    except DatabaseError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        raise typer.Exit(code=2) from None
    if as_json:
        print(json.dumps(report.as_dict(), ensure_ascii=False))
    elif report.intact:
        head = f"，链尾第 {report.head_id} 条，哈希 {report.head_hash}" if report.head_id is not None else ""
        print(f"审计日志完整：共 {report.entries} 条{head}")
    else:
        print(f"审计日志已被篡改：共 {report.entries} 条，发现 {report.problem_count} 处问题")
        for p in report.problems:
            print(f"  {p.message}")
        if report.problem_count > len(report.problems):
            print(f"  ……另有 {report.problem_count - len(report.problems)} 处未列出")
    if not report.intact:
        raise typer.Exit(code=1)
