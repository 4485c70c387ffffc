"""The development server's access log, without applicant credentials.

An applicant's invitation token is in the path of every page of their test
(``/take/<token>``, ``/progress/<token>``) and may be in ``?token=``; the
share key of a progress page is one too. Werkzeug logs each request line as
it came, so whoever reads the log could take the test in the applicant's
place. gunicorn's own access log is off (``deploy/gunicorn.conf.py``) and
the app's access lines name the URL rule, not the path.
"""
from __future__ import annotations

import re

from werkzeug.serving import WSGIRequestHandler

_PATH_TOKEN = re.compile(r"(/take/|/progress/(?:shared/)?)[^/?#\s]+")
_QUERY_TOKEN = re.compile(r"([?&]token=)[^&#\s]+")
REDACTED = "[redacted]"


def redact(line: str) -> str:
    line = _PATH_TOKEN.sub(lambda m: m.group(1) + REDACTED, line)
    return _QUERY_TOKEN.sub(lambda m: m.group(1) + REDACTED, line)


class RedactingRequestHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        # Both: werkzeug logs the path, or the raw line when it has none.
        # The environ was built from them already, so the app is unaffected.
        self.requestline = redact(self.requestline)
        if hasattr(self, "path"):
            self.path = redact(self.path)
        super().log_request(code, size)
