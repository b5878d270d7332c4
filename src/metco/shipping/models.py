import uuid
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from metco.kit.db import Base, IdMixin, JSONType, StoreScoped, TimestampMixin


class ShippingZone(IdMixin, StoreScoped, TimestampMixin, Base):
    __tablename__ = "shipping_zones"

    name: Mapped[str] = mapped_column(String(200))
    countries: Mapped[list[str]] = mapped_column(JSONType, default=list)


class ShippingRate(IdMixin, StoreScoped, Base):
    __tablename__ = "shipping_rates"

    zone_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shipping_zones.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    price: Mapped[int] = mapped_column(BigInteger)
    min_subtotal: Mapped[int | None] = mapped_column(BigInteger)
    max_subtotal: Mapped[int | None] = mapped_column(BigInteger)
    min_weight_grams: Mapped[int | None] = mapped_column(Integer)
    max_weight_grams: Mapped[int | None] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)
    extra: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
