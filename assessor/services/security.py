"""Tokens and passwords. Tokens are random (``secrets.token_urlsafe(32)``,
256 bits), so a plain SHA-256 is enough to store them; passwords are low
entropy and get werkzeug's salted scrypt."""
from __future__ import annotations

import hashlib
import hmac
import secrets

from werkzeug.security import check_password_hash, generate_password_hash

API_TOKEN_PREFIX = "asr_"


def new_token() -> str:
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def hash_password(password: str) -> str:
    return generate_password_hash(password)


_dummy_hash: list[str] = []


def check_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        # Spend the same scrypt time as a real check, so the response time
        # does not tell which emails have accounts.
        if not _dummy_hash:
            _dummy_hash.append(generate_password_hash(secrets.token_urlsafe(16)))
        check_password_hash(_dummy_hash[0], password)
        return False
    return check_password_hash(password_hash, password)


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """HMAC-SHA256 over ``"{timestamp}." + body`` (the Stripe scheme), so a
    captured delivery cannot be replayed with a new timestamp."""
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(secret: str, timestamp: int, body: bytes, signature: str) -> bool:
    return hmac.compare_digest(sign(secret, timestamp, body), signature)
