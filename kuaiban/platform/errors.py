"""Errors of the case system, each with a Chinese message and, where one is at fault, the field it names."""

from __future__ import annotations


class ServiceError(Exception):
    """Base: ``message`` is shown to the user as is; ``field`` names the input at fault, if any."""

    status = 400

    def __init__(self, message: str, field: str | None = None, *, errors: list[dict] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        # every problem at once, each ``{"field": …, "detail": …}``; the first is ``message``/``field``
        self.errors = errors


class Invalid(ServiceError):
    status = 422


class NotFound(ServiceError):
    status = 404


class Unauthenticated(ServiceError):
    status = 401


class Forbidden(ServiceError):
    status = 403


class PasswordChangeRequired(Forbidden):
    """An administrator reset the password: nothing but setting a new one (or signing out) until it is."""


class Conflict(ServiceError):
    """Someone else changed the record first (optimistic concurrency), or the state forbids the step."""

    status = 409


class Throttled(ServiceError):
    """Too many failed logins: try again after ``retry_after`` seconds (sent as ``Retry-After``)."""

    def __init__(self, message: str, field: str | None = None, *, retry_after: int) -> None:
        super().__init__(message, field)
        self.retry_after = max(1, retry_after)
        self.headers = {"Retry-After": str(self.retry_after)}


class TooManyRequests(Throttled):
    """Too many failed logins from one address."""

    status = 429


class Locked(Throttled):
    """Too many failed logins for one account: it is locked for a while."""

    status = 423
