"""Stripe-style webhook signatures ("t=<unix time>,v1=<hex HMAC-SHA256 of 't.body'>"), checked with a
timestamp tolerance and a constant-time compare. The sandbox signs its callbacks this way too."""

import hashlib
import hmac
import time

from metco.kit.errors import MetcoError

TOLERANCE_SECONDS = 300


class BadSignature(MetcoError):
    status = 400
    code = "BAD_SIGNATURE"
    title = "The webhook signature does not verify"


def sign(secret: str, body: bytes, *, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify(secret: str, body: bytes, header: str | None, *, now: float | None = None) -> None:
    if not header:
        raise BadSignature("The signature header is missing.")
    parts: dict[str, list[str]] = {}
    for item in header.split(","):
        key, _, value = item.strip().partition("=")
        parts.setdefault(key, []).append(value)
    try:
        timestamp = int(parts["t"][0])
    except (KeyError, ValueError) as exc:
        raise BadSignature("The signature header has no timestamp.") from exc
    if abs((time.time() if now is None else now) - timestamp) > TOLERANCE_SECONDS:
        raise BadSignature("The signature is too old or from the future.")
    expected = sign(secret, body, timestamp=timestamp).split("v1=", 1)[1]
    if not any(hmac.compare_digest(expected, candidate) for candidate in parts.get("v1", [])):
        raise BadSignature("The signature does not match the body.")


class MalformedEvent(MetcoError):
    status = 400
    code = "MALFORMED_EVENT"
    title = "The event is not one this endpoint understands"
