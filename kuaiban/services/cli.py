"""`kuaiban catalog` and `kuaiban sla` (to be written)."""

import typer


def register(app: typer.Typer) -> None:
    """Add the services commands to the main CLI."""
