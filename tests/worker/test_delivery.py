"""Outbox delivery: every event handled once per handler, retried with growing delays, never lost."""

import asyncio
import itertools
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from metco.kit.clock import utcnow
from metco.kit.db import Database
from metco.kit.outbox import Event, OutboxEvent
from metco.worker import registry
from metco.worker.models import ProcessedEvent
from metco.worker.policy import WorkerSettings
from metco.worker.runner import Worker
from tests.worker.factories import outbox_rows, publish_events

CALLS: Counter[uuid.UUID] = Counter()  # every call of count_pings, committed or not
AUDITED: Counter[uuid.UUID] = Counter()
BREAKS = {"receipt_then_fail": True}
STOP = {"after_first": asyncio.Event()}


@dataclass(frozen=True)
class Pinged(Event):
    topic = "test.delivery.pinged"
    n: int


@dataclass(frozen=True)
class Broken(Event):
    topic = "test.delivery.broken"
    n: int


@dataclass(frozen=True)
class HalfDone(Event):
    topic = "test.delivery.half_done"
    n: int


@dataclass(frozen=True)
class Unheard(Event):
    topic = "test.delivery.unheard"
    n: int


@dataclass(frozen=True)
class Stopping(Event):
    topic = "test.delivery.stopping"
    n: int


@dataclass(frozen=True)
class Stuck(Event):
    topic = "test.delivery.stuck"
    n: int


@registry.handles(Pinged, consumer="tests.count_pings")
async def count_pings(session: AsyncSession, event: OutboxEvent) -> None:
    CALLS[event.id] += 1
    await asyncio.sleep(0)  # let concurrent workers interleave here


@registry.handles(Pinged, consumer="tests.audit_pings")
async def audit_pings(session: AsyncSession, event: OutboxEvent) -> None:
    if await registry.first_time(session, consumer="tests.audit_pings", event_id=event.id):
        AUDITED[event.id] += 1


@registry.handles(Broken)
async def always_breaks(session: AsyncSession, event: OutboxEvent) -> None:
    raise RuntimeError("the mail server is down")


@registry.handles(HalfDone, consumer="tests.half_done.first")
async def records_a_receipt(session: AsyncSession, event: OutboxEvent) -> None:
    await registry.first_time(session, consumer="tests.half_done.first", event_id=event.id)


@registry.handles(HalfDone, consumer="tests.half_done.second")
async def fails_while_told_to(session: AsyncSession, event: OutboxEvent) -> None:
    if BREAKS["receipt_then_fail"]:
        raise RuntimeError("the payment provider is down")


@registry.handles(Stopping)
async def asks_the_worker_to_stop(session: AsyncSession, event: OutboxEvent) -> None:
    STOP["after_first"].set()


@registry.handles(Stuck)
async def never_finishes(session: AsyncSession, event: OutboxEvent) -> None:
    await asyncio.Event().wait()


async def _receipts(db: Database, consumer: str) -> int:
    async with db.sessionmaker() as session:
        count = await session.scalar(select(func.count()).select_from(ProcessedEvent)
                                     .where(ProcessedEvent.consumer == consumer))
        return count or 0


async def test_each_event_is_handled_once_by_each_of_its_handlers(db: Database) -> None:
    CALLS.clear()
    AUDITED.clear()
    await publish_events(db, [Pinged(n) for n in range(5)])
    worker = Worker(db)
    assert await worker.drain_once() == 5
    assert await worker.drain_once() == 0
    rows = await outbox_rows(db, Pinged.topic)
    assert all(row.processed_at is not None and row.locked_until is None for row in rows)
    assert sorted(CALLS) == sorted(AUDITED) == sorted(row.id for row in rows)
    assert set(CALLS.values()) == set(AUDITED.values()) == {1}
    assert await _receipts(db, "tests.audit_pings") == 5


async def test_an_event_without_handlers_is_marked_processed(db: Database) -> None:
    await publish_events(db, [Unheard(1)])
    assert await Worker(db).drain_once() == 1
    (row,) = await outbox_rows(db, Unheard.topic)
    assert row.processed_at is not None and row.attempts == 0


async def test_a_failing_handler_is_retried_with_growing_delays_then_marked_failed(db: Database) -> None:
    await publish_events(db, [Broken(1)])
    worker = Worker(db, WorkerSettings(max_attempts=4, backoff_base_seconds=10, backoff_cap_seconds=1000))
    now, delays = utcnow(), []
    for attempt in range(1, 5):
        assert await worker.drain_once(now) == 1
        (row,) = await outbox_rows(db, Broken.topic)
        assert row.attempts == attempt and "mail server is down" in (row.last_error or "")
        if attempt < 4:
            assert row.failed_at is None
            delays.append((row.available_at - now).total_seconds())
            assert await worker.drain_once(row.available_at - timedelta(seconds=1)) == 0  # not due yet
            now = row.available_at
    assert 5 <= delays[0] <= 10 <= delays[1] <= 20 <= delays[2] <= 40
    (row,) = await outbox_rows(db, Broken.topic)
    assert row.failed_at is not None and row.processed_at is None and row.locked_until is None
    assert await worker.drain_once(now + timedelta(days=30)) == 0  # failed: kept for a person, not retried


