"""The JSON log formatter: one parseable object per line with the ids."""
from __future__ import annotations

import json
import logging
import sys

import pytest

from assessor.errors import ConfigError
from assessor.observability import JsonFormatter, configure_logging
from assessor.observability.logs import job_var, request_id_var


def record(msg="hello %s", args=("world",), exc_info=None, **extra) -> logging.LogRecord:
    rec = logging.getLogger("assessor.test").makeRecord(
        "assessor.test", logging.WARNING, __file__, 1, msg, args, exc_info, extra=extra)
    return rec


def test_line_is_one_json_object_with_fields():
    line = JsonFormatter().format(record(duration_ms=12.5))
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "hello world"
    assert entry["level"] == "WARNING" and entry["logger"] == "assessor.test"
    assert entry["duration_ms"] == 12.5
    assert entry["time"].endswith("Z")


def test_request_id_and_job_from_context():
    token, job = request_id_var.set("rid-9"), job_var.set("score:17")
    try:
        entry = json.loads(JsonFormatter().format(record()))
    finally:
        request_id_var.reset(token)
        job_var.reset(job)
    assert entry["request_id"] == "rid-9" and entry["job"] == "score:17"


def test_no_request_id_key_outside_a_request():
    assert "request_id" not in json.loads(JsonFormatter().format(record()))


def test_exception_is_included():
    try:
        raise ValueError("broken thing")
    except ValueError:
        entry = json.loads(JsonFormatter().format(record(exc_info=sys.exc_info())))
    assert "ValueError: broken thing" in entry["exception"]


@pytest.mark.parametrize("message", ['quote " and newline \n', "ünïcödé ✓", "{not json}"])
def test_awkward_messages_stay_valid_json(message):
    entry = json.loads(JsonFormatter().format(record(msg=message, args=())))
    assert entry["message"] == message


def test_configure_logging_installs_one_handler():
    root = logging.getLogger()
    saved = list(root.handlers), root.level
    try:
        configure_logging("json", "INFO")
        configure_logging("json", "INFO")
        ours = [h for h in root.handlers if getattr(h, "assessor", False)]
        assert len(ours) == 1 and isinstance(ours[0].formatter, JsonFormatter)
    finally:
        for h in list(root.handlers):
            root.removeHandler(h)
        for h in saved[0]:
            root.addHandler(h)
        root.setLevel(saved[1])


def test_unknown_log_format_is_a_config_error():
    with pytest.raises(ConfigError):
        configure_logging("xml")
