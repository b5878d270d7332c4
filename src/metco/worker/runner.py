"""Drains the outbox and runs due jobs. Any number of workers may run against PostgreSQL: a batch is
claimed with SELECT ... FOR UPDATE SKIP LOCKED and leased (locked_until), so a worker killed mid-batch
loses nothing: its events are claimed again when the lease ends. Each event's handlers run in their own
transaction; a failure is retried with exponential backoff and jitter, and after the last attempt the
event is marked failed, with its error, and left for a person to look at."""

import asyncio
import random
import traceback
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from sqlalchemy import or_, select, update

from metco.config import Settings
from metco.kit.clock import utcnow
from metco.kit.db import Database
from metco.kit.outbox import OutboxEvent
from metco.worker import registry
from metco.worker.models import ScheduledJob

log = structlog.get_logger("metco.worker")


@dataclass(frozen=True)
class WorkerSettings:
    batch_size: int = 50
    lease_seconds: int = 60
    max_attempts: int = 8
    backoff_base_seconds: float = 2.0
    backoff_cap_seconds: float = 3600.0
    poll_seconds: float = 1.0


def worker_settings(settings: Settings) -> WorkerSettings:
    return WorkerSettings(max_attempts=settings.worker_max_attempts,
                          backoff_base_seconds=settings.worker_backoff_base_seconds,
                          backoff_cap_seconds=settings.worker_backoff_cap_seconds,
                          poll_seconds=settings.worker_poll_seconds)


def backoff(attempts: int, settings: WorkerSettings, rng: random.Random | None = None) -> float:
    """Exponential with full jitter: a random delay up to base * 2^(attempts - 1), capped."""
    ceiling = min(settings.backoff_cap_seconds, settings.backoff_base_seconds * 2 ** (attempts - 1))
    return (rng or random).uniform(ceiling / 2, ceiling)


class Worker:
    def __init__(self, db: Database, settings: WorkerSettings | None = None) -> None:
        self.db = db
        self.settings = settings or WorkerSettings()
        self.wake = asyncio.Event()
        registry.load_tasks()

    async def claim(self, now: datetime) -> list[OutboxEvent]:
        async with self.db.sessionmaker() as session:
            stmt = (select(OutboxEvent)
                    .where(OutboxEvent.processed_at.is_(None), OutboxEvent.failed_at.is_(None),
                           OutboxEvent.available_at <= now,
                           or_(OutboxEvent.locked_until.is_(None), OutboxEvent.locked_until < now))
                    .order_by(OutboxEvent.available_at, OutboxEvent.id).limit(self.settings.batch_size)
                    .with_for_update(skip_locked=True))
            events = list((await session.scalars(stmt)).all())
            if events:
                await session.execute(update(OutboxEvent).where(OutboxEvent.id.in_([e.id for e in events]))
                                      .values(locked_until=now + timedelta(seconds=self.settings.lease_seconds)))
            await session.commit()
            return events

    async def deliver(self, event: OutboxEvent, now: datetime | None = None) -> bool:
        handlers = registry.HANDLERS.get(event.topic, [])
        try:
            async with self.db.sessionmaker() as session:
                for _, handler in handlers:
                    await handler(session, event)
                await session.execute(update(OutboxEvent).where(OutboxEvent.id == event.id)
                                      .values(processed_at=utcnow(), locked_until=None))
                await session.commit()
            return True
        except Exception as exc:
            await self._failed(event, exc, now or utcnow())
            return False

    async def _failed(self, event: OutboxEvent, exc: Exception, now: datetime) -> None:
        attempts = event.attempts + 1
        error = "".join(traceback.format_exception_only(exc)).strip()[:2000]
        values: dict[str, object] = {"attempts": attempts, "last_error": error, "locked_until": None}
        if attempts >= self.settings.max_attempts:
            values["failed_at"] = now
        else:
            values["available_at"] = now + timedelta(seconds=backoff(attempts, self.settings))
        async with self.db.sessionmaker() as session:
            await session.execute(update(OutboxEvent).where(OutboxEvent.id == event.id).values(**values))
            await session.commit()
        log.warning("outbox_delivery_failed", topic=event.topic, event_id=str(event.id), attempts=attempts,
                    error=error, final="failed_at" in values)

    async def drain_once(self, now: datetime | None = None) -> int:
        now = now or utcnow()
        events = await self.claim(now)
        for event in events:
            await self.deliver(event, now)
        return len(events)

    async def run_due_jobs(self, now: datetime | None = None) -> list[str]:
        now = now or utcnow()
        ran = []
        for spec in registry.JOBS.values():
            if await self._claim_job(spec, now):
                ran.append(spec.name)
                await self._run_job(spec, now)
        return ran

    async def _claim_job(self, spec: registry.ScheduledJobSpec, now: datetime) -> bool:
        async with self.db.sessionmaker() as session:
            if await session.get(ScheduledJob, spec.name) is None:
                from sqlalchemy.exc import IntegrityError

                try:
                    async with session.begin_nested():
                        session.add(ScheduledJob(name=spec.name, next_run_at=now))
                        await session.flush()
                except IntegrityError:
                    pass
            claimed = await session.execute(
                update(ScheduledJob).where(ScheduledJob.name == spec.name, ScheduledJob.next_run_at <= now)
                .values(next_run_at=now + timedelta(seconds=spec.seconds), last_run_at=now))
            await session.commit()
            return bool(claimed.rowcount == 1)  # type: ignore[attr-defined]

    async def _run_job(self, spec: registry.ScheduledJobSpec, now: datetime) -> None:
        try:
            async with self.db.sessionmaker() as session:
                await spec.run(session, now)
                await session.commit()
            error = None
        except Exception as exc:
            error = "".join(traceback.format_exception_only(exc)).strip()[:2000]
            log.warning("scheduled_job_failed", job=spec.name, error=error)
        async with self.db.sessionmaker() as session:
            await session.execute(update(ScheduledJob).where(ScheduledJob.name == spec.name).values(last_error=error))
            await session.commit()

    async def run_forever(self, stop: asyncio.Event) -> None:
        log.info("worker_started", handlers=sorted(registry.HANDLERS), jobs=sorted(registry.JOBS))
        while not stop.is_set():
            try:
                busy = await self.drain_once()
                await self.run_due_jobs()
            except Exception:
                log.exception("worker_cycle_failed")
                busy = 0
            if busy:
                continue
            self.wake.clear()
            waits = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self.wake.wait())]
            await asyncio.wait(waits, timeout=self.settings.poll_seconds, return_when=asyncio.FIRST_COMPLETED)
            for waiter in waits:
                waiter.cancel()
        log.info("worker_stopped")
