"""Scheduled work of the orders module."""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from metco.orders import service
from metco.worker.registry import every


@every(seconds=60, name="orders.expire_unpaid")
async def expire_unpaid(session: AsyncSession, now: datetime) -> int:
    return await service.expire_unpaid(session, now=now)
