"""Every error leaves as JSON ``{"error": {"code", "message"}}``; nothing
becomes an HTML page or a bare 500."""
from __future__ import annotations

import errno
import logging

from flask import Flask, jsonify, request
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException

from ..errors import AssessorError
from ..services.errors import http_status

log = logging.getLogger(__name__)

_HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 406: "not_acceptable", 409: "conflict",
               413: "request_too_large", 415: "unsupported_media_type", 422: "invalid_input",
               429: "rate_limited", 500: "internal_error", 503: "unavailable",
               507: "insufficient_storage"}


#: Machine endpoints outside /api/ whose errors are JSON whatever Accept says.
_JSON_PATHS = frozenset({"/healthz", "/readyz", "/openapi.json", "/metrics"})


def error_response(status: int, code: str, message: str, **extra):
    body = {"error": {"code": code, "message": message, **extra}}
    response = jsonify(body)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="assessor"'
    if status == 503:
        response.headers["Retry-After"] = "5"
    return response


def _wants_json() -> bool:
    # HTML blueprints added later may render their own error pages.
    return request.path.startswith("/api/") or request.path in _JSON_PATHS \
        or request.accept_mimetypes.best == "application/json" \
        or not request.accept_mimetypes.accept_html


def _assessor_error(exc: AssessorError):
    status = http_status(exc)
    if status >= 500:
        log.exception("unexpected service error")
        return error_response(500, exc.code, "internal error")
    return error_response(status, exc.code, str(exc))


def _database_down(exc: SQLAlchemyError):
    # Connection refused, locked, disk full …: the request changed
    # nothing (the transaction rolled back), so the client may retry.
    log.error("database error on %s %s: %s", request.method, request.path, exc)
    return error_response(503, "database_unavailable",
                          "the database is unavailable; nothing was saved, please retry")


def _integrity(exc: IntegrityError):
    # Two requests raced on a unique row; the loser is told to re-read.
    log.warning("integrity error on %s %s: %s", request.method, request.path, exc.orig)
    return error_response(409, "conflict", "the change conflicts with another one; retry")


def _http_error(exc: HTTPException):
    if not _wants_json():
        return exc
    status = exc.code or 500
    response = error_response(status, _HTTP_CODES.get(status, "http_error"),
                              exc.description or exc.name)
    for name, value in exc.get_headers():
        if name.lower() not in ("content-type", "content-length"):
            response.headers[name] = value  # e.g. Allow on 405
    return response


def _storage(exc: OSError):
    # A full or read-only disk (instance folder, SQLite file, temp files)
    # is the operator's to fix; the request saved nothing, so say so.
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        log.error("disk full on %s %s: %s", request.method, request.path, exc)
        return error_response(507, "insufficient_storage",
                              "the server is out of disk space; nothing was saved, retry later")
    if exc.errno == errno.EROFS:
        log.error("read-only storage on %s %s: %s", request.method, request.path, exc)
        return error_response(503, "storage_unavailable",
                              "the server cannot write its storage; nothing was saved, retry later")
    return _unexpected(exc)


def _unexpected(exc: Exception):
    log.exception("unhandled error on %s %s", request.method, request.path)
    return error_response(500, "internal_error", "internal error")


_HANDLERS = ((AssessorError, _assessor_error), (OperationalError, _database_down),
             (DBAPIError, _database_down), (IntegrityError, _integrity),
             (HTTPException, _http_error), (OSError, _storage), (Exception, _unexpected))


def register_error_handlers(app: Flask) -> None:
    for exc_type, handler in _HANDLERS:
        app.register_error_handler(exc_type, handler)
