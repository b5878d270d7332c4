"""Jobs that keep tables small: delivered outbox rows and old sign-in failures."""

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from metco.identity import repository as identity_repository
from metco.kit.outbox import OutboxEvent
from metco.worker.registry import every

KEEP_DELIVERED = timedelta(days=7)


@every(seconds=3600, name="housekeeping.prune")
async def prune(session: AsyncSession, now: datetime) -> None:
    await session.execute(delete(OutboxEvent).where(OutboxEvent.processed_at.is_not(None),
                                                    OutboxEvent.processed_at < now - KEEP_DELIVERED))
    await identity_repository.prune_failures(session, now - timedelta(days=1))
