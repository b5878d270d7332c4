import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from metco.kit.clock import utcnow
from metco.kit.db import Base, IdMixin, JSONType, StoreScoped, TimestampMixin


class OrderCounter(Base):
    """The next order number of a store (#1001, #1002 ...), taken by an atomic update."""

    __tablename__ = "order_counters"

    store_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=1000)


class Order(IdMixin, StoreScoped, TimestampMixin, Base):
    __tablename__ = "orders"
    __table_args__ = (UniqueConstraint("store_id", "number"),)

    number: Mapped[int]
    status: Mapped[str] = mapped_column(String(20), index=True)
    payment_status: Mapped[str] = mapped_column(String(20), index=True)
    fulfillment_status: Mapped[str] = mapped_column(String(20), default="unfulfilled", index=True)
    customer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"), index=True)
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    email: Mapped[str] = mapped_column(String(320), index=True)
    currency: Mapped[str] = mapped_column(String(3))
    subtotal: Mapped[int] = mapped_column(BigInteger)
    discount_total: Mapped[int] = mapped_column(BigInteger)
    shipping_total: Mapped[int] = mapped_column(BigInteger)
    tax_total: Mapped[int] = mapped_column(BigInteger)
    total: Mapped[int] = mapped_column(BigInteger)
    prices_include_tax: Mapped[bool] = mapped_column(default=False)
    shipping_address: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    shipping_method: Mapped[dict[str, Any] | None] = mapped_column(JSONType)  # {rate_id, name, price}
    payment_provider: Mapped[str] = mapped_column(String(30))
    access_token_hash: Mapped[str] = mapped_column(String(64))
    cart_id: Mapped[uuid.UUID | None]
    reservation_reference: Mapped[str] = mapped_column(String(100))
    expires_at: Mapped[datetime | None] = mapped_column(index=True)  # unpaid orders lapse
    placed_at: Mapped[datetime] = mapped_column(default=utcnow)
    cancelled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str | None] = mapped_column(String(500))


class OrderLine(IdMixin, StoreScoped, Base):
    __tablename__ = "order_lines"

    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    variant_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("product_variants.id", ondelete="SET NULL"))
    product_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("products.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(255))
    variant_title: Mapped[str | None] = mapped_column(String(255))
    sku: Mapped[str | None] = mapped_column(String(100))
    unit_price: Mapped[int] = mapped_column(BigInteger)
    quantity: Mapped[int]
    subtotal: Mapped[int] = mapped_column(BigInteger)
    discount: Mapped[int] = mapped_column(BigInteger)
    tax: Mapped[int] = mapped_column(BigInteger)
    total: Mapped[int] = mapped_column(BigInteger)
    weight_grams: Mapped[int | None]
    refunded_quantity: Mapped[int] = mapped_column(default=0)
    fulfilled_quantity: Mapped[int] = mapped_column(default=0)


class OrderDiscount(IdMixin, StoreScoped, Base):
    __tablename__ = "order_discounts"

    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    discount_id: Mapped[uuid.UUID | None]
    code: Mapped[str | None] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(30))
    amount: Mapped[int] = mapped_column(BigInteger)


class OrderEvent(IdMixin, StoreScoped, Base):
    """The append-only timeline of an order."""

    __tablename__ = "order_events"

    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    type: Mapped[str] = mapped_column(String(50))
    message: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    actor_id: Mapped[uuid.UUID | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
