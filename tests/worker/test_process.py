"""The worker as a process: inside `metco serve` (started and stopped with the app) and as `metco worker`."""

import asyncio
import os
import selectors
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from metco.app import create_app
from metco.kit.db import Database
from metco.kit.migrate import upgrade
from metco.kit.outbox import Event, OutboxEvent
from metco.worker import registry
from metco.worker.runner import Worker
from tests.conftest import make_settings
from tests.worker.factories import outbox_rows, publish_events

DELIVERED = {"event": asyncio.Event()}


@dataclass(frozen=True)
class Waved(Event):
    topic = "test.process.waved"
    n: int


@registry.handles(Waved)
async def note_the_wave(session: AsyncSession, event: OutboxEvent) -> None:
    DELIVERED["event"].set()


async def test_serve_runs_the_worker_in_process_and_a_commit_wakes_it(
    database_url: str, tmp_path: Path, db: Database
) -> None:
    DELIVERED["event"] = delivered = asyncio.Event()
    # It polls once an hour: only the wake-up on commit can deliver the event within the test's time.
    served = create_app(make_settings(database_url, run_worker=True, worker_poll_seconds=3600, media_dir=str(tmp_path)))
    async with asyncio.timeout(20):
        async with served.router.lifespan_context(served):
            worker = served.state.worker
            assert isinstance(worker, Worker)
            await worker.idle.wait()
            await publish_events(served.state.db, [Waved(1)])
            await delivered.wait()
        assert served.state.worker is None  # shutdown awaited the worker's loop, without waiting for a poll
    (row,) = await outbox_rows(db, Waved.topic)
    assert row.processed_at is not None


async def test_serve_with_no_worker_leaves_the_jobs_to_metco_worker(database_url: str, tmp_path: Path) -> None:
    app = create_app(make_settings(database_url, run_worker=False, media_dir=str(tmp_path)))
    async with app.router.lifespan_context(app):
        assert app.state.worker is None


def test_metco_worker_starts_and_stops_gracefully_on_sigterm(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/worker.db"
    asyncio.run(upgrade(url))
    env = os.environ | {"METCO_DATABASE_URL": url, "METCO_LOG_JSON": "true", "METCO_LOG_LEVEL": "INFO"}
    metco = Path(sys.executable).with_name("metco")
    process = subprocess.Popen([str(metco), "worker"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, cwd=tmp_path)
    try:
        assert _wait_for_line(process, "worker_started", seconds=30)
        process.send_signal(signal.SIGTERM)
        _, rest = process.communicate(timeout=15)
        assert process.returncode == 0 and "worker_stopped" in rest
    finally:
        process.kill()


def _wait_for_line(process: subprocess.Popen[str], text: str, *, seconds: float) -> bool:
    assert process.stderr is not None
    deadline = time.monotonic() + seconds
    selector = selectors.DefaultSelector()
    selector.register(process.stderr, selectors.EVENT_READ)
    while time.monotonic() < deadline:
        if selector.select(timeout=0.5) and text in process.stderr.readline():
            return True
        if process.poll() is not None:
            return False
    return False
