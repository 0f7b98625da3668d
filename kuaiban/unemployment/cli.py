"""`kuaiban unemployment` (to be written)."""

import typer


def register(app: typer.Typer) -> None:
    """Add the unemployment commands to the main CLI."""
