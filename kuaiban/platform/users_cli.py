"""`kuaiban users create`: the first staff accounts of a new installation (window, reviewer, supervisor).

Applicants register themselves through the API; staff accounts are made here by whoever runs the
server, the password read from standard input so it never appears in the shell history.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from kuaiban.db import DatabaseError, connect, session_scope
from kuaiban.platform.errors import ServiceError
from kuaiban.platform.models import APPLICANT, ROLES

users_app = typer.Typer(help="经办人员账号", no_args_is_help=True, add_completion=False)
STAFF_ROLES = [r for r in ROLES if r != APPLICANT]
_OPTION_NAMES = {"region": "--region", "role": "--role", "username": "用户名", "password": "密码"}


@users_app.command("create")
def create(
    username: Annotated[str, typer.Argument(help="用户名")],
    role: Annotated[str, typer.Option("--role", help=f"角色：{' / '.join(STAFF_ROLES)}")],
    region: Annotated[str, typer.Option("--region", help=(
        "管辖地区：6 位行政区划代码或能唯一确定的名称，如 430000、湖南（湖南省）、长沙（长沙市）；"
        "下级地区一并管辖；“全国”仅限监督人员"))],
    agency: Annotated[str | None, typer.Option("--agency", help="所属经办机构")] = None,
    display_name: Annotated[str | None, typer.Option("--name", help="显示名称")] = None,
    db: Annotated[str | None, typer.Option("--db", help="数据库地址（默认 var/kuaiban.db）")] = None,
) -> None:
    """新建经办人员账号；密码从标准输入读取（一行，至少 12 位，含大写字母、小写字母、数字、符号中的至少三类）。"""
    if role not in STAFF_ROLES:
        print(f"错误：--role 应为 {' / '.join(STAFF_ROLES)}（办事人请通过接口注册）", file=sys.stderr)
        raise typer.Exit(code=2)
    # here, not at the top: every `kuaiban` command (the ingest too) loads this module at start
    from kuaiban.platform import auth, regions

    password = sys.stdin.readline().rstrip("\n")
    try:
        with session_scope(connect(db)) as session:
            user = auth.create_user(session, username, password, role, region=region, agency=agency,
                                    display_name=display_name)
            out = {"id": user.id, "username": user.username, "role": user.role, "region": user.region,
                   "region_name": regions.label(user.region)}
    except (ServiceError, DatabaseError) as exc:
        field = getattr(exc, "field", None)
        named = _OPTION_NAMES.get(field, field)
        print(f"错误：{named + '：' if named else ''}{exc}".replace("\n", " "), file=sys.stderr)
        raise typer.Exit(code=2) from None
    print(json.dumps(out, ensure_ascii=False))


@users_app.command("reset-code")
def reset_code(
    username: Annotated[str, typer.Argument(help="要重置密码的账号的用户名")],
    operator: Annotated[str, typer.Option("--operator", help="签发人：监督人员的用户名（记入审计日志）")],
    document_checked: Annotated[bool, typer.Option(
        "--document-checked", help="确认已当面核验账号本人的有效身份证件原件（必须）")] = False,
    json_out: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
    db: Annotated[str | None, typer.Option("--db", help="数据库地址（默认 var/kuaiban.db）")] = None,
) -> None:
    """监督人员为账号签发一次性密码重置码（30 分钟内有效，签发新码后旧码作废）；重置码只显示这一次。"""
    from sqlalchemy import select

    from kuaiban.platform import auth, password_reset
    from kuaiban.platform.models import SUPERVISOR, User

    if not document_checked:
        print("错误：--document-checked：须先当面核验账号本人的有效身份证件原件，再签发重置码", file=sys.stderr)
        raise typer.Exit(code=2)
    try:
        with session_scope(connect(db)) as session:
            issuer = session.scalar(select(User).where(User.username == auth.normalise_username(operator)))
            if issuer is None or not issuer.active or issuer.role != SUPERVISOR:
                raise ServiceError(f"没有这个在用的监督人员账号：{operator}", "operator")
            target = session.scalar(select(User).where(User.username == auth.normalise_username(username)))
            if target is None:
                raise ServiceError(f"本辖区没有这个账号：{username}", "username")
            user, code, expires = password_reset.issue(session, issuer, target.id, document_checked=True)
            out = {"username": user.username, "code": password_reset.shown(code),
                   "expires_at": expires.isoformat(timespec="seconds")}
    except (ServiceError, DatabaseError) as exc:
        field = getattr(exc, "field", None)
        named = {"operator": "--operator", "username": "用户名", "user_id": "用户名",
                 "document_checked": "--document-checked"}.get(field, field)
        print(f"错误：{named + '：' if named else ''}{exc}".replace("\n", " "), file=sys.stderr)
        raise typer.Exit(code=2) from None
    if json_out:
        print(json.dumps(out, ensure_ascii=False))
    else:
        print(f"账号 {out['username']} 的密码重置码：{out['code']}（{expires:%H:%M} 前有效；只显示这一次，请当面交给本人）")
