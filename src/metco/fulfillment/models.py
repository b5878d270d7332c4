import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from metco.kit.clock import utcnow
from metco.kit.db import Base, IdMixin, JSONType, StoreScoped, TimestampMixin


class Fulfillment(IdMixin, StoreScoped, TimestampMixin, Base):
    """Some or all lines of an order, leaving together from one location with one carrier."""

    __tablename__ = "fulfillments"

    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    location_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("locations.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    carrier: Mapped[str] = mapped_column(String(50))  # the carrier's name: "UPS", or an integration: "easypost"
    service: Mapped[str | None] = mapped_column(String(100))
    tracking_number: Mapped[str | None] = mapped_column(String(100), index=True)
    tracking_url: Mapped[str | None] = mapped_column(String(1000))
    label_url: Mapped[str | None] = mapped_column(String(1000))
    carrier_reference: Mapped[str | None] = mapped_column(String(255), index=True)  # the carrier's shipment id
    integration: Mapped[str] = mapped_column(String(30), default="manual")  # manual | easypost | shiprocket
    notify_customer: Mapped[bool] = mapped_column(default=True)
    shipped_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]


class FulfillmentLine(IdMixin, StoreScoped, Base):
    __tablename__ = "fulfillment_lines"

    fulfillment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("fulfillments.id", ondelete="CASCADE"), index=True)
    order_line_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("order_lines.id", ondelete="CASCADE"), index=True)
    quantity: Mapped[int]


class TrackingEvent(IdMixin, StoreScoped, Base):
    """What happened to a fulfillment: staff moves and carrier updates, in order."""

    __tablename__ = "tracking_events"

    fulfillment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("fulfillments.id", ondelete="CASCADE"), index=True)
    status: Mapped[str | None] = mapped_column(String(20))
    message: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(50))  # staff | carrier:<name>
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CarrierConnection(IdMixin, StoreScoped, TimestampMixin, Base):
    """A store's settings for one carrier integration; secrets sealed like payment providers'."""

    __tablename__ = "carrier_connections"
    __table_args__ = (UniqueConstraint("store_id", "carrier"),)

    carrier: Mapped[str] = mapped_column(String(30))
    enabled: Mapped[bool] = mapped_column(default=False)
    settings: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    sealed_secrets: Mapped[str | None] = mapped_column(Text)


class CarrierWebhookEvent(IdMixin, Base):
    """A carrier's callback as received, by its event id: the same update twice is one."""

    __tablename__ = "carrier_webhook_events"
    __table_args__ = (UniqueConstraint("carrier", "event_id"),)

    carrier: Mapped[str] = mapped_column(String(30))
    event_id: Mapped[str] = mapped_column(String(255))
    store_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReturnRequest(IdMixin, StoreScoped, TimestampMixin, Base):
    """A customer's request to send lines of a delivered order back:
    requested → approved → received (restocked, refunded), or rejected."""

    __tablename__ = "returns"

    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="requested", index=True)
    reason: Mapped[str] = mapped_column(String(500))
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)  # [{line_id, quantity}]
    staff_note: Mapped[str | None] = mapped_column(Text)
    label_url: Mapped[str | None] = mapped_column(String(1000))
    tracking_number: Mapped[str | None] = mapped_column(String(100))
    carrier: Mapped[str | None] = mapped_column(String(50))
    location_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("locations.id", ondelete="SET NULL"))
    refund_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("refunds.id", ondelete="SET NULL"))
    refund_amount: Mapped[int | None] = mapped_column(BigInteger)
    received_at: Mapped[datetime | None]
