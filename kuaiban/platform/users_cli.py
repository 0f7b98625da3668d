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
