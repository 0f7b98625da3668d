"""What every `kuaiban programs` command that touches the database shares (kuaiban.programs.cli, listing_cli,
recovery_cli, held_cli, loans.cli): the ``--json``, ``--operator``, ``--program`` and ``--region`` options, the named operator's check, one transaction whose
refusal is one Chinese line and exit code 2, and the answer printed as JSON or as one Chinese sentence.

Loaded by every `kuaiban` command at start (through kuaiban.programs.cli): nothing heavy is imported here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import typer
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from kuaiban.db import connect
from kuaiban.platform.cli_options import fail, user_errors
from kuaiban.platform.errors import ServiceError
from kuaiban.platform.transactions import busy_refusal, retrying_transaction

T = TypeVar("T")

JsonOption = Annotated[bool, typer.Option("--json", help="输出JSON")]
OperatorOption = Annotated[str, typer.Option("--operator", help="办理人的工作人员账号（审核或监督，管辖所涉地区）")]
ProgramOption = Annotated[str, typer.Option("--program", help="项目代码（见 kuaiban programs list）")]
RegionOption = Annotated[str, typer.Option("--region", help="地区代码（GB/T 2260），如 110000")]


def operator(session: Session, username: str, roles: tuple[str, ...] | None = None):
    """The active staff account named by ``--operator``, of one of ``roles`` (default: reviewer or supervisor,
    as OperatorOption's help says): the step it runs checks its regions (kuaiban.platform.access) and the audit
    log names it. The role is checked here, so that no command forgets it."""
    from sqlalchemy import select

    from kuaiban.platform.auth import ROLE_NAMES, normalise_username
    from kuaiban.platform.errors import Forbidden
    from kuaiban.platform.models import APPLICANT, REVIEWER, SUPERVISOR, User

    user = session.scalar(select(User).where(User.username == normalise_username(username)))
    if user is None or not user.active or user.role == APPLICANT:
        raise Forbidden(f"没有这个在用的工作人员账号：{username}", "operator")
    roles = roles or (REVIEWER, SUPERVISOR)
    if user.role not in roles:
        raise Forbidden(f"本命令由{'或'.join(ROLE_NAMES[r] for r in roles)}办理，{username} 是"
                        f"{ROLE_NAMES.get(user.role, user.role)}账号", "operator")
    return user


def in_transaction(db: str | None, work: Callable[[Session], T]) -> T:
    """``work(session)`` in one transaction on ``db``; a refusal is one Chinese line and exit code 2 (nothing
    of it committed). Every command's work is its one transaction (messages and audit entries inside it), so a
    transaction PostgreSQL aborted for a deadlock or a serialization failure is run again in a fresh session
    (kuaiban.platform.transactions, s20: 核定发放金额, 比对停发 and the others); still aborted the third time,
    the refusal says so."""
    with user_errors():
        engine = connect(db)
    try:
        return retrying_transaction(engine, work)
    except ServiceError as exc:
        raise fail(exc.message) from None
    except DBAPIError as exc:  # SQLite locked past its busy timeout, a lock timeout: the same Chinese refusal
        busy = busy_refusal(exc)
        if busy is None:
            raise
        raise fail(busy.message) from None


def as_operator(db: str | None, username: str, work: Callable[[Session, Any], T],
                roles: tuple[str, ...] | None = None) -> T:
    """``work(session, staff)`` in one transaction as the operator named ``username`` (:func:`operator`)."""
    return in_transaction(db, lambda session: work(session, operator(session, username, roles)))


def echo(answer: Any, as_json: bool, sentence: Callable[[Any], str]) -> None:
    """The command's answer: one line of JSON, or ``sentence(answer)`` in Chinese."""
    typer.echo(json.dumps(answer, ensure_ascii=False, default=str) if as_json else sentence(answer))
