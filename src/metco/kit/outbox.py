"""The transactional outbox: a fact recorded in the same transaction as the change it describes.

The worker delivers each row at least once; consumers are idempotent by the event id. `when_published`
lets an in-process worker wake as soon as a transaction that published something commits."""

import dataclasses
import enum
import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import Index, String, Text
from sqlalchemy import event as sa_event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, Session, mapped_column

from metco.kit.clock import utcnow
from metco.kit.db import Base
from metco.kit.ids import uuid7


class OutboxEvent(Base):
    __tablename__ = "outbox_events"
    __table_args__ = (Index("ix_outbox_events_pending", "processed_at", "available_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid7)
    topic: Mapped[str] = mapped_column(String(100), index=True)
    store_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    payload: Mapped[dict[str, Any]]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    available_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    locked_until: Mapped[datetime | None]
    processed_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]  # set after the last attempt: visible, no longer retried


class Event:
    """A past-tense fact; subclasses are frozen dataclasses with a `topic`."""

    topic: ClassVar[str]


def _jsonable(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


async def publish(session: AsyncSession, event: Event, *, store_id: uuid.UUID | None = None) -> OutboxEvent:
    assert dataclasses.is_dataclass(event)
    row = OutboxEvent(topic=event.topic, store_id=store_id, payload=_jsonable(dataclasses.asdict(event)))
    session.add(row)
    await session.flush()
    session.info[_PUBLISHED] = True
    return row


_PUBLISHED = "metco.outbox.published"
_ON_PUBLISHED: list[Callable[[], None]] = []


def when_published(callback: Callable[[], None]) -> Callable[[], None]:
    """Calls `callback` after every commit that published an event in this process; returns the undo.

    The callback runs inside the commit, so it must only signal (set an event), never do I/O."""
    _ON_PUBLISHED.append(callback)
    return lambda: _ON_PUBLISHED.remove(callback)


@sa_event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.info.pop(_PUBLISHED, False):
        for callback in list(_ON_PUBLISHED):
            callback()


@sa_event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_PUBLISHED, None)
