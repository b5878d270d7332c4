"""The worker's own tables: when each scheduled job runs next, and consumers' receipts for events."""

import uuid
from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from metco.kit.clock import utcnow
from metco.kit.db import Base


class ScheduledJob(Base):
    """When a scheduled job runs next. Claimed by an atomic update, so one worker runs it per interval."""

    __tablename__ = "scheduled_jobs"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    next_run_at: Mapped[datetime]
    last_run_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)


class ProcessedEvent(Base):
    """A consumer's receipt for an outbox event, so a handler delivered twice acts once."""

    __tablename__ = "processed_events"

    consumer: Mapped[str] = mapped_column(String(100), primary_key=True)
    event_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(default=utcnow)
