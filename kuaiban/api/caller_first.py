"""Who is calling is checked before what they sent (security audit s21): the JSON API's one route class.

FastAPI reads and validates a request's body, path and query before the endpoint runs, and most endpoints check
the token inside (:func:`kuaiban.api.services.as_user`, one trip to a worker thread). So an anonymous request with a
bad body learnt the shape of every field (``422 字段 outcome 格式错误``, ``字段 bundle 缺少必填字段``), a body that is
not JSON got 422 and a broken multipart form 400 — before ``401 未登录``. :class:`SignedInFirst` answers such a
request as if its token had been checked first: when a route that needs a signed-in caller is about to answer one of
those errors, the token is looked up, and a caller it does not authenticate gets the 401 instead. An accepted request
costs nothing more (the token is looked up only on that error path, once more).

Every API router is built with this class (``route_class=``): routes that read the bearer token (``Credentials``,
``UserDep``) are checked, the public ones (法规库, 政策计算, 办事指南 …) are left as they are. The partner interface
of 失业保险关系转移, recognised by its own header, uses the same mechanism (:func:`checked_first`) with its own check.

Not covered, on purpose: the edge answers before any route — 413 for a body over its size limit and 422 for a NUL
or an over-long text (:mod:`kuaiban.edge.limits`, :mod:`kuaiban.edge.text_guard`); those protect the server before
anything reads the body, and they name only what the client itself sent.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException

from kuaiban.deps import in_read
from kuaiban.platform import auth

bearer = HTTPBearer(auto_error=False, description="POST /api/auth/login 取得的令牌")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]

Check = Callable[[Request], Awaitable[None]]


def reads(dependant: Dependant, call: Callable[..., Any]) -> bool:
    """Whether the route (or any dependency of it, at any depth) depends on ``call``."""
    return any(d.call is call or reads(d, call) for d in dependant.dependencies)


def checked_first(check: Check, applies: Callable[[Dependant], bool] = lambda _dependant: True) -> type[APIRoute]:
    """A route class whose routes (those ``applies`` to) run ``check(request)`` — which raises the 401 — before
    answering an error FastAPI raised while reading the request (a body, path or query that does not match), so
    the caller's credentials are judged before what they sent."""

    class CheckedFirst(APIRoute):
        def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
            handler = super().get_route_handler()
            if not applies(self.dependant):
                return handler

            async def caller_first(request: Request) -> Response:
                try:
                    return await handler(request)
                except RequestValidationError:
                    await check(request)
                    raise
                except HTTPException as exc:  # 400 "error parsing the body" (a broken form), a body limit
                    if 400 <= exc.status_code < 500 and exc.status_code != 401:
                        await check(request)
                    raise

            return caller_first

    return CheckedFirst


async def _signed_in(request: Request) -> None:
    """401 unless the request's bearer token belongs to an active account. An account that must first set a new
    password is signed in all the same (it is told so by the endpoint, after its input)."""
    found = await bearer(request)
    token = found.credentials if found else None
    await in_read(request, lambda session: auth.authenticate(session, token, pending_password_ok=True))


SignedInFirst = checked_first(_signed_in, lambda dependant: reads(dependant, bearer))
