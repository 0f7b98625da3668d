"""What every `kuaiban` command shares: the --db option and one way to turn bad input into one line.

A command that cannot do what was asked prints one Chinese line naming what was wrong (``错误：…``) on
stderr and exits with code 2 — never a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

from kuaiban.db import DatabaseError

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="数据库地址：sqlite:///… 或 postgresql+psycopg://…（默认 var/kuaiban.db）"),
]


def fail(message: str) -> typer.Exit:
    """One line naming what was wrong, exit code 2."""
    print(f"错误：{message}", file=sys.stderr)
    return typer.Exit(code=2)


@contextmanager
def user_errors(*also: type[Exception]) -> Iterator[None]:
    """Database, value and file errors (and ``also``) as one line and exit code 2."""
    try:
        yield
    except (DatabaseError, ValueError, OSError, *also) as exc:
        raise fail(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from None
