"""The worker: every outbox event handled, retried with backoff, never lost; jobs once per interval."""

import asyncio
import os
import signal
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from metco.kit.clock import utcnow
from metco.kit.migrate import upgrade
from metco.kit.outbox import Event, OutboxEvent, publish
from metco.worker import registry
from metco.worker.runner import Worker, WorkerSettings

SEEN: Counter[str] = Counter()
FAILURES = {"left": 0}
TICKS: list[datetime] = []


@dataclass(frozen=True)
class Pinged(Event):
    topic = "test.pinged"
    n: int


@dataclass(frozen=True)
class Broken(Event):
    topic = "test.broken"
    n: int


@registry.handles("test.pinged", consumer="tests.count_pings")
async def count_pings(session: AsyncSession, event: OutboxEvent) -> None:
    if await registry.first_time(session, consumer="tests.count_pings", event_id=event.id):
        SEEN[str(event.id)] += 1


@registry.handles("test.broken", consumer="tests.break")
async def always_breaks(session: AsyncSession, event: OutboxEvent) -> None:
    raise RuntimeError("the mail server is down")


@registry.every(seconds=60, name="tests.tick")
async def tick(session: AsyncSession, now: datetime) -> None:
    TICKS.append(now)


async def _publish(app: FastAPI, events: list[Event]) -> None:
    async with app.state.db.sessionmaker() as session:
        for event in events:
            await publish(session, event)
        await session.commit()


async def _rows(app: FastAPI, topic: str) -> list[OutboxEvent]:
    async with app.state.db.sessionmaker() as session:
        return list(await session.scalars(select(OutboxEvent).where(OutboxEvent.topic == topic)))


async def test_each_event_is_handled_once(app: FastAPI, client: object) -> None:
    SEEN.clear()
    await _publish(app, [Pinged(n) for n in range(5)])
    worker = Worker(app.state.db)
    assert await worker.drain_once() == 5
    assert await worker.drain_once() == 0
    rows = await _rows(app, "test.pinged")
    assert all(r.processed_at is not None for r in rows) and sorted(SEEN.values()) == [1] * 5


async def test_a_failing_handler_is_retried_with_growing_delays_then_marked_failed(app: FastAPI, client: object) -> None:
    await _publish(app, [Broken(1)])
    worker = Worker(app.state.db, WorkerSettings(max_attempts=3, backoff_base_seconds=10, backoff_cap_seconds=1000))
    now = utcnow()
    delays = []
    for _ in range(3):
        assert await worker.drain_once(now) == 1
        (row,) = await _rows(app, "test.broken")
        if row.failed_at is None:
            delays.append((row.available_at - now).total_seconds())
            assert await worker.drain_once(now) == 0  # not due yet
            now = row.available_at + timedelta(seconds=1)
    (row,) = await _rows(app, "test.broken")
    assert row.attempts == 3 and row.failed_at is not None and "mail server is down" in (row.last_error or "")
    assert 5 <= delays[0] <= 10 and 10 <= delays[1] <= 20
    assert await worker.drain_once(now + timedelta(days=1)) == 0


async def test_a_worker_killed_mid_batch_loses_nothing(app: FastAPI, client: object) -> None:
    SEEN.clear()
    await _publish(app, [Pinged(n) for n in range(3)])
    now = utcnow()
    dead = Worker(app.state.db, WorkerSettings(lease_seconds=30))
    assert len(await dead.claim(now)) == 3  # claimed, then the process dies
    alive = Worker(app.state.db)
    assert await alive.drain_once(now + timedelta(seconds=5)) == 0  # still leased
    assert await alive.drain_once(now + timedelta(seconds=31)) == 3
    assert sorted(SEEN.values()) == [1, 1, 1]


async def test_four_workers_on_postgres_handle_every_event_exactly_once(
    app: FastAPI, client: object, backend: str
) -> None:
    if backend != "postgres":
        pytest.skip("several workers at once need PostgreSQL's SKIP LOCKED")
    SEEN.clear()
    await _publish(app, [Pinged(n) for n in range(200)])
    workers = [Worker(app.state.db, WorkerSettings(batch_size=10)) for _ in range(4)]

    async def drain(worker: Worker) -> int:
        total = 0
        while (claimed := await worker.drain_once()) > 0:
            total += claimed
        return total

    counts = await asyncio.gather(*(drain(w) for w in workers))
    assert sum(counts) == 200 and len(SEEN) == 200 and set(SEEN.values()) == {1}
    assert sum(1 for c in counts if c > 0) >= 2  # the work was shared


async def test_a_scheduled_job_runs_once_per_interval_across_workers(app: FastAPI, client: object) -> None:
    TICKS.clear()
    now = utcnow()
    first, second = Worker(app.state.db), Worker(app.state.db)
    assert "tests.tick" in await first.run_due_jobs(now)
    assert "tests.tick" not in await second.run_due_jobs(now)
    assert "tests.tick" not in await second.run_due_jobs(now + timedelta(seconds=30))
    assert "tests.tick" in await second.run_due_jobs(now + timedelta(seconds=61))
    assert len(TICKS) == 2


async def test_serve_runs_the_worker_in_process(database_url: str, tmp_path: Path) -> None:
    from metco.app import create_app
    from tests.conftest import make_settings

    app = create_app(make_settings(database_url, run_worker=True, worker_poll_seconds=0.05, media_dir=str(tmp_path)))
    SEEN.clear()
    async with app.router.lifespan_context(app):
        await _publish(app, [Pinged(99)])
        for _ in range(200):
            if SEEN:
                break
            await asyncio.sleep(0.05)
    assert list(SEEN.values()) == [1]


def test_metco_worker_starts_and_stops_on_sigterm(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/worker.db"
    asyncio.run(upgrade(url))
    env = os.environ | {"METCO_DATABASE_URL": url, "METCO_LOG_JSON": "true"}
    metco = Path(sys.executable).with_name("metco")
    process = subprocess.Popen([str(metco), "worker"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    try:
        assert _wait_for_line(process, "worker_started", seconds=30)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0
    finally:
        process.kill()


def _wait_for_line(process: subprocess.Popen[str], text: str, *, seconds: float) -> bool:
    import selectors
    import time

    deadline = time.monotonic() + seconds
    selector = selectors.DefaultSelector()
    selector.register(process.stderr, selectors.EVENT_READ)  # type: ignore[arg-type]
    while time.monotonic() < deadline:
        if selector.select(timeout=0.5) and text in (process.stderr.readline() or ""):  # type: ignore[union-attr]
            return True
        if process.poll() is not None:
            return False
    return False
