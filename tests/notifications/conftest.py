"""Fixtures of the notification tests: a real SMTP server the app sends to, and a way to run the worker."""

from collections.abc import AsyncIterator, Iterator
from datetime import datetime

import httpx
import pytest
from fastapi import FastAPI

from metco.worker.runner import Worker
from tests.fakes.smtp import SmtpServer


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
async def smtp(app: FastAPI, client: httpx.AsyncClient, smtp_server: SmtpServer) -> AsyncIterator[SmtpServer]:
    """The app sends its mail to the test SMTP server for the length of the test."""
    settings = app.state.settings
    before = settings.smtp_url, settings.notify_backoff_base_seconds, settings.notify_max_attempts
    settings.smtp_url = smtp_server.url
    smtp_server.inbox.clear()
    yield smtp_server
    smtp_server.stop()
    smtp_server.start()  # whatever the test did to it, the next one finds it up
    settings.smtp_url, settings.notify_backoff_base_seconds, settings.notify_max_attempts = before


@pytest.fixture
def run_worker(app: FastAPI) -> "WorkerRun":
    return WorkerRun(Worker(app.state.db))


class WorkerRun:
    def __init__(self, worker: Worker) -> None:
        self.worker = worker

    async def __call__(self, now: datetime | None = None, *, rounds: int = 10) -> int:
        """Drains the outbox until nothing is due (events queue notifications, which queue deliveries)."""
        total = 0
        for _ in range(rounds):
            done = await self.worker.drain_once(now)
            total += done
            if done == 0:
                break
        return total
