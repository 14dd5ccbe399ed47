"""Seat tokens: random, kept by the host only as SHA-256 digests, compared in constant time."""
from __future__ import annotations

import hashlib
import hmac
import secrets


def new_token() -> str:
    return secrets.token_urlsafe(18)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def matches(token: str, wanted_digest: str) -> bool:
    return hmac.compare_digest(digest(token), wanted_digest)
