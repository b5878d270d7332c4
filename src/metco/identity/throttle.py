"""Login throttling: too many recent failures for one email or one client address get 429.

A failure is written in the login request's transaction, which `BadCredentials` keeps."""

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from metco.config import Settings
from metco.identity import repository
from metco.identity.models import LoginFailure
from metco.kit.clock import utcnow
from metco.kit.errors import Throttled


def keys(email: str, client: str | None) -> list[tuple[str, str]]:
    found = [("email", f"email:{email.lower()}")]
    if client:
        found.append(("client", f"client:{client}"))
    return found


def _limit(settings: Settings, kind: str) -> int:
    return settings.login_max_failures_per_email if kind == "email" else settings.login_max_failures_per_client


async def check(session: AsyncSession, settings: Settings, *, email: str, client: str | None) -> None:
    now = utcnow()
    window = timedelta(seconds=settings.login_failure_window_seconds)
    for kind, key in keys(email, client):
        count, oldest = await repository.count_failures(session, key, now - window)
        if count >= _limit(settings, kind) and oldest is not None:
            retry_after = int((oldest + window - now).total_seconds()) + 1
            raise Throttled(f"Too many failed sign-in attempts for this {kind}; try again later.",
                            retry_after=retry_after)


async def record_failure(session: AsyncSession, *, email: str, client: str | None) -> None:
    now: datetime = utcnow()
    for _, key in keys(email, client):
        session.add(LoginFailure(key=key, created_at=now))
    await session.flush()


async def clear(session: AsyncSession, *, email: str) -> None:
    await repository.clear_failures(session, f"email:{email.lower()}")
