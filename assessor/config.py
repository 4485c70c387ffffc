"""The one place that reads the environment.

Every other module receives its settings from a :class:`Config` instance.
"""
from __future__ import annotations

import os
from pathlib import Path

from .errors import ConfigError
from .scoring.settings import ScoringSettings, packaged_model


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


class Config:
    """Settings for the service, the worker and the command line."""

    def __init__(self, environ: dict[str, str] | None = None) -> None:
        env = os.environ if environ is None else environ
        self.ENGINE = env.get("ASSESSOR_ENGINE", "auto")
        self.LANGUAGETOOL_URL = env.get("LANGUAGETOOL_URL") or None
        self.LANGUAGETOOL_PATH = env.get("LTP_PATH") or None
        self.LANGUAGETOOL_TIMEOUT = float(env.get("LANGUAGETOOL_TIMEOUT", "5"))
        self.ENGINE_FALLBACK = _bool(env.get("ASSESSOR_ENGINE_FALLBACK"), True)
        self.HARPER = _bool(env.get("ASSESSOR_HARPER"), True)
        self.MAX_ANSWER_CHARS = int(env.get("ASSESSOR_MAX_ANSWER_CHARS", "20000"))
        self.MIN_WORDS = int(env.get("ASSESSOR_MIN_WORDS", "20"))
        model = env.get("ASSESSOR_MODEL_PATH")
        self.MODEL_PATH = Path(model) if model else packaged_model()
        profiles = env.get("ASSESSOR_PROFILES_PATH")
        self.PROFILES_PATH = Path(profiles) if profiles else None
        self.SHARED_DIR = Path(env.get("ASSESSOR_SHARED_DIR", "../shared"))
        self._service_settings(env)
        self._security_settings(env)
        self._ops_settings(env)

    def _service_settings(self, env) -> None:
        # None = SQLite file in the Flask instance folder (create_app fills it in).
        self.DATABASE_URL = env.get("DATABASE_URL") or None
        # Unset = embedded mode: an in-process worker thread scores answers.
        self.REDIS_URL = env.get("REDIS_URL") or None
        self.RQ_QUEUE = env.get("ASSESSOR_QUEUE", "assessor")
        self.SECRET_KEY = env.get("SECRET_KEY") or None
        # production: the web app refuses to start without SECRET_KEY (a random
        # key per process signs each worker's sessions differently).
        # deploy/gunicorn.conf.py makes production the default under gunicorn.
        self.ENV = (env.get("ASSESSOR_ENV") or "development").strip().lower()
        if self.ENV not in ("development", "production"):
            raise ConfigError(f"ASSESSOR_ENV must be development or production, not {self.ENV!r}")
        # gunicorn's processes (deploy/gunicorn.conf.py): not the host's core
        # count, which in a container is the whole machine's.
        self.WEB_CONCURRENCY = int(env.get("WEB_CONCURRENCY", "2"))
        if not 1 <= self.WEB_CONCURRENCY <= 64:
            raise ConfigError(f"WEB_CONCURRENCY must be 1–64, not {self.WEB_CONCURRENCY}")
        self.MAX_CONTENT_LENGTH = int(env.get("ASSESSOR_MAX_REQUEST_BYTES", str(1024 * 1024)))
        self.PUBLIC_URL = env.get("ASSESSOR_PUBLIC_URL", "http://127.0.0.1:5000").rstrip("/")
        self.EMBEDDED_WORKER = _bool(env.get("ASSESSOR_EMBEDDED_WORKER"), True)
        self.JOB_MAX_ATTEMPTS = int(env.get("ASSESSOR_JOB_MAX_ATTEMPTS", "5"))
        self.JOB_BACKOFF_SECONDS = float(env.get("ASSESSOR_JOB_BACKOFF", "5"))
        # A running job whose lease ran out is taken to have died with its worker.
        self.JOB_LEASE_SECONDS = float(env.get("ASSESSOR_JOB_LEASE", "300"))
        self.RECOVERY_INTERVAL = float(env.get("ASSESSOR_RECOVERY_INTERVAL", "60"))
        self.INVITATION_DAYS = int(env.get("ASSESSOR_INVITATION_DAYS", "14"))
        if not 1 <= self.INVITATION_DAYS <= 365:
            raise ConfigError(f"ASSESSOR_INVITATION_DAYS must be 1–365, not {self.INVITATION_DAYS}")
        self.APPLICANT_RATE_LIMIT = int(env.get("ASSESSOR_APPLICANT_RATE_LIMIT", "120"))
        self._webhook_settings(env)
        self._smtp_settings(env)

    def _smtp_settings(self, env) -> None:
        # No SMTP_HOST = messages stay in the outbox (dashboard: Outbox page).
        self.SMTP_HOST = env.get("SMTP_HOST") or None
        self.SMTP_SECURITY = (env.get("SMTP_SECURITY") or "starttls").strip().lower()
        if self.SMTP_SECURITY not in ("starttls", "tls", "none"):
            raise ConfigError(f"SMTP_SECURITY must be starttls, tls or none, not "
                              f"{self.SMTP_SECURITY!r}")
        default_port = {"starttls": "587", "tls": "465", "none": "25"}[self.SMTP_SECURITY]
        self.SMTP_PORT = int(env.get("SMTP_PORT") or default_port)
        self.SMTP_USER = env.get("SMTP_USER") or None
        self.SMTP_PASSWORD = env.get("SMTP_PASSWORD") or None
        self.SMTP_FROM = env.get("SMTP_FROM") or "assessor@localhost"
        self.SMTP_TIMEOUT = float(env.get("SMTP_TIMEOUT", "10"))
        self.EMAIL_MAX_ATTEMPTS = int(env.get("ASSESSOR_EMAIL_MAX_ATTEMPTS", "6"))
        self.EMAIL_BACKOFF_SECONDS = float(env.get("ASSESSOR_EMAIL_BACKOFF", "30"))
        # A reminder this many days before an unused link expires; 0 = none.
        self.REMINDER_DAYS = int(env.get("ASSESSOR_REMINDER_DAYS", "2"))
        if not 0 <= self.REMINDER_DAYS <= 364:
            raise ConfigError(f"ASSESSOR_REMINDER_DAYS must be 0–364, not {self.REMINDER_DAYS}")

    def _webhook_settings(self, env) -> None:
        self.WEBHOOK_TIMEOUT = float(env.get("ASSESSOR_WEBHOOK_TIMEOUT", "5"))
        self.WEBHOOK_MAX_ATTEMPTS = int(env.get("ASSESSOR_WEBHOOK_MAX_ATTEMPTS", "6"))
        self.WEBHOOK_BACKOFF_SECONDS = float(env.get("ASSESSOR_WEBHOOK_BACKOFF", "10"))
        # Off by default: webhooks to loopback/private addresses are refused (SSRF).
        self.WEBHOOK_ALLOW_PRIVATE = _bool(env.get("ASSESSOR_WEBHOOK_ALLOW_PRIVATE"), False)
        # Each score fans out to every webhook of its organisation: uncapped,
        # one organisation's hundreds of receivers stalled everyone's scoring.
        self.WEBHOOK_MAX_PER_ORG = int(env.get("ASSESSOR_WEBHOOK_MAX_PER_ORG", "10"))
        # Deliveries wait on their own RQ queue, never in front of answers.
        self.RQ_WEBHOOK_QUEUE = env.get("ASSESSOR_WEBHOOK_QUEUE") or f"{self.RQ_QUEUE}-webhooks"

    def _security_settings(self, env) -> None:
        # How many reverse proxies in front of the app append to
        # X-Forwarded-For. 0 trusts none (any client could claim any address);
        # behind one proxy, without this, every client shares its address and
        # one client's failed sign-ins lock out everyone.
        self.TRUSTED_PROXIES = int(env.get("ASSESSOR_TRUSTED_PROXIES", "0"))
        if not 0 <= self.TRUSTED_PROXIES <= 10:
            raise ConfigError(f"ASSESSOR_TRUSTED_PROXIES must be 0–10, not {self.TRUSTED_PROXIES}")

    def _ops_settings(self, env) -> None:
        # Observability (assessor.observability; see docs/configuration.md).
        self.LOG_FORMAT = env.get("ASSESSOR_LOG_FORMAT", "text").strip().lower()
        self.LOG_LEVEL = env.get("ASSESSOR_LOG_LEVEL", "INFO").strip().upper()
        self.METRICS_TOKEN = env.get("METRICS_TOKEN") or None
        # prometheus_client reads this variable itself; we need it to aggregate a scrape.
        self.PROMETHEUS_MULTIPROC_DIR = env.get("PROMETHEUS_MULTIPROC_DIR") or None
        self.METRICS_PORT = int(env.get("ASSESSOR_METRICS_PORT", "0"))
        self.METRICS_ADDR = env.get("ASSESSOR_METRICS_ADDR", "0.0.0.0")

    def scoring_settings(self) -> ScoringSettings:
        return ScoringSettings(
            engine=self.ENGINE,
            languagetool_url=self.LANGUAGETOOL_URL,
            languagetool_path=self.LANGUAGETOOL_PATH,
            languagetool_timeout=self.LANGUAGETOOL_TIMEOUT,
            fallback=self.ENGINE_FALLBACK,
            harper=self.HARPER,
            max_chars=self.MAX_ANSWER_CHARS,
            min_words=self.MIN_WORDS,
            model_path=self.MODEL_PATH,
            profiles_path=self.PROFILES_PATH,
        )
