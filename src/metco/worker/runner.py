"""The worker loop: drains the outbox and runs due jobs until told to stop, as `metco worker` or inside
`metco serve`. Any number of workers may run against PostgreSQL (see `delivery` and `scheduler`).

It polls every `poll_seconds`, and an in-process worker also wakes as soon as a transaction of its
process that published an event commits. Stopping is graceful: the current event is finished and the
rest of the batch is given back at once instead of waiting for its lease to run out."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from datetime import datetime

import structlog

from metco.config import Settings
from metco.kit.clock import utcnow
from metco.kit.db import Database
from metco.kit.outbox import OutboxEvent, when_published
from metco.worker import delivery, registry
from metco.worker.policy import WorkerSettings, worker_settings
from metco.worker.scheduler import Scheduler

log = structlog.get_logger("metco.worker")


class Worker:
    def __init__(self, db: Database, settings: WorkerSettings | None = None) -> None:
        self.db = db
        self.settings = settings or WorkerSettings()
        self.wake = asyncio.Event()
        self.idle = asyncio.Event()  # set while it waits for work (for whoever wants to know it caught up)
        self.scheduler = Scheduler(db)
        registry.load_tasks()

    async def claim(self, now: datetime | None = None) -> list[OutboxEvent]:
        return await delivery.claim(self.db, self.settings, now or utcnow())

    async def deliver(self, event: OutboxEvent, now: datetime | None = None) -> bool:
        return await delivery.deliver(self.db, self.settings, event, now or utcnow())

    async def drain_once(self, now: datetime | None = None, stop: asyncio.Event | None = None) -> int:
        """Claims one batch and delivers it; returns how many events it claimed."""
        now = now or utcnow()
        events = await self.claim(now)
        for index, event in enumerate(events):
            if stop is not None and stop.is_set():
                await delivery.release(self.db, [e.id for e in events[index:]])
                break
            await self.deliver(event, now)
        return len(events)

    async def run_due_jobs(self, now: datetime | None = None, stop: asyncio.Event | None = None) -> list[str]:
        return await self.scheduler.run_due(now or utcnow(), stop)

    async def run_forever(self, stop: asyncio.Event) -> None:
        loop = asyncio.get_running_loop()

        def wake_up() -> None:
            with suppress(RuntimeError):  # the loop is already closed: nothing to wake
                loop.call_soon_threadsafe(self.wake.set)

        forget = when_published(wake_up)
        log.info("worker_started", handlers=sorted(registry.HANDLERS), jobs=sorted(registry.JOBS))
        try:
            while not stop.is_set():
                self.wake.clear()  # before draining: a commit during the drain must wake the next wait
                if not await self._cycle(stop):
                    self.idle.set()
                    await _first_of(stop, self.wake, seconds=self.settings.poll_seconds)
                    self.idle.clear()
        finally:
            forget()
        log.info("worker_stopped")

    async def _cycle(self, stop: asyncio.Event) -> bool:
        """One round of work; True when there may be more waiting right away."""
        try:
            busy = await self.drain_once(stop=stop)
            await self.run_due_jobs(stop=stop)
        except Exception:
            log.exception("worker_cycle_failed")  # e.g. the database is away; try again after the poll
            return False
        return busy > 0


async def _first_of(*events: asyncio.Event, seconds: float) -> None:
    waiters = [asyncio.ensure_future(event.wait()) for event in events]
    try:
        await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()


@asynccontextmanager
async def in_process_worker(db: Database, settings: Settings) -> AsyncIterator[Worker | None]:
    """Runs a worker beside the web app while the block runs, unless `settings.run_worker` is off."""
    if not settings.run_worker:
        yield None
        return
    worker, stop = Worker(db, worker_settings(settings)), asyncio.Event()
    task = asyncio.create_task(worker.run_forever(stop), name="metco-worker")
    try:
        yield worker
    finally:
        stop.set()
        await task
