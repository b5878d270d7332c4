"""Scheduled work of the inventory module."""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from metco.inventory import service
from metco.worker.registry import every


@every(seconds=60, name="inventory.release_expired")
async def release_expired(session: AsyncSession, now: datetime) -> int:
    """Frees stock held by checkouts that never finished (a crash between checkout's steps)."""
    return await service.release_expired(session, now=now)
