import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from metco.kit.clock import utcnow
from metco.kit.db import Base, IdMixin, StoreScoped, TimestampMixin


class Location(IdMixin, StoreScoped, TimestampMixin, Base):
    __tablename__ = "locations"
    __table_args__ = (UniqueConstraint("store_id", "name"),)

    name: Mapped[str] = mapped_column(String(200))
    is_default: Mapped[bool] = mapped_column(default=False)
    address: Mapped[str | None] = mapped_column(Text)


class StockLevel(IdMixin, StoreScoped, Base):
    """available = on_hand - reserved; the constraints make overselling impossible at the database."""

    __tablename__ = "stock_levels"
    __table_args__ = (
        UniqueConstraint("variant_id", "location_id"),
        CheckConstraint("on_hand >= 0", name="on_hand_not_negative"),
        CheckConstraint("reserved >= 0", name="reserved_not_negative"),
        CheckConstraint("reserved <= on_hand", name="reserved_within_on_hand"),
    )

    variant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("product_variants.id", ondelete="CASCADE"), index=True)
    location_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("locations.id", ondelete="CASCADE"), index=True)
    on_hand: Mapped[int] = mapped_column(default=0)
    reserved: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class StockMovement(IdMixin, StoreScoped, Base):
    """One change to a level; the movements of a level always sum to it."""

    __tablename__ = "stock_movements"

    variant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("product_variants.id", ondelete="CASCADE"), index=True)
    location_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("locations.id", ondelete="CASCADE"))
    delta_on_hand: Mapped[int] = mapped_column(default=0)
    delta_reserved: Mapped[int] = mapped_column(default=0)
    reason: Mapped[str] = mapped_column(String(20))
    reference: Mapped[str | None] = mapped_column(String(100), index=True)
    note: Mapped[str | None] = mapped_column(String(500))
    actor_id: Mapped[uuid.UUID | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Reservation(IdMixin, StoreScoped, TimestampMixin, Base):
    __tablename__ = "stock_reservations"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    reference: Mapped[str] = mapped_column(String(100), index=True)
    variant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("product_variants.id", ondelete="CASCADE"))
    location_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("locations.id", ondelete="CASCADE"))
    quantity: Mapped[int]
    status: Mapped[str] = mapped_column(String(20), default="active", index=True)  # active|committed|released
    expires_at: Mapped[datetime] = mapped_column(index=True)
