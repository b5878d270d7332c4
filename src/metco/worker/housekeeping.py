"""The built-in job that keeps tables small: delivered outbox rows, their receipts, old sign-in failures.

Failed outbox rows are kept: they wait for a person to look at them."""

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from metco.identity import repository as identity_repository
from metco.kit.outbox import OutboxEvent
from metco.worker.models import ProcessedEvent
from metco.worker.registry import every

KEEP_DELIVERED = timedelta(days=7)
# Far longer than any sign-in throttling window, which counts failures over minutes.
KEEP_LOGIN_FAILURES = timedelta(days=1)


@every(seconds=3600, name="housekeeping.prune")
async def prune(session: AsyncSession, now: datetime) -> None:
    await session.execute(delete(OutboxEvent).where(OutboxEvent.processed_at.is_not(None),
                                                    OutboxEvent.processed_at < now - KEEP_DELIVERED))
    # A receipt only matters while its event can still be delivered, and a processed event never is again.
    await session.execute(delete(ProcessedEvent).where(ProcessedEvent.processed_at < now - KEEP_DELIVERED))
    await identity_repository.prune_failures(session, now - KEEP_LOGIN_FAILURES)
