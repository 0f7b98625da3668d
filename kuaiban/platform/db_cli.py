"""`kuaiban db grant-app-role ROLE`: give the application's PostgreSQL role its privileges (as the owner)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from kuaiban.db import DatabaseError, connect
from kuaiban.platform.app_role import RoleError, grant_app_role

db_app = typer.Typer(help="数据库管理", no_args_is_help=True, add_completion=False)


@db_app.command("grant-app-role")
def grant_app_role_cmd(
    role: Annotated[str, typer.Argument(help="应用连接数据库所用的角色（须已存在，不是表的所有者）")],
    db: Annotated[str | None, typer.Option("--db", help="数据库地址（以表所有者身份连接）")] = None,
) -> None:
    """以表所有者身份运行：授予应用角色读写数据、对审计日志只读和追加的权限（不能清空表或停用触发器）。"""
    try:
        # migrated first: the grants cover every table of the newest schema
        statements = grant_app_role(connect(db), role)
    except (RoleError, DatabaseError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        raise typer.Exit(code=2) from None
    print(f"已为角色 {role} 授权（{len(statements)} 条语句）：数据表可读写，审计日志只可读取和追加")
