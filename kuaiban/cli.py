"""The `kuaiban` command: a thin layer over the platform and the pillars.

Each pillar registers its own commands (kuaiban.rules.cli, kuaiban.unemployment.cli …);
this file wires them together and owns `kuaiban serve`, which starts the whole app.
"""

from __future__ import annotations

import gc
from typing import Annotated

import typer

# (kuaiban.claim_ratings is not wired here: no command advances a rectification, and importing it loads every
# calculator through the programs' claims — 1.5 s more for each `kuaiban …` run; the app wires it)
from kuaiban import handoffs  # noqa: F401 (wires 快办 item 2.4.1 to the 失业登记 pillar)
from kuaiban.db import connect, dispose_all
from kuaiban.library import cli as library_cli
from kuaiban.platform import notifications_cli
from kuaiban.platform.audit_cli import audit_app
from kuaiban.platform.cli_options import DbOption, user_errors
from kuaiban.platform.db_cli import db_app
from kuaiban.platform.keys_cli import keys_app
from kuaiban.programs import cli as programs_cli
from kuaiban.rules import cli as rules_cli
from kuaiban.services import cli as services_cli
from kuaiban.unemployment import cli as unemployment_cli

app = typer.Typer(
    help="快办 kuaiban：人社法规库、政策计算、快办服务与失业登记", no_args_is_help=True, add_completion=False
)


@app.callback()
def _root() -> None:
    """快办 kuaiban"""


library_cli.register(app)
rules_cli.register(app)
services_cli.register(app)
unemployment_cli.register(app)
programs_cli.register(app)
notifications_cli.register(app)
app.add_typer(keys_app, name="keys")
app.add_typer(audit_app, name="audit")
app.add_typer(db_app, name="db")
jobs_app = typer.Typer(help="后台任务（批量计算等）", no_args_is_help=True, add_completion=False)
app.add_typer(jobs_app, name="jobs")


@jobs_app.command("worker")
def jobs_worker_cmd(db: DbOption = None) -> None:
    """在本进程运行任务队列的工作进程：批量计算、发放批次、消息发送、待办提醒（各应用节点默认自带一个，见 docs/DEPLOY.md）。"""
    # message delivery, staff digests, expired password reset codes
    from kuaiban.platform import jobs, new_work, notifications, password_reset  # noqa: F401
    from kuaiban.programs import claims, payroll  # noqa: F401  payment batches; the claims' digest counter
    from kuaiban.programs.screening import job  # noqa: F401  registers the screening handler
    from kuaiban.services import cases  # noqa: F401  the 受理 queue's digest counter; the prune of unattached uploads
    from kuaiban.unemployment import decision  # noqa: F401  the 失业登记 queue's digest counter
    from kuaiban.web import calc_jobs  # noqa: F401  registers the batch-calculation handler

    with user_errors():
        engine = connect(db)
    jobs.runner(engine).run_forever()


@jobs_app.command("purge")
def jobs_purge_cmd(db: DbOption = None) -> None:
    """删除已过期的任务及其文件（可由 cron 每日运行）。"""
    from kuaiban.db import session_scope
    from kuaiban.platform import jobs

    with user_errors(), session_scope(connect(db)) as session:
        gone = jobs.purge_expired(session)
    typer.echo(f"已删除过期任务 {gone} 个")


uploads_app = typer.Typer(help="办事人上传的材料文件", no_args_is_help=True, add_completion=False)
app.add_typer(uploads_app, name="uploads")


@uploads_app.command("prune")
def uploads_prune_cmd(
    older_than_days: Annotated[int | None, typer.Option(
        "--older-than-days", min=1, help="上传后超过多少天仍未被任何办件材料使用的文件予以删除（默认 7 天）")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只统计将删除的数量，不删除")] = False,
    json_out: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
    db: DbOption = None,
) -> None:
    """删除长期未被使用的上传文件（个人信息保存期限最短原则；各应用节点每小时自动运行一次）。"""
    import json

    from kuaiban.platform import upload_retention
    from kuaiban.services import cases  # noqa: F401  registers the case materials as a use of uploaded files

    older_than_days = older_than_days or upload_retention.KEEP_DAYS  # the module's named constant
    with user_errors(upload_retention.NoUsesKnown):
        engine = connect(db)
        report = upload_retention.prune(engine, older_than_days=older_than_days, dry_run=dry_run)
    if json_out:
        typer.echo(json.dumps(report.as_dict() | {"dry_run": dry_run, "older_than_days": older_than_days}))
        return
    verb = "将删除" if dry_run else "已删除"
    typer.echo(f"{verb}超过 {older_than_days} 天未被使用的上传：文件归属记录 {report.owners} 条，文件 {report.files} 个"
               f"（仍被办件使用而保留 {report.kept_in_use} 条；正被提交占用、下次再处理 {report.skipped_busy} 条）")


@app.command("serve")
def serve_cmd(
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port")] = 8000,
    db: DbOption = None,
    workers: Annotated[int, typer.Option("--workers", min=1, help="服务进程数（默认 1；负载测试用 2，见 docs/BENCHMARKS.md）")] = 1,
    trusted_proxy: Annotated[str, typer.Option(
        "--trusted-proxy", help="反向代理的地址（逗号分隔）：只信任它们转发的 X-Forwarded-For，见 docs/DEPLOY.md")] = "127.0.0.1",
) -> None:
    """启动网站与 JSON 接口（http://127.0.0.1:8000，接口文档 /docs）。"""
    import os

    import uvicorn

    if db:
        os.environ["KUAIBAN_DB"] = db
    with user_errors():
        connect(db)
    # Several processes, because the app is CPU-bound under Python's GIL; each holds its own search index
    # and calculator-job thread, and everything they share lives in the database or under KUAIBAN_VAR.
    # behind nginx the client's address (login throttling, the audit of failed logins) comes from the
    # proxy's X-Forwarded-For, believed only from the proxy's own address
    # create_served_app: create_app, and the library's search index built in the background once started
    uvicorn.run("kuaiban.app:create_served_app", factory=True, host=host, port=port, log_level="info",
                workers=workers, proxy_headers=True, forwarded_allow_ips=trusted_proxy)


def main() -> None:
    try:
        app()
    finally:
        # the process ends here: its connections are closed now, and what it built is left out of the collections
        # that run while Python shuts down (they walked every object of every loaded module, about 0.2 s of CPU
        # after a `kuaiban ingest`, and freed nothing but those connections)
        dispose_all()
        gc.freeze()
