import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from metco.kit.db import Base, IdMixin, StoreScoped, TimestampMixin


class Store(IdMixin, TimestampMixin, Base):
    """The tenant: everything a merchant creates belongs to exactly one store."""

    __tablename__ = "stores"

    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(63), unique=True)
    currency: Mapped[str] = mapped_column(String(3))
    country: Mapped[str] = mapped_column(String(2))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    email: Mapped[str | None] = mapped_column(String(320))
    prices_include_tax: Mapped[bool] = mapped_column(default=False)
    logo_url: Mapped[str | None] = mapped_column(String(1000))  # shown on the storefront and in emails
    brand_color: Mapped[str] = mapped_column(String(7), default="#1F4E79")  # #RRGGBB
    accent_color: Mapped[str] = mapped_column(String(7), default="#B4530F")  # #RRGGBB, buttons and links
    return_window_days: Mapped[int] = mapped_column(default=30)  # how long after delivery a return may be asked


class StoreMember(IdMixin, StoreScoped, TimestampMixin, Base):
    """A user's role in one store."""

    __tablename__ = "store_members"
    __table_args__ = (UniqueConstraint("store_id", "user_id"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))


class StaffInvitation(IdMixin, StoreScoped, TimestampMixin, Base):
    """An invitation by email; pending until the invitee accepts or rejects it, or it expires."""

    __tablename__ = "staff_invitations"

    email: Mapped[str] = mapped_column(String(320), index=True)  # lower-cased
    role: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    invited_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    expires_at: Mapped[datetime]
    responded_at: Mapped[datetime | None]
