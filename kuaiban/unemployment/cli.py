"""`kuaiban unemployment`: the 失业登记 commands.

The validate contract other tools rely on, exactly::

    kuaiban unemployment validate --kind application|result|exit [--json]

reads JSON lines of records (keyed by field code) from standard input and writes one line per
record to standard output: ``{"valid": bool, "errors": [{"field", "rule", "message"}]}``.
A line that is not JSON gets a record-level error (field ``_record``), never a crash; blank lines
are skipped.  Standard output is the same with or without ``--json``; without it a short summary
in Chinese also goes to standard error.  The exit status is 0 whenever the input could be read.
"""

from __future__ import annotations

import enum
import io
import json
import sys
from typing import Annotated

import typer

from kuaiban.unemployment.validate import validate_lines


class Kind(enum.StrEnum):
    application = "application"
    result = "result"
    exit = "exit"


unemployment_app = typer.Typer(help="失业登记：申请、审核结果与退出数据", no_args_is_help=True)


@unemployment_app.command("validate")
def validate_command(
    kind: Annotated[Kind, typer.Option("--kind", help="记录类型：application（申请）、result（审核结果）、exit（退出）")],
    as_json: Annotated[bool, typer.Option("--json", help="只输出JSON行（不在标准错误输出汇总）")] = False,
) -> None:
    """按《失业登记服务对接方案》数据指标要求校验标准输入中的JSON行记录。"""
    # Bytes decoded as UTF-8 whatever the locale says; undecodable bytes make that line non-JSON.
    raw = getattr(sys.stdin, "buffer", None)
    stdin = io.TextIOWrapper(raw, encoding="utf-8", errors="replace") if raw is not None else sys.stdin
    total = invalid = 0
    try:
        for answer in validate_lines(stdin, kind.value):
            _write_line(json.dumps(answer, ensure_ascii=False))
            total += 1
            invalid += not answer["valid"]
    finally:
        if stdin is not sys.stdin:
            stdin.detach()  # leave the process's stdin open
    if not as_json:
        typer.echo(f"共{total}条记录，有效{total - invalid}条，无效{invalid}条", err=True)


def _write_line(text: str) -> None:
    out = getattr(sys.stdout, "buffer", None)
    if out is None:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
        return
    out.write((text + "\n").encode("utf-8"))
    out.flush()


def register(app: typer.Typer) -> None:
    """Add the unemployment commands to the main CLI."""
    app.add_typer(unemployment_app, name="unemployment")


from kuaiban.unemployment.national import cli as national_cli  # noqa: E402  (sync and simulator commands)

national_cli.register(unemployment_app)

from kuaiban.unemployment.transfer_exchange import cli as transfer_cli  # noqa: E402  (transfer commands)

transfer_cli.register(unemployment_app)
