"""The development server's access log never holds an applicant's token."""
from __future__ import annotations

import logging
import threading

import requests
from werkzeug.serving import make_server

from assessor.web.devserver import RedactingRequestHandler, redact


def test_redact_covers_paths_and_query():
    assert redact('"GET /take/abcDEF-123_x/task/2 HTTP/1.1"') == \
        '"GET /take/[redacted]/task/2 HTTP/1.1"'
    assert redact("GET /progress/shared/WzEsImFiIl0.sig.json HTTP/1.1") == \
        "GET /progress/shared/[redacted] HTTP/1.1"
    assert redact("GET /api/v1/applicant?token=s3cr3t&x=1 HTTP/1.1") == \
        "GET /api/v1/applicant?token=[redacted]&x=1 HTTP/1.1"


def test_the_served_access_log_has_no_token(app, caplog):
    server = make_server("127.0.0.1", 0, app, threaded=True,
                         request_handler=RedactingRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    secret = "Tok3n-that-must-not-be-logged"
    try:
        with caplog.at_level(logging.INFO, logger="werkzeug"):
            requests.get(f"http://127.0.0.1:{server.server_port}/take/{secret}", timeout=10)
            requests.get(f"http://127.0.0.1:{server.server_port}/api/v1/applicant?token={secret}",
                         timeout=10)
    finally:
        server.shutdown()
    lines = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert any("/take/[redacted]" in line for line in lines), lines
    assert not any(secret in line for line in lines)
