"""Inbound payment callbacks: the provider verifies and translates, each event is recorded once by its id,
then the order reacts. Replays answer 200 (so the sender stops) and change nothing; a payment only moves
forward, so events arriving out of order cannot undo a later state."""

import uuid
from collections.abc import Mapping

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from metco.kit.errors import NotFound
from metco.orders import payment_events
from metco.orders.repository import OrderRepository
from metco.payments import connections, registry
from metco.payments import service as payments_service
from metco.payments.models import PaymentWebhookEvent
from metco.payments.ports import WebhookEvent
from metco.payments.signatures import BadSignature
from metco.stores import repository as stores_repository


async def receive(session: AsyncSession, *, provider: str, store_id: uuid.UUID, body: bytes,
                  headers: Mapping[str, str]) -> int:
    """Verifies and applies a callback; returns how many of its events were new."""
    if provider not in registry.names():
        raise NotFound(f"No webhook endpoint for '{provider}'.")
    if await stores_repository.get_store(session, store_id) is None:
        raise NotFound("No such store.")
    adapter, config = await connections.for_payment(session, store_id, provider)
    events = await adapter.parse_webhook(config, body=body, headers=headers)
    applied = 0
    for event in events:
        if await _record_once(session, provider=provider, store_id=store_id, event=event):
            applied += 1
            await _apply(session, provider=provider, store_id=store_id, event=event)
    return applied


async def _record_once(session: AsyncSession, *, provider: str, store_id: uuid.UUID, event: WebhookEvent) -> bool:
    try:
        async with session.begin_nested():
            session.add(PaymentWebhookEvent(
                provider=provider, event_id=event.event_id, store_id=store_id, type=event.type,
                payload={"kind": event.kind, "reference": event.reference, "message": event.message}))
            await session.flush()
    except IntegrityError:
        return False
    return True


async def _apply(session: AsyncSession, *, provider: str, store_id: uuid.UUID, event: WebhookEvent) -> None:
    if event.kind == "ignored" or event.reference is None:
        return
    payment = await payments_service.by_reference(session, store_id=store_id, provider=provider,
                                                  reference=event.reference)
    if payment is None:
        return  # not ours (or not yet): recorded, nothing to move
    order = await OrderRepository(session, store_id).lock(payment.order_id)
    if event.kind == "approved":
        # The shopper approved (PayPal): we finish the payment ourselves.
        await refresh(session, order_id=order.id, store_id=store_id, source=f"webhook:{event.event_id}")
        return
    await payment_events.payment_moved(session, order, payment, event.kind, message=event.message,  # type: ignore[arg-type]
                                       source=f"webhook:{event.event_id}")


async def refresh(session: AsyncSession, *, store_id: uuid.UUID, order_id: uuid.UUID, source: str) -> None:
    """Asks the provider where the order's open payment stands (finishing it where the provider needs
    that of us) and applies the answer: the shopper's return from a redirect, or an 'approved' callback."""
    order = await OrderRepository(session, store_id).lock(order_id)
    open_payments = [p for p in await payments_service.payments_of(session, store_id=store_id, order_id=order.id)
                     if p.status in ("pending", "authorized") and p.provider_reference]
    for payment in open_payments:
        adapter, config = await connections.for_payment(session, store_id, payment.provider)
        result = await adapter.status(config, provider_reference=payment.provider_reference or "",
                                      amount=payment.amount, currency=payment.currency)
        if result.outcome == "pending":
            continue
        move = "failed" if result.outcome == "declined" else result.outcome
        await payment_events.payment_moved(session, order, payment, move, captured=result.captured_amount,  # type: ignore[arg-type]
                                           message=result.decline_message, source=source)


__all__ = ["BadSignature", "receive", "refresh"]
