"""Scheduled jobs: each registered job runs once per interval across all workers.

A worker claims a run with one atomic UPDATE that moves the job's `next_run_at` forward only if it was
due, so of several workers looking at the same moment exactly one wins. The job then runs in its own
transaction; a failure is logged and kept in `last_error`, and the job runs again next interval."""

import asyncio
import traceback
from datetime import datetime, timedelta

import structlog
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from metco.kit.db import Database
from metco.worker import registry
from metco.worker.models import ScheduledJob

log = structlog.get_logger("metco.worker")


class Scheduler:
    def __init__(self, db: Database) -> None:
        self.db = db
        # When each job is next due as this worker last saw it: an idle worker does not ask every second.
        self._not_before: dict[str, datetime] = {}

    async def run_due(self, now: datetime, stop: asyncio.Event | None = None) -> list[str]:
        """Runs every job that is due at `now` and that no other worker has claimed; returns their names."""
        ran = []
        for spec in list(registry.JOBS.values()):
            if stop is not None and stop.is_set():
                break
            if now < self._not_before.get(spec.name, now):
                continue
            if await self._claim(spec, now):
                await self._run(spec, now)
                ran.append(spec.name)
        return ran

    async def _claim(self, spec: registry.ScheduledJobSpec, now: datetime) -> bool:
        next_run_at = now + timedelta(seconds=spec.seconds)
        async with self.db.sessionmaker() as session:
            await _ensure_row(session, spec.name, now)
            claimed = await session.scalar(
                update(ScheduledJob)
                .where(ScheduledJob.name == spec.name, ScheduledJob.next_run_at <= now)
                .values(next_run_at=next_run_at, last_run_at=now)
                .returning(ScheduledJob.name))
            if claimed is None:
                next_run_at = await session.scalar(select(ScheduledJob.next_run_at)
                                                   .where(ScheduledJob.name == spec.name)) or now
            await session.commit()
        self._not_before[spec.name] = next_run_at
        return claimed is not None

    async def _run(self, spec: registry.ScheduledJobSpec, now: datetime) -> None:
        error = None
        try:
            async with self.db.sessionmaker() as session:
                await spec.run(session, now)
                await session.commit()
        except Exception as exc:
            error = "".join(traceback.format_exception_only(exc)).strip()[:2000]
            log.warning("scheduled_job_failed", job=spec.name, error=error)
        async with self.db.sessionmaker() as session:
            await session.execute(update(ScheduledJob).where(ScheduledJob.name == spec.name).values(last_error=error))
            await session.commit()


async def _ensure_row(session: AsyncSession, name: str, now: datetime) -> None:
    """A job seen for the first time is due at once; of two workers inserting it together one wins."""
    if await session.get(ScheduledJob, name) is not None:
        return
    try:
        async with session.begin_nested():
            session.add(ScheduledJob(name=name, next_run_at=now))
            await session.flush()
    except IntegrityError:
        pass
