"""Payments and refunds of orders, through the order's provider."""

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from metco.kit.errors import Conflict
from metco.kit.ids import uuid7
from metco.payments import registry
from metco.payments.models import Payment, Refund
from metco.payments.ports import PaymentResult, RefundRequest

STATUS_OF_OUTCOME = {"paid": "paid", "authorized": "authorized", "pending": "pending", "declined": "failed"}


class RefundFailed(Conflict):
    code = "REFUND_FAILED"
    title = "The payment provider refused the refund"


async def record(
    session: AsyncSession, *, store_id: uuid.UUID, order_id: uuid.UUID, provider: str, result: PaymentResult,
    amount: int, currency: str,
) -> Payment:
    payment = Payment(
        store_id=store_id, order_id=order_id, provider=provider, provider_reference=result.provider_reference,
        status=STATUS_OF_OUTCOME[result.outcome], amount=amount, currency=currency,
        captured_amount=amount if result.outcome == "paid" else 0, next_action=result.next_action,
        failure_code=result.decline_code, failure_message=result.decline_message,
    )
    session.add(payment)
    await session.flush()
    return payment


async def payments_of(session: AsyncSession, *, store_id: uuid.UUID, order_id: uuid.UUID) -> list[Payment]:
    stmt = select(Payment).where(Payment.store_id == store_id, Payment.order_id == order_id).order_by(Payment.id)
    return list((await session.scalars(stmt)).all())


async def refunds_of(session: AsyncSession, *, store_id: uuid.UUID, order_id: uuid.UUID) -> list[Refund]:
    stmt = select(Refund).where(Refund.store_id == store_id, Refund.order_id == order_id).order_by(Refund.id)
    return list((await session.scalars(stmt)).all())


async def mark_paid(session: AsyncSession, *, store_id: uuid.UUID, order_id: uuid.UUID) -> Payment:
    payments = await payments_of(session, store_id=store_id, order_id=order_id)
    pending = [p for p in payments if p.status == "pending"]
    if not pending:
        raise Conflict("This order has no pending payment to mark paid.")
    payment = pending[-1]
    payment.status = "paid"
    payment.captured_amount = payment.amount
    await session.flush()
    return payment


async def void_pending(session: AsyncSession, *, store_id: uuid.UUID, order_id: uuid.UUID) -> None:
    for payment in await payments_of(session, store_id=store_id, order_id=order_id):
        if payment.status in ("pending", "authorized"):
            if payment.provider_reference:
                await registry.get(payment.provider).void(provider_reference=payment.provider_reference)
            payment.status = "voided"
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
    result = await registry.get(payment.provider).refund(RefundRequest(
        store_id=store_id, provider_reference=payment.provider_reference, amount=amount, currency=payment.currency,
        reference=str(refund_id)))
    if not result.succeeded:
        raise RefundFailed(result.failure_message or "The refund was refused.")
    payment.refunded_amount += amount
    row = Refund(id=refund_id, store_id=store_id, order_id=order_id, payment_id=payment.id, amount=amount,
                 reason=reason, status="succeeded", provider_reference=result.provider_reference,
                 lines=lines or [], restock=restock)
    session.add(row)
    await session.flush()
    return row
