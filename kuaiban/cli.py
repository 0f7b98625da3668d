"""The `kuaiban` command: a thin layer over the platform and the pillars.

Each pillar registers its own commands (kuaiban.rules.cli, kuaiban.unemployment.cli …);
this file wires them together and owns `kuaiban serve`, which starts the whole app.
"""

from __future__ import annotations

from typing import Annotated

import typer

from kuaiban.db import connect
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


@app.command("serve")
def serve_cmd(
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port")] = 8000,
    db: DbOption = None,
    workers: Annotated[int, typer.Option("--workers", min=1, help="服务进程数（默认 1；负载测试用 2，见 docs/BENCHMARKS.md）")] = 1,
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
    uvicorn.run("kuaiban.app:create_app", factory=True, host=host, port=port, log_level="info",
                workers=workers)


def main() -> None:
    app()
