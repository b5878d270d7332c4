"""Where domains register outbox handlers and scheduled jobs, and the list of modules that register them.

A handler is `@handles("orders.order_placed")` (or `@handles(OrderPlaced)`) on
`async def f(session, event: OutboxEvent)`; a topic may have several. The worker runs an event's handlers
in one transaction of their own and delivers it **at least once**: a worker that dies after a handler
ran but before the commit, or a retry after one handler of several failed, runs them again. So a
handler must be idempotent by `event.id`: either naturally (setting a state that is already set), or by
guarding its effect with `if await first_time(session, consumer=..., event_id=event.id):`, which records
a receipt in the same transaction. An event without handlers is simply marked processed.

A job is `@every(seconds=60, name="orders.expire_unpaid")` on `async def f(session, now)`; across all
workers it runs once per interval. Registration happens on import: add your `metco.<domain>.tasks`
module to TASK_MODULES."""

import importlib
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from metco.kit.outbox import Event, OutboxEvent
from metco.worker.models import ProcessedEvent

Handler = Callable[[AsyncSession, OutboxEvent], Awaitable[None]]
Job = Callable[[AsyncSession, datetime], Awaitable[object]]

TASK_MODULES = (
    "metco.worker.housekeeping",
    "metco.orders.tasks",
    "metco.inventory.tasks",
    "metco.checkout.tasks",
    "metco.notifications.tasks",
    "metco.balance.tasks",
)


@dataclass(frozen=True)
class Consumer:
    name: str
    handle: Handler


@dataclass(frozen=True)
class ScheduledJobSpec:
    name: str
    seconds: int
    run: Job


HANDLERS: dict[str, list[Consumer]] = {}
JOBS: dict[str, ScheduledJobSpec] = {}


def handles(topic: str | type[Event], *, consumer: str | None = None) -> Callable[[Handler], Handler]:
    """Registers a handler for `topic`; `consumer` (default: the function's dotted name) names its receipts."""
    topic_name = topic if isinstance(topic, str) else topic.topic

    def register(handler: Handler) -> Handler:
        name = consumer or f"{handler.__module__}.{handler.__qualname__}"
        consumers = HANDLERS.setdefault(topic_name, [])
        if all(existing.name != name for existing in consumers):
            consumers.append(Consumer(name, handler))
        return handler

    return register


def handlers_for(topic: str) -> list[Consumer]:
    return HANDLERS.get(topic, [])


def every(*, seconds: int, name: str) -> Callable[[Job], Job]:
    """Registers a job that runs once every `seconds` across all workers; name it "<domain>.<verb>"."""
    if seconds < 1:
        raise ValueError("a scheduled job runs at most once a second")

    def register(job: Job) -> Job:
        JOBS[name] = ScheduledJobSpec(name, seconds, job)
        return job

    return register


def load_tasks() -> None:
    for module in TASK_MODULES:
        importlib.import_module(module)


async def first_time(session: AsyncSession, *, consumer: str, event_id: uuid.UUID) -> bool:
    """True the first time `consumer` handles `event_id`; records the receipt in the caller's transaction,
    so it is kept only if the handler's work commits."""
    try:
        async with session.begin_nested():
            session.add(ProcessedEvent(consumer=consumer, event_id=event_id))
            await session.flush()
    except IntegrityError:
        return False
    return True
