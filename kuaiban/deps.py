"""Shared FastAPI dependencies: one engine per app, one session per request."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import TypeVar

from fastapi import Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from kuaiban.db import session_scope
from kuaiban.platform.transactions import retrying_transaction

T = TypeVar("T")
R = TypeVar("R")


def get_session(request: Request) -> Iterator[Session]:
    """One transaction per request. Always declare it ``Depends(get_session, scope="function")``: FastAPI's
    default scope runs the code after ``yield`` — here the COMMIT — only after the response has been sent,
    so a commit that fails would leave the client holding a success that was never stored."""
    with session_scope(request.app.state.engine) as session:
        yield session


async def in_session(request: Request, work: Callable[[Session], T], then: Callable[[T], R] | None = None,
                     *, retry: bool = False) -> T | R:
    """``work(session)`` in one transaction, on one worker thread, committed before it returns.

    For hot ``async def`` endpoints, instead of ``Depends(get_session)`` plus sync dependencies and a
    sync endpoint: FastAPI sends each sync dependency, the sync endpoint, the response check and the
    session's clean-up to the thread pool separately — five round trips between the event loop and a
    worker per request, which profiling showed to cost about a third of a status read's CPU. Here the
    whole request crosses once; the commit also happens before the response is built, so a client
    never sees a success that was not stored. ``then(result)``, if given, runs after the commit on the
    same thread: building a response there keeps it out of the transaction (and out of the audit
    chain's lock, which PostgreSQL holds from the step's audit entry to its commit). ``retry``: the whole work
    run again in a fresh session when PostgreSQL aborted it for a deadlock or a serialization failure
    (:func:`kuaiban.platform.transactions.retrying_transaction`) — for work whose every effect is in the
    transaction (the payroll steps: 停发, 恢复发放, 核定发放金额)."""
    engine = request.app.state.engine

    def run() -> T | R:
        if retry:
            result = retrying_transaction(engine, work, what=request.url.path)
        else:
            with session_scope(engine) as session:
                result = work(session)
        return then(result) if then is not None else result

    return await run_in_threadpool(run)


@lru_cache(maxsize=16)
def _statement_at_a_time(engine: Engine) -> Engine:
    """``engine`` whose connections run each statement as its own transaction (PostgreSQL autocommit)."""
    return engine.execution_options(isolation_level="AUTOCOMMIT")


async def in_read(request: Request, work: Callable[[Session], T]) -> T:
    """``work(session)`` that only reads, on one worker thread, without a transaction around it on PostgreSQL.

    Why: BEGIN and COMMIT are two of a status read's five round trips to PostgreSQL (the token's lookup
    and the read itself are the others). At PostgreSQL's default isolation (READ COMMITTED) every
    statement sees the data committed when it starts, in a transaction or not, so a work of SELECTs
    answers the same either way. Only for work that writes nothing: each write here would commit on its
    own. SQLite (no round trips) keeps its usual transaction."""
    engine = request.app.state.engine
    if engine.dialect.name == "postgresql":
        engine = _statement_at_a_time(engine)

    def run() -> T:
        with session_scope(engine) as session:
            return work(session)

    return await run_in_threadpool(run)
