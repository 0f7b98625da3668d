"""Command-line interface (placeholder until the library lands)."""

import typer

app = typer.Typer(help="快办 kuaiban")


@app.callback()
def _root() -> None:
    """快办 kuaiban"""


def main() -> None:
    app()
