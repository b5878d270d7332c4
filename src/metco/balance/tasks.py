"""Scheduled work of the balance: funds leave the hold."""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from metco.balance import ledger
from metco.worker.registry import every


@every(seconds=300, name="balance.release_matured")
async def release_matured(session: AsyncSession, now: datetime) -> int:
    return await ledger.release_matured(session, now=now)
