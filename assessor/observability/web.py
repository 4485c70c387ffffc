"""The Flask side: request ids in and out, request latency, ``/metrics``."""
from __future__ import annotations

import hmac
import logging
import time

from flask import Blueprint, Flask, Response, current_app, g, request

from . import metrics
from .logs import configure_logging, new_request_id, request_id_var

log = logging.getLogger("assessor.access")
bp = Blueprint("observability", __name__)
HEADER = "X-Request-ID"


class Observability:
    """Flask extension: ``Observability().init_app(app, config)``."""

    def init_app(self, app: Flask, config) -> None:
        configure_logging(config.LOG_FORMAT, config.LOG_LEVEL)
        app.extensions["observability"] = {"token": config.METRICS_TOKEN,
                                           "multiproc_dir": config.PROMETHEUS_MULTIPROC_DIR}
        app.before_request(_start)
        app.after_request(_finish)
        app.teardown_request(_reset)
        app.register_blueprint(bp)


def _start() -> None:
    g.request_started = time.perf_counter()
    g.request_id = new_request_id(request.headers.get(HEADER))
    g.request_id_token = request_id_var.set(g.request_id)


def _endpoint() -> str:
    # The URL rule, not the path: ids in paths would make a series per id.
    rule = request.url_rule
    return rule.rule if rule is not None else "unmatched"


def _finish(response: Response) -> Response:
    request_id = g.get("request_id")
    if request_id:
        response.headers[HEADER] = request_id
    started = g.get("request_started")
    if started is not None:
        seconds = time.perf_counter() - started
        endpoint = _endpoint()
        metrics.observe_request(endpoint, request.method, response.status_code, seconds)
        if endpoint not in ("/metrics", "/healthz", "/readyz"):
            log.info("%s %s %s", request.method, endpoint, response.status_code,
                     extra={"request_id": request_id, "method": request.method, "endpoint": endpoint,
                            "status": response.status_code,
                            "duration_ms": round(seconds * 1000, 1)})
    return response


def _reset(exc: BaseException | None) -> None:
    token = g.pop("request_id_token", None)
    if token is not None:
        request_id_var.reset(token)


def _authorised(token: str | None) -> bool:
    if not token:
        return True
    header = request.headers.get("Authorization", "")
    given = header[7:] if header.startswith("Bearer ") else ""
    return hmac.compare_digest(given.encode(), token.encode())


@bp.get("/metrics")
def metrics_view():
    state = current_app.extensions["observability"]
    if not _authorised(state["token"]):
        return Response("metrics need Authorization: Bearer <METRICS_TOKEN>\n", status=401,
                        headers={"WWW-Authenticate": "Bearer"}, mimetype="text/plain")
    queue = current_app.extensions.get("assessor", {}).get("queue")
    extra = [metrics.QueueDepthCollector(queue.ping)] if queue is not None else []
    body = metrics.exposition(state["multiproc_dir"], extra)
    return Response(body, mimetype="text/plain; version=0.0.4; charset=utf-8")
