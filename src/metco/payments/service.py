"""Payments and refunds of orders, through the order's provider.

A payment only moves forward: pending → authorized → paid, or pending/authorized → failed or voided. The one
exception is money: a provider saying "paid" is a fact, so it is recorded even after a failure or a void
(the order then decides what to do with money it did not expect). Every capture and refund is written to
the store's balance ledger in the same transaction."""

import uuid
from typing import Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from metco.balance import ledger
from metco.kit.errors import Conflict
from metco.kit.ids import uuid7
from metco.payments import connections
from metco.payments.models import Payment, Refund
from metco.payments.ports import PaymentResult, RefundRequest

STATUS_OF_OUTCOME = {"paid": "paid", "authorized": "authorized", "pending": "pending", "declined": "failed"}
RANK = {"pending": 0, "authorized": 1, "paid": 2}
Move = Literal["paid", "authorized", "failed", "expired"]


class RefundFailed(Conflict):
    code = "REFUND_FAILED"
    title = "The payment provider refused the refund"


class CaptureFailed(Conflict):
    code = "CAPTURE_FAILED"
    title = "The payment provider refused the capture"


async def record(
    session: AsyncSession, *, store_id: uuid.UUID, order_id: uuid.UUID, provider: str, result: PaymentResult,
    amount: int, currency: str,
) -> Payment:
    payment = Payment(
        store_id=store_id, order_id=order_id, provider=provider, provider_reference=result.provider_reference,
        status="pending", amount=amount, currency=currency, captured_amount=0, next_action=result.next_action,
        failure_code=result.decline_code, failure_message=result.decline_message,
    )
    session.add(payment)
    await session.flush()
    if result.outcome != "pending":
        await advance(session, payment, STATUS_OF_OUTCOME[result.outcome],  # type: ignore[arg-type]
                      captured=result.captured_amount)
    return payment


async def advance(session: AsyncSession, payment: Payment, move: Move, *, captured: int | None = None,
                  message: str | None = None) -> bool:
    """Moves the payment if `move` is ahead of where it stands; says whether it moved."""
    current = payment.status
    if move == "paid":
        if current == "paid":
            return False
        payment.status = "paid"
        payment.captured_amount = captured if captured is not None else payment.amount
        payment.next_action = None
        await ledger.record_sale(session, store_id=payment.store_id, payment_id=payment.id,
                                 order_id=payment.order_id, amount=payment.captured_amount, currency=payment.currency)
    elif move == "authorized":
        if current != "pending":
            return False
        payment.status = "authorized"
    else:  # failed or expired
        if current not in ("pending", "authorized"):
            return False
        payment.status = "failed"
        payment.failure_code = payment.failure_code or move
        payment.failure_message = message or ("The payment expired." if move == "expired" else "The payment failed.")
    await session.flush()
    return True


async def payments_of(session: AsyncSession, *, store_id: uuid.UUID, order_id: uuid.UUID) -> list[Payment]:
    stmt = select(Payment).where(Payment.store_id == store_id, Payment.order_id == order_id).order_by(Payment.id)
    return list((await session.scalars(stmt)).all())


async def refunds_of(session: AsyncSession, *, store_id: uuid.UUID, order_id: uuid.UUID) -> list[Refund]:
    stmt = select(Refund).where(Refund.store_id == store_id, Refund.order_id == order_id).order_by(Refund.id)
    return list((await session.scalars(stmt)).all())


async def by_reference(session: AsyncSession, *, store_id: uuid.UUID, provider: str, reference: str) -> Payment | None:
    stmt = select(Payment).where(Payment.store_id == store_id, Payment.provider == provider,
                                 Payment.provider_reference == reference)
    return (await session.scalars(stmt)).first()


async def mark_paid(session: AsyncSession, *, store_id: uuid.UUID, order_id: uuid.UUID) -> Payment:
    payments = await payments_of(session, store_id=store_id, order_id=order_id)
    pending = [p for p in payments if p.status == "pending"]
    if not pending:
        raise Conflict("This order has no pending payment to mark paid.")
    payment = pending[-1]
    await advance(session, payment, "paid")
    return payment


async def capture(session: AsyncSession, *, store_id: uuid.UUID, order_id: uuid.UUID,
                  amount: int | None = None) -> Payment:
    """Captures an authorized payment (all of it, or less: the rest is released)."""
    authorized = [p for p in await payments_of(session, store_id=store_id, order_id=order_id)
                  if p.status == "authorized"]
    if not authorized:
        raise Conflict("This order has no authorized payment to capture.")
    payment = authorized[-1]
    provider, config = await connections.for_payment(session, store_id, payment.provider)
    result = await provider.capture(config, provider_reference=payment.provider_reference or "",
                                    amount=amount if amount is not None else payment.amount, currency=payment.currency)
    if result.outcome != "paid":
        raise CaptureFailed(result.decline_message or "The capture was refused.")
    await advance(session, payment, "paid", captured=result.captured_amount or amount)
    return payment


async def void_pending(session: AsyncSession, *, store_id: uuid.UUID, order_id: uuid.UUID) -> None:
    for payment in await payments_of(session, store_id=store_id, order_id=order_id):
        if payment.status in ("pending", "authorized"):
            if payment.provider_reference:
                provider, config = await connections.for_payment(session, store_id, payment.provider)
                await provider.void(config, provider_reference=payment.provider_reference)
            payment.status = "voided"
            payment.next_action = None
    await session.flush()


async def refund(
    session: AsyncSession, *, store_id: uuid.UUID, order_id: uuid.UUID, amount: int, reason: str | None,
    lines: list[dict[str, object]] | None = None, restock: bool = False,
) -> Refund:
    """Refunds `amount` from the order's captured payments, newest first."""
    payments = [p for p in await payments_of(session, store_id=store_id, order_id=order_id)
                if p.captured_amount - p.refunded_amount > 0]
    if not payments:
        raise Conflict("Nothing was captured on this order, so there is nothing to refund.")
    payment = payments[-1]
    refund_id = uuid7()
    provider, config = await connections.for_payment(session, store_id, payment.provider)
    result = await provider.refund(config, RefundRequest(
        store_id=store_id, provider_reference=payment.provider_reference, amount=amount, currency=payment.currency,
        reference=str(refund_id), reason=reason))
    if not result.succeeded:
        raise RefundFailed(result.failure_message or "The refund was refused.")
    payment.refunded_amount += amount
    row = Refund(id=refund_id, store_id=store_id, order_id=order_id, payment_id=payment.id, amount=amount,
                 reason=reason, status="succeeded", provider_reference=result.provider_reference,
                 lines=lines or [], restock=restock)
    session.add(row)
    await session.flush()
    await ledger.record_refund(session, store_id=store_id, refund_id=row.id, order_id=order_id, amount=amount,
                               currency=payment.currency)
    return row
