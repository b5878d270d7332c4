"""Payouts: the merchant withdraws available funds to their bank, never more than is available. The balance
row is locked for the check and the debit, so two payouts of the whole balance at once make exactly one.

A payout goes through a payout provider; the built-in `manual` one is a bank transfer made by the platform's
staff outside Metco, who then mark it paid or failed. A failed payout puts the money back."""

import uuid
from dataclasses import dataclass
from typing import Literal, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from metco.balance import ledger
from metco.balance.models import AVAILABLE, BANK, Payout
from metco.kit.clock import utcnow
from metco.kit.errors import Conflict, InvalidInput
from metco.kit.pagination import paginate
from metco.kit.repository import StoreRepository
from metco.stores.models import Store


@dataclass(frozen=True)
class PayoutResult:
    status: Literal["pending", "paid", "failed"]
    reference: str | None = None
    failure_reason: str | None = None


class PayoutProvider(Protocol):
    name: str

    async def send(self, payout: Payout) -> PayoutResult: ...


class ManualBankTransfer:
    """The platform's staff transfer the money by hand, then mark the payout paid (or failed)."""

    name = "manual"

    async def send(self, payout: Payout) -> PayoutResult:
        return PayoutResult("pending", f"manual-{payout.id}")


PROVIDERS: dict[str, PayoutProvider] = {"manual": ManualBankTransfer()}


class PayoutRepository(StoreRepository[Payout]):
    model = Payout
    not_found = "No such payout in this store."


class IllegalPayoutMove(Conflict):
    code = "ILLEGAL_TRANSITION"
    title = "The payout is not in a state that allows this"


async def request(session: AsyncSession, *, store: Store, amount: int, user_id: uuid.UUID | None) -> Payout:
    balance = await ledger.balance_for_update(session, store.id, store.currency)
    if amount > balance.available:
        raise InvalidInput("amount", f"is more than the available balance ({max(balance.available, 0)})",
                           available=balance.available)
    payout = PayoutRepository(session, store.id).add(Payout(amount=amount, currency=store.currency, status="pending",
                                                            provider="manual", requested_by=user_id))
    await session.flush()
    await ledger.post(session, store_id=store.id, type_="payout", reference=f"payout:{payout.id}",
                      currency=store.currency, entries=[(AVAILABLE, -amount), (BANK, amount)],
                      description="Payout to the bank account", payout_id=payout.id)
    result = await PROVIDERS[payout.provider].send(payout)
    payout.provider_reference = result.reference
    if result.status == "paid":
        await mark_paid(session, payout)
    elif result.status == "failed":
        await mark_failed(session, payout, reason=result.failure_reason or "The transfer failed.")
    await session.flush()
    return payout


async def mark_paid(session: AsyncSession, payout: Payout) -> Payout:
    if payout.status != "pending":
        raise IllegalPayoutMove(f"A payout that is '{payout.status}' cannot become 'paid'.")
    payout.status = "paid"
    payout.paid_at = utcnow()
    await session.flush()
    return payout


async def mark_failed(session: AsyncSession, payout: Payout, *, reason: str) -> Payout:
    if payout.status != "pending":
        raise IllegalPayoutMove(f"A payout that is '{payout.status}' cannot become 'failed'.")
    payout.status = "failed"
    payout.failure_reason = reason
    await ledger.post(session, store_id=payout.store_id, type_="payout_reversal", reference=f"payout_failed:{payout.id}",
                      currency=payout.currency, entries=[(BANK, -payout.amount), (AVAILABLE, payout.amount)],
                      description=f"Payout failed: {reason}", payout_id=payout.id)
    await session.flush()
    return payout


async def list_payouts(session: AsyncSession, store_id: uuid.UUID, *, limit: int,
                       cursor: str | None) -> tuple[list[Payout], str | None]:
    stmt = PayoutRepository(session, store_id).select()
    return await paginate(session, stmt, key=Payout.id, limit=limit, cursor=cursor, descending=True)


async def locked(session: AsyncSession, store_id: uuid.UUID, payout_id: uuid.UUID) -> Payout:
    repo = PayoutRepository(session, store_id)
    row = (await session.scalars(repo.select().where(Payout.id == payout_id).with_for_update())).first()
    if row is None:
        from metco.kit.errors import NotFound

        raise NotFound(repo.not_found)
    return row
