import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from metco.kit.clock import utcnow
from metco.kit.db import Base, IdMixin, JSONType, StoreScoped, TimestampMixin


class Cart(IdMixin, StoreScoped, TimestampMixin, Base):
    """A shopper's cart. Prices are never stored here: the server re-prices on every read."""

    __tablename__ = "carts"
    __table_args__ = (CheckConstraint("status IN ('active', 'completed', 'merged')", name="status"),)

    status: Mapped[str] = mapped_column(String(20), default="active")
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    email: Mapped[str | None] = mapped_column(String(320))
    shipping_address: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    shipping_rate_id: Mapped[uuid.UUID | None]
    discount_codes: Mapped[list[str]] = mapped_column(JSONType, default=list)
    # Things the shopper must be told once, e.g. an item that is no longer sold was removed.
    notices: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    order_id: Mapped[uuid.UUID | None]
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class CartLine(IdMixin, StoreScoped, Base):
    __tablename__ = "cart_lines"
    __table_args__ = (
        UniqueConstraint("cart_id", "variant_id"),
        CheckConstraint("quantity BETWEEN 1 AND 999", name="quantity"),
    )

    cart_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("carts.id", ondelete="CASCADE"), index=True)
    variant_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("product_variants.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(500))  # kept to name the line if the variant disappears
    quantity: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
