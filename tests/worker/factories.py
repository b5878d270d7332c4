"""Publishing events and reading outbox rows the way a request and an operator would."""

from sqlalchemy import select

from metco.kit.db import Database
from metco.kit.outbox import Event, OutboxEvent, publish


async def publish_events(db: Database, events: list[Event]) -> None:
    async with db.sessionmaker() as session:
        for event in events:
            await publish(session, event)
        await session.commit()


async def outbox_rows(db: Database, topic: str) -> list[OutboxEvent]:
    async with db.sessionmaker() as session:
        rows = await session.scalars(select(OutboxEvent).where(OutboxEvent.topic == topic).order_by(OutboxEvent.id))
        return list(rows)
