"""Scheduled jobs: once per interval across workers, failures kept visible, and the built-in pruning."""

import asyncio
import uuid
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from metco.identity.models import LoginFailure
from metco.kit.clock import utcnow
from metco.kit.db import Database
from metco.kit.outbox import OutboxEvent
from metco.worker import registry
from metco.worker.housekeeping import prune
from metco.worker.models import ProcessedEvent, ScheduledJob
from metco.worker.runner import Worker

TICKS: list[datetime] = []
FLAKY = {"fail": False}


@registry.every(seconds=60, name="tests.tick")
async def tick(session: AsyncSession, now: datetime) -> None:
    TICKS.append(now)


@registry.every(seconds=60, name="tests.flaky")
async def flaky(session: AsyncSession, now: datetime) -> None:
    if FLAKY["fail"]:
        raise RuntimeError("the carrier's API is down")


async def _job(db: Database, name: str) -> ScheduledJob:
    async with db.sessionmaker() as session:
        job = await session.get(ScheduledJob, name)
        assert job is not None
        return job


async def test_a_scheduled_job_runs_once_per_interval_across_workers(db: Database) -> None:
    TICKS.clear()
    now = utcnow()
    first, second = Worker(db), Worker(db)
    assert "tests.tick" in await first.run_due_jobs(now)
    assert "tests.tick" not in await second.run_due_jobs(now)
    assert "tests.tick" not in await first.run_due_jobs(now + timedelta(seconds=59))
    assert "tests.tick" in await second.run_due_jobs(now + timedelta(seconds=61))
    assert "tests.tick" not in await first.run_due_jobs(now + timedelta(seconds=62))
    assert TICKS == [now, now + timedelta(seconds=61)]
    assert (await _job(db, "tests.tick")).next_run_at == now + timedelta(seconds=121)


async def test_workers_asking_at_the_same_moment_run_a_due_job_once(db: Database) -> None:
    TICKS.clear()
    now = utcnow()
    ran = await asyncio.gather(*(Worker(db).run_due_jobs(now) for _ in range(4)))
    assert sum("tests.tick" in names for names in ran) == 1 and TICKS == [now]


async def test_a_failing_job_keeps_its_error_and_runs_again_next_interval(db: Database) -> None:
    FLAKY["fail"] = True
    worker, now = Worker(db), utcnow()
    try:
        assert "tests.flaky" in await worker.run_due_jobs(now)
        assert "carrier's API is down" in ((await _job(db, "tests.flaky")).last_error or "")
        FLAKY["fail"] = False
        assert "tests.flaky" not in await worker.run_due_jobs(now + timedelta(seconds=1))
        assert "tests.flaky" in await worker.run_due_jobs(now + timedelta(seconds=60))
    finally:
        FLAKY["fail"] = False
    assert (await _job(db, "tests.flaky")).last_error is None


async def test_prune_drops_old_delivered_events_receipts_and_login_failures_only(db: Database) -> None:
    now = utcnow()
    old, recent = now - timedelta(days=8), now - timedelta(days=6)
    async with db.sessionmaker() as session:
        session.add_all([
            OutboxEvent(topic="old.delivered", payload={}, created_at=old, processed_at=old),
            OutboxEvent(topic="recent.delivered", payload={}, created_at=recent, processed_at=recent),
            OutboxEvent(topic="old.failed", payload={}, created_at=old, failed_at=old),
            OutboxEvent(topic="old.pending", payload={}, created_at=old, available_at=old),
            ProcessedEvent(consumer="old", event_id=uuid.uuid4(), processed_at=old),
            ProcessedEvent(consumer="recent", event_id=uuid.uuid4(), processed_at=recent),
            LoginFailure(key="old", created_at=now - timedelta(days=2)),
            LoginFailure(key="recent", created_at=now - timedelta(minutes=5)),
        ])
        await session.commit()
        await prune(session, now)
        await session.commit()
        topics = set(await session.scalars(select(OutboxEvent.topic)))
        consumers = set(await session.scalars(select(ProcessedEvent.consumer)))
        keys = set(await session.scalars(select(LoginFailure.key)))
    assert topics == {"recent.delivered", "old.failed", "old.pending"}
    assert consumers == {"recent"} and keys == {"recent"}


def test_the_pruning_job_is_registered_with_the_worker() -> None:
    registry.load_tasks()
    assert registry.JOBS["housekeeping.prune"].run is prune
