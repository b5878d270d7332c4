"""The store balance's double-entry ledger.

Accounts (models.py): the store's `store_pending` and `store_available`, and the outside ones `customers`,
`platform_fees` and `bank`. Each transaction's entries sum to zero, and the store's balance row moves with
its own accounts' entries in the same database transaction, so the balance always equals the sum of its
entries. Every transaction has a reference (sale:<payment>, refund:<refund> …) recorded once: calling
twice for the same fact does nothing the second time.

- a sale of A: customers -A, store_pending +A; its platform fee F (basis points of A plus a fixed amount):
  store_pending -F, platform_fees +F. After the hold (METCO_BALANCE_HOLD_HOURS) a release moves A - F from
  pending to available.
- a refund of R: store_available -R, customers +R. It is taken from what is available, which may go below
  zero (as on Stripe); a negative balance is made up by later sales before any payout.
- a payout of P: store_available -P, bank +P; if it fails, a reversal puts it back."""

import uuid
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from metco.balance.models import (
    AVAILABLE,
    CUSTOMERS,
    FEES,
    PENDING,
    STORE_ACCOUNTS,
    LedgerEntry,
    LedgerTransaction,
    StoreBalance,
)
from metco.kit.clock import utcnow
from metco.kit.db import settings_of


def platform_fee(amount: int, *, basis_points: int, fixed: int) -> int:
    """The platform's cut of a sale, never more than the sale."""
    return min(amount, amount * basis_points // 10_000 + fixed) if amount > 0 else 0


async def balance_for_update(session: AsyncSession, store_id: uuid.UUID, currency: str) -> StoreBalance:
    """The store's balance row, locked until the end of the transaction (created at the first posting)."""
    stmt = select(StoreBalance).where(StoreBalance.store_id == store_id).with_for_update()
    row = (await session.scalars(stmt)).first()
    if row is None:
        try:
            async with session.begin_nested():
                session.add(StoreBalance(store_id=store_id, currency=currency, pending=0, available=0))
                await session.flush()
        except IntegrityError:
            pass
        row = (await session.scalars(stmt.execution_options(populate_existing=True))).one()
    return row


async def post(
    session: AsyncSession, *, store_id: uuid.UUID, type_: str, reference: str, currency: str,
    entries: list[tuple[str, int]], description: str, order_id: uuid.UUID | None = None,
    payout_id: uuid.UUID | None = None, available_at: datetime | None = None,
) -> LedgerTransaction | None:
    """Writes one balanced transaction, once per reference; returns None when it was already written."""
    if sum(amount for _, amount in entries) != 0:
        raise ValueError(f"unbalanced ledger transaction {reference}: {entries}")
    balance = await balance_for_update(session, store_id, currency)
    exists = await session.scalar(select(LedgerTransaction.id).where(LedgerTransaction.store_id == store_id,
                                                                     LedgerTransaction.reference == reference))
    if exists is not None:
        return None
    own = [(account, amount) for account, amount in entries if account in STORE_ACCOUNTS]
    row = LedgerTransaction(store_id=store_id, type=type_, reference=reference, currency=currency,
                            amount=sum(a for _, a in own), description=description, order_id=order_id,
                            payout_id=payout_id, available_at=available_at)
    session.add(row)
    await session.flush()
    for account, amount in entries:
        if amount:
            session.add(LedgerEntry(store_id=store_id, transaction_id=row.id, account=account, amount=amount))
    balance.pending += sum(a for account, a in own if account == PENDING)
    balance.available += sum(a for account, a in own if account == AVAILABLE)
    await session.flush()
    return row


async def record_sale(
    session: AsyncSession, *, store_id: uuid.UUID, payment_id: uuid.UUID, order_id: uuid.UUID, amount: int,
    currency: str, at: datetime | None = None,
) -> None:
    """Money captured for an order: pending until the hold is over, less the platform's fee."""
    if amount <= 0:
        return
    settings = settings_of(session)
    at = at or utcnow()
    available_at = at + timedelta(hours=settings.balance_hold_hours)
    sale = await post(session, store_id=store_id, type_="sale", reference=f"sale:{payment_id}", currency=currency,
                      entries=[(CUSTOMERS, -amount), (PENDING, amount)], description="Payment captured",
                      order_id=order_id, available_at=available_at)
    if sale is None:
        return
    fee = platform_fee(amount, basis_points=settings.platform_fee_basis_points, fixed=settings.platform_fee_fixed)
    if fee:
        await post(session, store_id=store_id, type_="fee", reference=f"fee:{payment_id}", currency=currency,
                   entries=[(PENDING, -fee), (FEES, fee)], description="Platform fee", order_id=order_id)


async def record_refund(
    session: AsyncSession, *, store_id: uuid.UUID, refund_id: uuid.UUID, order_id: uuid.UUID, amount: int,
    currency: str, at: datetime | None = None,
) -> None:
    """Money returned to a customer: taken from the available balance."""
    if amount <= 0:
        return
    await post(session, store_id=store_id, type_="refund", reference=f"refund:{refund_id}", currency=currency,
               entries=[(AVAILABLE, -amount), (CUSTOMERS, amount)], description="Refund", order_id=order_id)


async def release_matured(session: AsyncSession, *, now: datetime, limit: int = 500) -> int:
    """Moves sales whose hold is over from pending to available (less their fee); returns how many."""
    stmt = (select(LedgerTransaction).where(LedgerTransaction.type == "sale", LedgerTransaction.released.is_(False),
                                            LedgerTransaction.available_at <= now)
            .order_by(LedgerTransaction.available_at).limit(limit))
    released = 0
    for sale in (await session.scalars(stmt)).all():
        fee = await session.scalar(select(LedgerTransaction.amount).where(
            LedgerTransaction.store_id == sale.store_id,
            LedgerTransaction.reference == "fee:" + sale.reference.removeprefix("sale:"))) or 0
        net = sale.amount + fee  # the fee transaction's amount is negative
        done = await post(session, store_id=sale.store_id, type_="release", reference=f"release:{sale.id}",
                          currency=sale.currency, entries=[(PENDING, -net), (AVAILABLE, net)],
                          description="Funds available", order_id=sale.order_id)
        sale.released = True
        released += 1 if done is not None else 0
    await session.flush()
    return released
