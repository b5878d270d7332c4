import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from metco.kit.clock import utcnow
from metco.kit.db import Base, IdMixin, JSONType, StoreScoped, TimestampMixin


class Notification(IdMixin, TimestampMixin, Base):
    """One message to one recipient on one channel, rendered when it was queued. `source` (the outbox event
    that caused it) makes planning idempotent: a replayed event queues nothing twice."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("source", "event", "channel", "recipient"),
        Index("ix_notifications_store_created", "store_id", "id"),
    )

    store_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(50))
    channel: Mapped[str] = mapped_column(String(10))  # email | sms | push
    recipient: Mapped[str] = mapped_column(String(1000))
    audience: Mapped[str] = mapped_column(String(10))  # customer | staff | user
    customer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"))
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    subject: Mapped[str | None] = mapped_column(String(500))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    transactional: Mapped[bool] = mapped_column(default=True)
    status: Mapped[str] = mapped_column(String(10), default="queued")  # queued | sent | failed
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    provider_message_id: Mapped[str | None] = mapped_column(String(255))
    source: Mapped[str] = mapped_column(String(100))


class NotificationTemplate(IdMixin, StoreScoped, TimestampMixin, Base):
    """A store's own wording for one event on one channel, in place of the default."""

    __tablename__ = "notification_templates"
    __table_args__ = (UniqueConstraint("store_id", "event", "channel"),)

    event: Mapped[str] = mapped_column(String(50))
    channel: Mapped[str] = mapped_column(String(10))
    subject: Mapped[str | None] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)


class PushSubscription(IdMixin, StoreScoped, Base):
    """A browser's Web Push subscription, registered by the storefront for a signed-in shopper."""

    __tablename__ = "push_subscriptions"
    __table_args__ = (UniqueConstraint("store_id", "endpoint"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    endpoint: Mapped[str] = mapped_column(String(1000))
    p256dh: Mapped[str] = mapped_column(String(200))
    auth: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
