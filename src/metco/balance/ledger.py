"""The store balance's double-entry ledger (stub: filled in by the balance work)."""

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession


async def record_sale(
    session: AsyncSession, *, store_id: uuid.UUID, payment_id: uuid.UUID, order_id: uuid.UUID, amount: int,
    currency: str, at: datetime | None = None,
) -> None:
    """Money captured for an order: credits the store's pending balance (less the platform fee)."""


async def record_refund(
    session: AsyncSession, *, store_id: uuid.UUID, refund_id: uuid.UUID, order_id: uuid.UUID, amount: int,
    currency: str, at: datetime | None = None,
) -> None:
    """Money returned to a customer: debits the store's balance."""
