"""Inbound payment callbacks: verify the signature, record the event once by its id, then act on it.
A payment only moves forward: a late "failed" after "succeeded" changes nothing."""

import hashlib
import hmac
import json
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from metco.config import Settings
from metco.kit.errors import MetcoError, NotFound
from metco.orders import service as orders_service
from metco.orders.repository import OrderRepository
from metco.payments.models import Payment, PaymentWebhookEvent
from metco.payments.signatures import BadSignature, verify
from metco.stores import repository as stores_repository

SANDBOX_HEADER = "Sandbox-Signature"


class MalformedEvent(MetcoError):
    status = 400
    code = "MALFORMED_EVENT"
    title = "The event is not one this endpoint understands"


def sandbox_secret(settings: Settings, store_id: uuid.UUID) -> str:
    """The per-store key the sandbox signs its callbacks with (derived, so nothing to configure)."""
    key = settings.secret_key.get_secret_value().encode()
    return hmac.new(key, f"sandbox-webhook:{store_id}".encode(), hashlib.sha256).hexdigest()


async def receive(
    session: AsyncSession, settings: Settings, *, provider: str, store_id: uuid.UUID, body: bytes,
    headers: dict[str, str],
) -> bool:
    """Returns False for an event already received (answered 200 all the same, so the sender stops)."""
    if provider != "sandbox":
        raise NotFound(f"No webhook endpoint for '{provider}'.")
    if await stores_repository.get_store(session, store_id) is None:
        raise NotFound("No such store.")
    verify(sandbox_secret(settings, store_id), body, headers.get(SANDBOX_HEADER.lower()))
    event = _parse(body)
    try:
        async with session.begin_nested():
            session.add(PaymentWebhookEvent(provider=provider, event_id=event["id"], store_id=store_id,
                                            type=event["type"], payload=event))
            await session.flush()
    except IntegrityError:
        return False
    await _apply(session, provider=provider, store_id=store_id, event=event)
    return True


def _parse(body: bytes) -> dict[str, Any]:
    try:
        event = json.loads(body)
    except ValueError as exc:
        raise MalformedEvent("The body is not JSON.") from exc
    if not isinstance(event, dict) or not isinstance(event.get("id"), str) or not isinstance(event.get("type"), str):
        raise MalformedEvent("An event needs a string 'id' and 'type'.")
    if not isinstance(event.get("data"), dict) or not isinstance(event["data"].get("reference"), str):
        raise MalformedEvent("An event needs data.reference, the payment's provider reference.")
    return event


async def _apply(session: AsyncSession, *, provider: str, store_id: uuid.UUID, event: dict[str, Any]) -> None:
    payment = (await session.scalars(select(Payment).where(
        Payment.store_id == store_id, Payment.provider == provider,
        Payment.provider_reference == event["data"]["reference"]))).first()
    if payment is None:
        return  # not ours (or not yet): recorded, nothing to move
    order = await OrderRepository(session, store_id).lock(payment.order_id)
    if event["type"] == "payment.succeeded" and payment.status in ("pending", "authorized"):
        payment.status = "paid"
        payment.captured_amount = payment.amount
        order.payment_status = "paid"
        await orders_service.add_event(session, order, "payment_captured", "Payment confirmed by the provider.",
                                       data={"event_id": event["id"]})
        if order.status == "pending":
            await orders_service.confirm(session, order)
    elif event["type"] == "payment.failed" and payment.status == "pending":
        payment.status = "failed"
        payment.failure_message = str(event["data"].get("message") or "The payment failed.")
        order.payment_status = "failed"
        if order.status == "pending":
            await orders_service.cancel_locked(session, order, reason="Payment failed", restock=False, actor_id=None)
    await session.flush()


__all__ = ["SANDBOX_HEADER", "BadSignature", "receive", "sandbox_secret"]
