"""`kuaiban calc` (to be written)."""

import typer


def register(app: typer.Typer) -> None:
    """Add the rules commands to the main CLI."""
