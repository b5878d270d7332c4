"""Where domains register outbox handlers (`@handles("orders.order_placed")`) and scheduled jobs
(`@every(seconds=60, name="orders.expire_unpaid")`). Registration is import-driven: TASK_MODULES lists
the modules the worker imports."""

import importlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from metco.kit.outbox import OutboxEvent
from metco.worker.models import ProcessedEvent

Handler = Callable[[AsyncSession, OutboxEvent], Awaitable[None]]
Job = Callable[[AsyncSession, datetime], Awaitable[object]]

TASK_MODULES = ("metco.worker.housekeeping", "metco.orders.tasks", "metco.inventory.tasks", "metco.checkout.tasks")

HANDLERS: dict[str, list[tuple[str, Handler]]] = {}


@dataclass(frozen=True)
class ScheduledJobSpec:
    name: str
    seconds: int
    run: Job


JOBS: dict[str, ScheduledJobSpec] = {}


def handles(topic: str, *, consumer: str | None = None) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        name = consumer or f"{handler.__module__}.{handler.__name__}"
        HANDLERS.setdefault(topic, [])
        if all(existing != name for existing, _ in HANDLERS[topic]):
            HANDLERS[topic].append((name, handler))
        return handler

    return register


def every(*, seconds: int, name: str) -> Callable[[Job], Job]:
    def register(job: Job) -> Job:
        JOBS[name] = ScheduledJobSpec(name, seconds, job)
        return job

    return register


def load_tasks() -> None:
    for module in TASK_MODULES:
        importlib.import_module(module)


async def first_time(session: AsyncSession, *, consumer: str, event_id: object) -> bool:
    """True the first time `consumer` sees `event_id` (records it in the caller's transaction)."""
    try:
        async with session.begin_nested():
            session.add(ProcessedEvent(consumer=consumer, event_id=event_id))
            await session.flush()
    except IntegrityError:
        return False
    return True
