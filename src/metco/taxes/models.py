from sqlalchemy import Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from metco.kit.db import Base, IdMixin, StoreScoped, TimestampMixin


class TaxRate(IdMixin, StoreScoped, TimestampMixin, Base):
    """A rate for a country, or for one region of it (added to the country's rate)."""

    __tablename__ = "tax_rates"
    __table_args__ = (UniqueConstraint("store_id", "country", "region"),)

    country: Mapped[str] = mapped_column(String(2))
    region: Mapped[str | None] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(100))
    rate_ppm: Mapped[int] = mapped_column(Integer)  # parts per million: 8.875% is 88_750
    applies_to_shipping: Mapped[bool] = mapped_column(default=False)
