"""Orders: placing one from a priced draft, reading them, and moving them through their states."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from metco.identity.secrets import digest, new_secret
from metco.inventory import service as inventory_service
from metco.kit.clock import utcnow
from metco.kit.db import settings_of
from metco.kit.errors import InvalidInput, NotFound
from metco.kit.outbox import publish
from metco.kit.pagination import paginate
from metco.kit.scope import StoreScope
from metco.orders import links, repository, states
from metco.orders.drafts import OrderDraft
from metco.orders.events import OrderCancelled, OrderConfirmed, OrderPlaced
from metco.orders.models import Order, OrderDiscount, OrderEvent, OrderLine
from metco.payments import service as payments_service
from metco.payments.models import Payment, Refund
from metco.promotions import service as promotions_service

DONE_PAYMENT = {"paid", "partially_refunded", "refunded"}


@dataclass(frozen=True)
class OrderView:
    order: Order
    lines: list[OrderLine]
    discounts: list[OrderDiscount]
    payments: list[Payment]
    refunds: list[Refund]
    events: list[OrderEvent]
    fulfillments: list[Any] = field(default_factory=list)  # fulfillment.service.FulfillmentView


async def add_event(session: AsyncSession, order: Order, type_: str, message: str, *,
                    data: dict[str, Any] | None = None, actor_id: uuid.UUID | None = None) -> None:
    session.add(OrderEvent(store_id=order.store_id, order_id=order.id, type=type_, message=message,
                           data=data or {}, actor_id=actor_id))
    await session.flush()


async def place(
    session: AsyncSession, *, store_id: uuid.UUID, draft: OrderDraft, status: str, payment_status: str,
    expires_at: datetime | None = None, order_id: uuid.UUID | None = None,
) -> tuple[Order, str]:
    """Writes the order with its lines and discounts; returns it with its guest access token."""
    access_token = new_secret("oat")
    totals = draft.totals
    order = Order(
        store_id=store_id, number=await repository.next_number(session, store_id), status=status,
        payment_status=payment_status, customer_id=draft.customer_id, user_id=draft.user_id, email=draft.email,
        currency=totals.currency, subtotal=totals.subtotal, discount_total=totals.discount_total,
        shipping_total=totals.shipping_total, tax_total=totals.tax_total, total=totals.total,
        prices_include_tax=draft.prices_include_tax, shipping_address=draft.shipping_address,
        shipping_method=draft.shipping_method, payment_provider=draft.payment_provider,
        access_token_hash=digest(access_token), cart_id=draft.cart_id,
        reservation_reference=draft.reservation_reference, expires_at=expires_at,
    )
    if order_id is not None:
        order.id = order_id
    session.add(order)
    await session.flush()
    for line in draft.lines:
        session.add(OrderLine(
            store_id=store_id, order_id=order.id, variant_id=line.variant_id, product_id=line.product_id,
            title=line.title, variant_title=line.variant_title, sku=line.sku, unit_price=line.unit_price,
            quantity=line.quantity, subtotal=line.subtotal, discount=line.discount, tax=line.tax, total=line.total,
            weight_grams=line.weight_grams))
    for discount in draft.discounts:
        session.add(OrderDiscount(store_id=store_id, order_id=order.id, discount_id=discount.discount_id,
                                  code=discount.code, title=discount.title, kind=discount.kind,
                                  amount=discount.amount))
    await add_event(session, order, "placed", f"Order #{order.number} was placed by {order.email}.",
                    data={"total": order.total, "currency": order.currency})
    await publish(session, OrderPlaced(order_id=order.id, store_id=store_id, number=order.number, email=order.email,
                                       total=order.total, currency=order.currency, status=order.status,
                                       payment_status=order.payment_status), store_id=store_id)
    if status == "confirmed":
        await publish(session, OrderConfirmed(order_id=order.id, store_id=store_id, number=order.number,
                                              email=order.email), store_id=store_id)
    return order, access_token


async def view(session: AsyncSession, order: Order) -> OrderView:
    from metco.fulfillment.service import views_of_order  # fulfillment builds on orders, not the other way

    repo = repository.OrderRepository(session, order.store_id)
    return OrderView(
        order=order, lines=await repo.lines(order.id), discounts=await repo.discounts(order.id),
        payments=await payments_service.payments_of(session, store_id=order.store_id, order_id=order.id),
        refunds=await payments_service.refunds_of(session, store_id=order.store_id, order_id=order.id),
        events=await repo.events(order.id),
        fulfillments=await views_of_order(session, order.store_id, order.id),
    )


async def list_orders(
    session: AsyncSession, scope: StoreScope, *, status: str | None, payment_status: str | None,
    fulfillment_status: str | None, q: str | None, limit: int, cursor: str | None,
) -> tuple[list[Order], str | None]:
    stmt = repository.OrderRepository(session, scope.store_id).filtered(
        status=status, payment_status=payment_status, fulfillment_status=fulfillment_status, q=q)
    return await paginate(session, stmt, key=Order.id, limit=limit, cursor=cursor, descending=True)


async def get_order(session: AsyncSession, scope: StoreScope, order_id: uuid.UUID) -> OrderView:
    order = await repository.OrderRepository(session, scope.store_id).get_or_404(order_id)
    return await view(session, order)


async def orders_of_account(
    session: AsyncSession, *, store_id: uuid.UUID, user_id: uuid.UUID, limit: int, cursor: str | None
) -> tuple[list[Order], str | None]:
    stmt = repository.OrderRepository(session, store_id).of_user(user_id)
    return await paginate(session, stmt, key=Order.id, limit=limit, cursor=cursor, descending=True)


async def order_for_shopper(
    session: AsyncSession, *, store_id: uuid.UUID, order_id: uuid.UUID, user_id: uuid.UUID | None,
    access_token: str | None,
) -> OrderView:
    """The order if the shopper owns it (signed in) or holds its access token; 404 otherwise."""
    order = await repository.OrderRepository(session, store_id).get(order_id)
    allowed = order is not None and (
        (user_id is not None and order.user_id == user_id)
        or (access_token is not None and (digest(access_token) == order.access_token_hash
                                          or links.is_link_token(settings_of(session), order.id, access_token))))
    if order is None or not allowed:
        raise NotFound("No such order.")
    return await view(session, order)


async def customer_stats(session: AsyncSession, *, store_id: uuid.UUID, customer_id: uuid.UUID) -> tuple[int, int]:
    return await repository.OrderRepository(session, store_id).customer_stats(customer_id)


async def mark_paid(session: AsyncSession, scope: StoreScope, order_id: uuid.UUID) -> OrderView:
    order = await repository.OrderRepository(session, scope.store_id).lock(order_id)
    states.check("payment_status", order.payment_status, "paid")
    payment = await payments_service.mark_paid(session, store_id=order.store_id, order_id=order.id)
    order.payment_status = "paid"
    await add_event(session, order, "payment_captured", f"Payment of {payment.amount} marked as received.",
                    data={"payment_id": str(payment.id)}, actor_id=scope.user_id)
    if order.status == "pending":
        await confirm(session, order, actor_id=scope.user_id)
    await session.flush()
    return await view(session, order)


async def capture(session: AsyncSession, scope: StoreScope, order_id: uuid.UUID, *, amount: int | None) -> OrderView:
    """Takes an authorized payment (authorize-and-capture stores), all of it or less."""
    order = await repository.OrderRepository(session, scope.store_id).lock(order_id)
    states.check("payment_status", order.payment_status, "paid")
    if amount is not None and amount > order.total:
        raise InvalidInput("amount", f"is more than the order's total ({order.total})")
    payment = await payments_service.capture(session, store_id=order.store_id, order_id=order.id, amount=amount)
    order.payment_status = "paid"
    await add_event(session, order, "payment_captured", f"Captured {payment.captured_amount}.",
                    data={"payment_id": str(payment.id)}, actor_id=scope.user_id)
    await session.flush()
    return await view(session, order)


async def confirm(session: AsyncSession, order: Order, *, actor_id: uuid.UUID | None = None) -> None:
    """A pending order whose payment arrived: its reservation becomes a sale."""
    states.check("status", order.status, "confirmed")
    await inventory_service.commit_reservation(session, store_id=order.store_id, reference=order.reservation_reference)
    order.status = "confirmed"
    order.expires_at = None
    await add_event(session, order, "confirmed", "Order confirmed.", actor_id=actor_id)
    await publish(session, OrderConfirmed(order_id=order.id, store_id=order.store_id, number=order.number,
                                          email=order.email), store_id=order.store_id)


async def cancel(
    session: AsyncSession, scope: StoreScope, order_id: uuid.UUID, *, reason: str | None, restock: bool
) -> OrderView:
    order = await repository.OrderRepository(session, scope.store_id).lock(order_id)
    await cancel_locked(session, order, reason=reason, restock=restock, actor_id=scope.user_id)
    return await view(session, order)


async def cancel_locked(
    session: AsyncSession, order: Order, *, reason: str | None, restock: bool, actor_id: uuid.UUID | None
) -> None:
    states.check("status", order.status, "cancelled")
    was_pending = order.status == "pending"
    if order.payment_status in ("paid", "partially_refunded"):
        refundable = order.total - await _refunded(session, order)
        if refundable > 0:
            await payments_service.refund(session, store_id=order.store_id, order_id=order.id, amount=refundable,
                                          reason=reason or "Order cancelled")
        order.payment_status = "refunded"
    elif order.payment_status in ("pending", "authorized"):
        await payments_service.void_pending(session, store_id=order.store_id, order_id=order.id)
        order.payment_status = "voided"
    if was_pending:
        await inventory_service.release_reservation(session, store_id=order.store_id,
                                                    reference=order.reservation_reference, reason="cancellation")
        await promotions_service.release_redemptions(session, store_id=order.store_id,
                                                     reference=order.reservation_reference)
    elif restock:
        lines = await repository.OrderRepository(session, order.store_id).lines(order.id)
        back = [(line.variant_id, line.quantity - line.refunded_quantity) for line in lines
                if line.variant_id is not None and line.quantity - line.refunded_quantity > 0]
        if back:
            await inventory_service.restock(session, store_id=order.store_id, lines=back, reason="cancellation",
                                            reference=f"order:{order.id}")
    order.status = "cancelled"
    order.cancelled_at = utcnow()
    order.cancel_reason = reason
    order.expires_at = None
    await add_event(session, order, "cancelled", f"Order cancelled{': ' + reason if reason else ''}.",
                    data={"restock": restock}, actor_id=actor_id)
    await publish(session, OrderCancelled(order_id=order.id, store_id=order.store_id, number=order.number,
                                          email=order.email, reason=reason), store_id=order.store_id)


async def _refunded(session: AsyncSession, order: Order) -> int:
    return sum(r.amount for r in await payments_service.refunds_of(session, store_id=order.store_id,
                                                                    order_id=order.id))


async def expire_unpaid(session: AsyncSession, *, now: datetime, limit: int = 100) -> int:
    """Cancels pending orders whose payment never came, releasing their stock and discount uses."""
    orders = list((await session.scalars(repository.lapsed_unpaid(now, limit))).all())
    for order in orders:
        await cancel_locked(session, order, reason="Payment was not completed in time", restock=False,
                            actor_id=None)
    return len(orders)
