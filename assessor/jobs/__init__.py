"""Background jobs: scoring answers and delivering webhooks, on an
in-process queue (embedded default) or on RQ (``REDIS_URL``)."""
from .context import JobContext, Outcome
from .queues import EmbeddedQueue, RQQueue, make_queue, run_job
from .recovery import recover
from .scoring import score_answer
from .webhooks import deliver_webhook

__all__ = ["JobContext", "Outcome", "EmbeddedQueue", "RQQueue", "make_queue", "run_job",
           "recover", "score_answer", "deliver_webhook"]
