"""Errors of the service layer; the web layer maps each ``status`` to HTTP."""
from __future__ import annotations

from ..errors import AssessorError, InputError, NotFound

__all__ = ["ServiceError", "Unauthorized", "Forbidden", "Conflict", "RateLimited",
           "InputError", "NotFound", "UnsafeTarget", "http_status"]


class ServiceError(AssessorError):
    status = 400

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        if code:
            self.code = code


class Unauthorized(ServiceError):
    code = "unauthorized"
    status = 401


class Forbidden(ServiceError):
    code = "forbidden"
    status = 403


class Conflict(ServiceError):
    code = "conflict"
    status = 409


class RateLimited(ServiceError):
    code = "rate_limited"
    status = 429


class UnsafeTarget(InputError):
    """A webhook URL that could reach somewhere it must not (SSRF); an
    ``invalid_input`` to API clients."""


def http_status(exc: AssessorError) -> int:
    if isinstance(exc, ServiceError):
        return exc.status
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, InputError):
        return 422
    return 500
