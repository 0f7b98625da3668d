"""The `kuaiban` command: a thin layer over the library, rules and services.

Each pillar registers its own commands (kuaiban.rules.cli, kuaiban.unemployment.cli)
so that this file only wires them together.
"""

from __future__ import annotations

import typer

from kuaiban.library import cli as library_cli
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


def main() -> None:
    app()
