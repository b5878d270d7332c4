import uuid
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from metco.kit.clock import utcnow
from metco.kit.db import Base, IdMixin, JSONType, StoreScoped, TimestampMixin


class Discount(IdMixin, StoreScoped, TimestampMixin, Base):
    """A coupon code (code set) or an automatic discount (code null)."""

    __tablename__ = "discounts"
    __table_args__ = (
        UniqueConstraint("store_id", "code_key"),
        CheckConstraint("usage_limit IS NULL OR times_used <= usage_limit", name="within_usage_limit"),
    )

    title: Mapped[str] = mapped_column(String(200))
    code: Mapped[str | None] = mapped_column(String(100))
    code_key: Mapped[str | None] = mapped_column(String(100))  # upper-cased: codes match case-insensitively
    kind: Mapped[str] = mapped_column(String(20))
    value: Mapped[int] = mapped_column(BigInteger, default=0)
    min_quantity: Mapped[int | None]
    min_subtotal: Mapped[int | None] = mapped_column(BigInteger)
    product_ids: Mapped[list[str]] = mapped_column(JSONType, default=list)
    category_ids: Mapped[list[str]] = mapped_column(JSONType, default=list)
    buy_quantity: Mapped[int | None]
    get_quantity: Mapped[int | None]
    starts_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]
    usage_limit: Mapped[int | None]
    times_used: Mapped[int] = mapped_column(default=0)
    once_per_customer: Mapped[bool] = mapped_column(default=False)
    combines: Mapped[bool] = mapped_column(default=False)


class DiscountRedemption(IdMixin, StoreScoped, Base):
    """One use of a discount: held during checkout, redeemed with the order, released if it fails."""

    __tablename__ = "discount_redemptions"

    discount_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("discounts.id", ondelete="CASCADE"), index=True)
    reference: Mapped[str] = mapped_column(String(100), index=True)
    order_reference: Mapped[str | None] = mapped_column(String(100))
    customer_key: Mapped[str] = mapped_column(String(320), index=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(20), default="held")  # held|redeemed|released
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
