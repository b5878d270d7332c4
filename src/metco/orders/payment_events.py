"""What an order does when its payment moves on the provider's side (a callback, or the shopper coming back
from a redirect): a late confirmation confirms it, a failure or an expiry cancels it and releases its stock,
and money that arrives for an order already cancelled is handed straight back."""

from sqlalchemy.ext.asyncio import AsyncSession

from metco.kit.outbox import publish
from metco.orders.events import OrderPaymentFailed, OrderRefunded
from metco.orders.models import Order
from metco.orders.service import add_event, cancel_locked, confirm
from metco.payments import service as payments_service
from metco.payments.models import Payment
from metco.payments.service import Move


async def payment_moved(session: AsyncSession, order: Order, payment: Payment, move: Move, *,
                        captured: int | None = None, message: str | None = None, source: str) -> bool:
    """Applies `move` to the (locked) order's payment; says whether anything changed."""
    if not await payments_service.advance(session, payment, move, captured=captured, message=message):
        return False
    data = {"payment_id": str(payment.id), "source": source}
    if move == "paid":
        await add_event(session, order, "payment_captured",
                        f"Payment of {payment.captured_amount} confirmed by {payment.provider}.", data=data)
        if order.status == "cancelled":
            await _return_unexpected_money(session, order, payment)
            return True
        if order.payment_status in ("pending", "authorized", "failed", "voided"):
            order.payment_status = "paid"
        if order.status == "pending":
            await confirm(session, order)
    elif move == "authorized":
        if order.payment_status == "pending":
            order.payment_status = "authorized"
        await add_event(session, order, "payment_authorized", f"Payment authorized by {payment.provider}.", data=data)
        if order.status == "pending":
            await confirm(session, order)
    else:
        order.payment_status = "failed"
        await add_event(session, order, "payment_failed", payment.failure_message or "The payment failed.", data=data)
        await publish(session, OrderPaymentFailed(order_id=order.id, store_id=order.store_id, number=order.number,
                                                  email=order.email, reason=payment.failure_message),
                      store_id=order.store_id)
        if order.status == "pending":
            reason = "Payment expired" if move == "expired" else "Payment failed"
            await cancel_locked(session, order, reason=reason, restock=False, actor_id=None)
    await session.flush()
    return True


async def _return_unexpected_money(session: AsyncSession, order: Order, payment: Payment) -> None:
    refund = await payments_service.refund(
        session, store_id=order.store_id, order_id=order.id, amount=payment.captured_amount,
        reason="Payment arrived after the order was cancelled")
    # Outside the staff-facing state machine on purpose: the money came and went on its own.
    order.payment_status = "refunded"
    await add_event(session, order, "refunded",
                    f"Refunded {refund.amount}: the payment arrived after the order was cancelled.",
                    data={"refund_id": str(refund.id), "amount": refund.amount})
    await publish(session, OrderRefunded(order_id=order.id, store_id=order.store_id, number=order.number,
                                         email=order.email, refund_id=refund.id, amount=refund.amount,
                                         currency=order.currency), store_id=order.store_id)