async def test_a_failed_attempt_keeps_none_of_its_handlers_work(db: Database) -> None:
    BREAKS["receipt_then_fail"] = True
    await publish_events(db, [HalfDone(1)])
    worker = Worker(db, WorkerSettings(backoff_base_seconds=1))
    now = utcnow()
    assert await worker.drain_once(now) == 1
    assert await _receipts(db, "tests.half_done.first") == 0  # rolled back with the failure
    BREAKS["receipt_then_fail"] = False
    assert await worker.drain_once(now + timedelta(seconds=2)) == 1
    (row,) = await outbox_rows(db, HalfDone.topic)
    assert row.processed_at is not None and row.attempts == 1
    assert await _receipts(db, "tests.half_done.first") == 1


async def test_a_worker_killed_mid_batch_loses_nothing(db: Database) -> None:
    CALLS.clear()
    await publish_events(db, [Pinged(n) for n in range(3)])
    now = utcnow()
    dead = Worker(db, WorkerSettings(lease_seconds=30))
    assert len(await dead.claim(now)) == 3  # claimed, then the process dies
    alive = Worker(db)
    assert await alive.drain_once(now + timedelta(seconds=29)) == 0  # still leased to the dead worker
    assert await alive.drain_once(now + timedelta(seconds=31)) == 3
    assert len(CALLS) == 3 and set(CALLS.values()) == {1}


async def test_a_worker_whose_lease_ran_out_does_not_handle_an_event_again(db: Database) -> None:
    CALLS.clear()
    await publish_events(db, [Pinged(1)])
    now = utcnow()
    slow = Worker(db, WorkerSettings(lease_seconds=30))
    (event,) = await slow.claim(now)
    assert await Worker(db).drain_once(now + timedelta(seconds=31)) == 1
    assert await slow.deliver(event, now + timedelta(seconds=40))  # it finally gets to it: nothing to do
    assert list(CALLS.values()) == [1]


async def test_stopping_finishes_the_current_event_and_gives_the_rest_back(db: Database) -> None:
    STOP["after_first"] = stop = asyncio.Event()
    await publish_events(db, [Stopping(n) for n in range(3)])
    now = utcnow()
    assert await Worker(db).drain_once(now, stop=stop) == 3
    rows = await outbox_rows(db, Stopping.topic)
    assert sum(row.processed_at is not None for row in rows) == 1
    assert all(row.locked_until is None for row in rows)
    assert await Worker(db).drain_once(now) == 2  # at once, not after a lease


async def test_handlers_that_outlast_the_lease_count_as_a_failed_attempt(db: Database) -> None:
    await publish_events(db, [Stuck(1)])
    assert await Worker(db, WorkerSettings(lease_seconds=0.05)).drain_once() == 1
    (row,) = await outbox_rows(db, Stuck.topic)
    assert row.attempts == 1 and row.processed_at is None and "longer than 0.05 seconds" in (row.last_error or "")


async def test_workers_that_reclaim_each_others_expired_leases_still_handle_each_event_once(db: Database) -> None:
    CALLS.clear()
    await publish_events(db, [Pinged(n) for n in range(60)])
    start, ticks = utcnow(), itertools.count(1)

    async def drain(worker: Worker) -> None:
        # Every claim happens a lease later than the one before: each may take what others still hold.
        while await worker.drain_once(start + timedelta(seconds=61 * next(ticks))) > 0:
            pass

    await asyncio.gather(*(drain(Worker(db, WorkerSettings(batch_size=7))) for _ in range(4)))
    assert len(CALLS) == 60 and set(CALLS.values()) == {1}


async def test_four_workers_on_postgres_handle_every_event_exactly_once(db: Database, postgres_only: None) -> None:
    CALLS.clear()
    AUDITED.clear()
    await publish_events(db, [Pinged(n) for n in range(200)])
    workers = [Worker(db, WorkerSettings(batch_size=10)) for _ in range(4)]

    async def drain(worker: Worker) -> int:
        total = 0
        while (claimed := await worker.drain_once()) > 0:
            total += claimed
        return total

    counts = await asyncio.gather(*(drain(worker) for worker in workers))
    assert sum(counts) == 200 and len(CALLS) == 200 and set(CALLS.values()) == {1}
    assert len(AUDITED) == 200 and set(AUDITED.values()) == {1}
    assert sum(1 for count in counts if count > 0) >= 2  # the work was shared
