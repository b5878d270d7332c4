"""The one place the current time comes from."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
