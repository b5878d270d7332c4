"""The store balance's double-entry ledger. Every transaction's entries sum to zero; a store's balance row
is the running sum of its own accounts' entries, kept in the same database transaction (and the row that
payouts lock)."""

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from metco.kit.clock import utcnow
from metco.kit.db import Base, IdMixin, StoreScoped, TimestampMixin

# The accounts of a store's ledger. The first two are the store's money; the others are where it comes
# from and goes to.
PENDING = "store_pending"  # captured, still within the hold
AVAILABLE = "store_available"  # may be paid out (may go below zero after refunds)
CUSTOMERS = "customers"  # money in from and back to shoppers
FEES = "platform_fees"  # the platform's cut
BANK = "bank"  # money paid out to the merchant's bank account
STORE_ACCOUNTS = (PENDING, AVAILABLE)


class LedgerTransaction(IdMixin, StoreScoped, Base):
    __tablename__ = "ledger_transactions"
    __table_args__ = (UniqueConstraint("store_id", "reference"), Index("ix_ledger_transactions_store_id_id",
                                                                         "store_id", "id"))

    type: Mapped[str] = mapped_column(String(20))  # sale | fee | refund | release | payout | payout_reversal
    reference: Mapped[str] = mapped_column(String(120))  # what it records, e.g. sale:<payment id>: once only
    amount: Mapped[int] = mapped_column(BigInteger)  # its effect on the store's total balance (signed)
    currency: Mapped[str] = mapped_column(String(3))
    description: Mapped[str] = mapped_column(Text)
    order_id: Mapped[uuid.UUID | None]
    payout_id: Mapped[uuid.UUID | None]
    available_at: Mapped[datetime | None]  # sales: when the money leaves the hold
    released: Mapped[bool] = mapped_column(default=False)  # sales: whether the hold is over
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LedgerEntry(IdMixin, StoreScoped, Base):
    __tablename__ = "ledger_entries"

    transaction_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ledger_transactions.id", ondelete="CASCADE"),
                                                      index=True)
    account: Mapped[str] = mapped_column(String(30))
    amount: Mapped[int] = mapped_column(BigInteger)  # signed: + into the account, - out of it


class StoreBalance(Base):
    __tablename__ = "store_balances"

    store_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3))
    pending: Mapped[int] = mapped_column(BigInteger, default=0)
    available: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Payout(IdMixin, StoreScoped, TimestampMixin, Base):
    __tablename__ = "payouts"

    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending | paid | failed
    provider: Mapped[str] = mapped_column(String(30), default="manual")
    provider_reference: Mapped[str | None] = mapped_column(String(255))
    failure_reason: Mapped[str | None] = mapped_column(String(500))
    requested_by: Mapped[uuid.UUID | None]
    paid_at: Mapped[datetime | None]
