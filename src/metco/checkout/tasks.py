"""Scheduled work of the checkout module."""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from metco.checkout import carts
from metco.worker.registry import every


@every(seconds=3600, name="checkout.delete_stale_carts")
async def delete_stale_carts(session: AsyncSession, now: datetime) -> int:
    return await carts.delete_stale(session, now=now)
