"""Structured (JSON) logs with a request id that follows the work.

The id of the current request (or of the request that queued the current
job) lives in a :class:`contextvars.ContextVar`; :class:`JsonFormatter`
writes it into every line, so one applicant's submit and the scoring job it
started can be found together.
"""
from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
import uuid
from datetime import datetime, timezone

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "assessor_request_id", default=None)
job_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("assessor_job", default=None)

# A caller's id is echoed into logs and headers: keep it short and inert.
_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
# Attributes every LogRecord has; anything else was passed with extra=.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


def new_request_id(incoming: str | None = None) -> str:
    """The caller's X-Request-ID when it is sane, else a fresh one."""
    if incoming and _VALID_ID.match(incoming):
        return incoming
    return uuid.uuid4().hex


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id,
    job, exception, plus any ``extra=`` fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, timezone.utc)
            .isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None) or request_id_var.get()
        if request_id:
            entry["request_id"] = request_id
        job = job_var.get()
        if job:
            entry["job"] = job
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in entry:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def configure_logging(log_format: str = "text", level: str = "INFO") -> None:
    """Give the root logger one stderr handler in the chosen format.

    Replaces the plain stderr handler ``logging.basicConfig`` adds (and ours
    from an earlier call) so a line is not written twice; other handlers (a
    test runner's capture, a file handler an operator added) stay.
    """
    if log_format not in ("json", "text"):
        from ..errors import ConfigError

        raise ConfigError(f"ASSESSOR_LOG_FORMAT must be json or text, not {log_format!r}")
    handler = logging.StreamHandler(sys.stderr)
    handler.assessor = True
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(
            "%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, "assessor", False) or type(old) is logging.StreamHandler:
            root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
