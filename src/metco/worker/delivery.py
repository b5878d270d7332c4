"""Outbox delivery: claims a leased batch of due events, runs each event's handlers in a transaction of
its own, and on failure schedules a retry with backoff or, after the last attempt, marks the event failed.

A claim is one atomic UPDATE ... RETURNING of a leased batch (on PostgreSQL its rows are picked with
FOR UPDATE SKIP LOCKED, so workers never wait for each other). The lease makes a crash cheap: the rows
of a worker killed mid-batch are claimed again once it runs out. Delivery then locks the row and checks
that it is still pending, so an event whose lease ran out while it was queued behind a slow batch is
not handled twice: the worker that comes second finds it processed and skips it."""

import asyncio
import traceback
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

import structlog
from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from metco.kit.clock import utcnow
from metco.kit.db import Database
from metco.kit.outbox import OutboxEvent
from metco.worker import registry
from metco.worker.policy import WorkerSettings, backoff

log = structlog.get_logger("metco.worker")

MAX_ERROR_CHARS = 2000


async def claim(db: Database, settings: WorkerSettings, now: datetime) -> list[OutboxEvent]:
    """Leases up to `batch_size` due events to this worker until now + lease_seconds, oldest first."""
    due = (
        select(OutboxEvent.id)
        .where(OutboxEvent.processed_at.is_(None), OutboxEvent.failed_at.is_(None), OutboxEvent.available_at <= now,
               or_(OutboxEvent.locked_until.is_(None), OutboxEvent.locked_until < now))
        .order_by(OutboxEvent.available_at, OutboxEvent.id)
        .limit(settings.batch_size)
        .with_for_update(skip_locked=True)
    )
    lease = (
        update(OutboxEvent)
        .where(OutboxEvent.id.in_(due))
        .values(locked_until=now + timedelta(seconds=settings.lease_seconds))
        .returning(OutboxEvent)
        .execution_options(synchronize_session=False)
    )
    async with db.sessionmaker() as session:
        events = list((await session.scalars(lease)).all())
        await session.commit()
    return sorted(events, key=lambda event: (event.available_at, event.id))


async def release(db: Database, event_ids: Sequence[uuid.UUID]) -> None:
    """Gives back the lease of claimed events this worker will not get to (it is stopping)."""
    if not event_ids:
        return
    async with db.sessionmaker() as session:
        await session.execute(update(OutboxEvent)
                              .where(OutboxEvent.id.in_(event_ids), OutboxEvent.processed_at.is_(None))
                              .values(locked_until=None))
        await session.commit()


async def deliver(db: Database, settings: WorkerSettings, event: OutboxEvent, now: datetime) -> bool:
    """Runs the event's handlers and marks it processed, all in one transaction; False if they failed."""
    try:
        async with db.sessionmaker() as session:
            if not await _lock_if_pending(session, event.id):
                return True  # another worker delivered it after this worker's lease ran out
            async with asyncio.timeout(settings.lease_seconds):
                for consumer in registry.handlers_for(event.topic):
                    await consumer.handle(session, event)
            await session.execute(update(OutboxEvent).where(OutboxEvent.id == event.id)
                                  .values(processed_at=utcnow(), locked_until=None))
            await session.commit()
    except Exception as exc:
        await _record_failure(db, settings, event, _describe(exc, settings), now)
        return False
    return True


async def _lock_if_pending(session: AsyncSession, event_id: uuid.UUID) -> bool:
    # FOR UPDATE holds a concurrent deliverer of the same row until this transaction ends; on SQLite the
    # transaction is already the only writer.
    pending = (select(OutboxEvent.id)
               .where(OutboxEvent.id == event_id, OutboxEvent.processed_at.is_(None), OutboxEvent.failed_at.is_(None))
               .with_for_update())
    return (await session.scalar(pending)) is not None


def _describe(exc: Exception, settings: WorkerSettings) -> str:
    if isinstance(exc, TimeoutError):
        return f"TimeoutError: the handlers took longer than {settings.lease_seconds:g} seconds"
    return "".join(traceback.format_exception_only(exc)).strip()[:MAX_ERROR_CHARS]


async def _record_failure(db: Database, settings: WorkerSettings, event: OutboxEvent, error: str,
                          now: datetime) -> None:
    async with db.sessionmaker() as session:
        row = await session.get(OutboxEvent, event.id, with_for_update=True)
        if row is None or row.processed_at is not None or row.failed_at is not None:
            return
        row.attempts += 1
        row.last_error = error
        row.locked_until = None
        if row.attempts >= settings.max_attempts:
            row.failed_at = now
        else:
            row.available_at = now + timedelta(seconds=backoff(row.attempts, settings))
        await session.commit()
        log.warning("outbox_delivery_failed", topic=row.topic, event_id=str(row.id), attempts=row.attempts,
                    error=error, gave_up=row.failed_at is not None)
