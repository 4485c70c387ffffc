"""Operations: Prometheus metrics, JSON logs with request ids.

The web app registers :class:`Observability`; the job code calls
:func:`observe_job`, :func:`observe_scoring` and :func:`bind_job`; ``assessor
worker`` calls :func:`init_worker`. Nothing here is imported by the scoring core.
"""
from .jobs import bind_job, init_worker, job_meta
from .logs import JsonFormatter, configure_logging, request_id_var
from .metrics import observe_job, observe_scoring
from .web import Observability

__all__ = ["Observability", "JsonFormatter", "configure_logging", "request_id_var",
           "bind_job", "init_worker", "job_meta", "observe_job", "observe_scoring"]
